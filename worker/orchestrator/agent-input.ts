import { currentFiles } from '../artifacts/project-tree.ts';
import { isBinaryArtifact } from '../changes/binary-file.ts';
import type { AgentInput, AgentRole, Finding } from '../agents/index.ts';
import { checkIsCurrent, testRunSection } from '../checks/test-findings.ts';
import { describeCheck } from '../query/describe-check.ts';
import { type ProjectState, joinKey } from '../events/projections/project-state.ts';
import type { ArtifactRow, ArtifactVersionRow, TaskRow } from '../events/projections/rows.ts';
import { emptyMeasured } from '../budget/utf8-length.ts';
import { type ContextFile, renderedContextOf, sharedContextCache } from './context.ts';

/** The texts the engine can read back from the blob store. */
export type ReadBlob = (hash: string) => Promise<string | undefined>;

/**
 * The version row of an artifact's latest version. A row of `artifacts` is replaced, not
 * changed, when a new version comes, so the answer is kept per row: every task looked up
 * every file's version again, by a key string made for the purpose.
 */
const versionOfRow = new WeakMap<ArtifactRow, ArtifactVersionRow>();

function latestVersion(state: ProjectState, artifact: ArtifactRow): ArtifactVersionRow | undefined {
  const known = versionOfRow.get(artifact);
  if (known !== undefined) return known;
  const version = state.artifactVersions.get(joinKey(artifact.path, String(artifact.latest)));
  if (version !== undefined) versionOfRow.set(artifact, version);
  return version;
}

/**
 * The files a task may see: the latest version of every source file made by a role the
 * agent receives from (the Debugger sees them all), marked direct when a task it depends
 * on made them.
 */
export async function upstreamFiles(
  state: ProjectState,
  task: TaskRow,
  agent: AgentRole<unknown>,
  readBlob: ReadBlob,
): Promise<ContextFile[]> {
  const directIds = new Set(task.dependsOn);
  // A change is planned on every file; a task is always shown the files it names.
  const named = new Set(task.expectedArtifacts);
  // A file shown before is taken from the context cache; the others are read together.
  const files: (ContextFile | undefined)[] = [];
  const unread: { at: number; artifact: ArtifactRow; direct: boolean }[] = [];
  for (const artifact of currentFiles(state)) {
    if (artifact.kind !== 'source' || isBinaryArtifact(state, artifact)) continue;
    const version = latestVersion(state, artifact);
    const producer = version?.provenance.taskId ? state.tasks.get(version.provenance.taskId) : undefined;
    const role = producer?.role ?? version?.provenance.role;
    const receives =
      task.kind === 'fix' ||
      task.kind === 'change' ||
      named.has(artifact.path) ||
      agent.role === 'debugger' ||
      (role !== undefined && role !== null && agent.receivesFrom.includes(role));
    if (!receives) continue;
    const direct = producer !== undefined && directIds.has(producer.taskId);
    const content = sharedContextCache.contentOf(artifact.path, artifact.contentHash);
    if (content === undefined) unread.push({ at: files.length, artifact, direct });
    files.push(content === undefined ? undefined : fileOf(artifact, content, direct));
  }
  if (unread.length === 0) return files as ContextFile[];
  const read = await Promise.all(unread.map(({ artifact }) => readBlob(artifact.contentHash)));
  unread.forEach(({ at, artifact, direct }, index) => {
    const content = read[index];
    if (content !== undefined) files[at] = fileOf(artifact, content, direct);
  });
  // A text the store no longer has is left out.
  return files.filter((file) => file !== undefined);
}

function fileOf(artifact: ArtifactRow, content: string, direct: boolean): ContextFile {
  return { path: artifact.path, language: artifact.language, content, direct, contentHash: artifact.contentHash };
}

/** Paths and names a task's text mentions: those files come first and whole. */
export function focusOf(task: TaskRow, findings: readonly Finding[]): string[] {
  return [...task.expectedArtifacts, ...findings.map((finding) => finding.file)];
}

/** Everything the agent's prompt draws on for one task, its context trimmed to `budgetTokens`. */
export async function agentInputFor(
  state: ProjectState,
  task: TaskRow,
  agent: AgentRole<unknown>,
  options: {
    readBlob: ReadBlob;
    budgetTokens: number;
    findings: Finding[];
    /** The run's limit on a plan's tasks (`RunLimits.maxPlanTasks`). */
    maxPlanTasks: number;
    conversation?: AgentInput['conversation'];
  },
): Promise<AgentInput> {
  const project = state.project;
  const plan = state.plan;
  const upstream = await upstreamFiles(state, task, agent, options.readBlob);
  // An agent that edits gets the files it changes whole, apart, and not again among the others.
  const editing = agent.editsFiles === true ? new Set(task.expectedArtifacts) : new Set<string>();
  const editable = upstream.filter((file) => editing.has(file.path));
  const files = editable.length > 0 ? upstream.filter((file) => !editing.has(file.path)) : upstream;
  const deletes = plan?.change !== undefined ? plan.tasks.find((one) => one.id === task.taskId)?.deletes : undefined;
  const context = files.length
    ? renderedContextOf(files, { budgetTokens: options.budgetTokens, focus: focusOf(task, options.findings) })
    : { text: '', shown: emptyMeasured };
  return {
    project: {
      name: project?.name ?? '',
      description: project?.description ?? '',
      template: project?.template ?? null,
    },
    plan: plan ? { summary: plan.summary, stack: plan.stack, languages: plan.languages } : null,
    task: {
      id: task.taskId,
      title: task.title,
      instructions: task.instructions,
      expectedArtifacts: task.expectedArtifacts,
      acceptance: task.acceptance,
      kind: task.kind,
      round: task.round,
      ...(deletes && deletes.length > 0 ? { deletes: [...deletes] } : {}),
    },
    context: context.text,
    measuredContext: context.shown,
    findings: options.findings,
    ...(agent.editsFiles === true
      ? { editable: editable.map(({ path, language, content }) => ({ path, language, content })) }
      : {}),
    ...(agent.role === 'debugger' || task.kind === 'change' ? testRunOf(state) : {}),
    conversation: options.conversation ?? [],
    maxPlanTasks: options.maxPlanTasks,
    currentTasks: [...state.tasks.values()].map((row) => ({
      id: row.taskId,
      role: row.role ?? 'code-generator',
      title: row.title,
      status: row.status,
      instructions: row.instructions,
    })),
  };
}

/** The Debugger reviews with the project's tests as they ran on the files it sees. */
function testRunOf(state: ProjectState): { testRun?: string } {
  const check = state.project?.lastCheck;
  if (!check || !checkIsCurrent(state)) return {};
  return { testRun: testRunSection(check, describeCheck(check.outcome, check.counts, check.reason)) };
}
