/**
 * What a task's valid answer becomes in the log: files become artifact versions, a plan
 * becomes a proposal, a review becomes a report (and, when it finds serious problems, fix
 * tasks). All of it is appended in one batch with `task-complete`, so a reload can never
 * see the files without the completion or the completion without the files.
 */
import type { FileOutput, Finding, Plan, Review } from '../agents/index.ts';
import { agentRoles, isBlocking, reviewSchema } from '../agents/index.ts';
import { languageOf } from '../artifacts/language.ts';
import { scoreTask } from '../artifacts/quality.ts';
import { checkFileSet, safeFileName } from '../artifacts/safe-path.ts';
import { testFailureFindings } from '../checks/test-findings.ts';
import type { EventDraft, PayloadOf } from '../events/catalog.ts';
import type { BlobText } from '../events/store/contract.ts';
import { sha256Hex } from '../events/hash.ts';
import { type ProjectState, joinKey } from '../events/projections/project-state.ts';
import type { TaskRow } from '../events/projections/rows.ts';
import type { Actor, Role } from '../events/schemas/common.ts';
import type { Destination, TotalUsage } from './task-runner.ts';

export interface Completion {
  events: EventDraft[];
  blobs: BlobText[];
  quality: number;
  /** Set when nothing usable came out of a valid answer (every file path refused). */
  failure?: string;
  /** Set when the answer repeats what is already there: a fix that changes nothing. */
  loop?: string;
}

const system: Actor = { kind: 'system', component: 'orchestrator' };

function completeEvent(
  task: TaskRow,
  attempt: number,
  usage: TotalUsage,
  durationMs: number,
  outputHash: string,
  repairs: number,
): EventDraft {
  return {
    type: 'task-complete',
    actor: system,
    payload: {
      taskId: task.taskId,
      attempt,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      costUsd: usage.costUsd,
      durationMs: Math.round(durationMs),
      outputHash,
      repairs,
    },
  };
}

function provenanceOf(task: TaskRow, role: Role, destination: Destination, attempt: number, promptHash?: string) {
  return destination.kind === 'template'
    ? {
        source: 'template' as const,
        taskId: task.taskId,
        role,
        provider: 'template',
        model: destination.model,
        attempt,
      }
    : {
        source: 'ai' as const,
        taskId: task.taskId,
        role,
        provider: destination.choice.provider,
        model: destination.choice.model,
        attempt,
        ...(promptHash ? { promptHash } : {}),
      };
}

export interface AnswerFacts {
  task: TaskRow;
  role: Role;
  attempt: number;
  text: string;
  usage: TotalUsage;
  repairs: number;
  destination: Destination;
  durationMs: number;
}

/** Files from a Code Generator, UI Designer or Test Writer answer. */
export async function fileCompletion(state: ProjectState, facts: AnswerFacts, output: FileOutput): Promise<Completion> {
  const { task, role, destination, attempt } = facts;
  const existing = new Map([...state.artifacts.keys()].map((path) => [path.toLowerCase(), path]));
  const checked = checkFileSet(output.files);
  const rejected = [...checked.rejected];
  const accepted = checked.accepted.filter((file) => {
    const clash = existing.get(file.path.toLowerCase());
    if (clash !== undefined && clash !== file.path) {
      rejected.push({ path: file.path, reason: `${file.path} clashes with ${clash} (names differing only by case)` });
      return false;
    }
    return true;
  });
  if (accepted.length === 0) {
    return {
      events: [],
      blobs: [],
      quality: 0,
      failure: `None of the files could be kept: ${rejected.map((entry) => entry.reason).join('; ')}`,
    };
  }
  const hashes = await Promise.all(accepted.map((file) => sha256Hex(file.content)));
  if (
    task.kind === 'fix' &&
    accepted.every((file, index) => state.artifacts.get(file.path)?.contentHash === hashes[index])
  ) {
    return {
      events: [],
      blobs: [],
      quality: 0,
      loop: `The ${agentRoles[role].title} answered the review with the very files it found problems in, unchanged; stopping instead of paying for more rounds of the same.`,
    };
  }
  const author: Actor = { kind: 'agent', role };
  const events: EventDraft[] = [];
  const blobs: BlobText[] = [];
  for (const [index, file] of accepted.entries()) {
    const contentHash = hashes[index] ?? (await sha256Hex(file.content));
    const known = state.artifacts.get(file.path);
    const language = file.language.trim() ? file.language.trim().toLowerCase().slice(0, 40) : languageOf(file.path);
    blobs.push({ hash: contentHash, content: file.content });
    events.push({
      type: known ? 'artifact-version' : 'artifact-create',
      actor: author,
      payload: {
        path: file.path,
        kind: 'source',
        language,
        contentHash,
        size: file.content.length,
        provenance: provenanceOf(task, role, destination, attempt),
      },
    });
    if (known?.contentHash !== contentHash) {
      events.push({
        type: 'artifact-validate',
        actor: system,
        payload: { path: file.path, version: (known?.latest ?? 0) + 1, status: 'valid', issues: [] },
      });
    }
  }
  for (const entry of rejected) {
    events.push({
      type: 'error-report',
      actor: system,
      payload: {
        kind: 'unsafe_path',
        message: `A file was not written: ${entry.reason}`.slice(0, 4000),
        taskId: task.taskId,
      },
    });
  }
  const hasTests = accepted.some((file) => /(^|\/)(tests?|__tests__)\/|[._-]test\.|test_|\.spec\./i.test(file.path));
  const score = scoreTask({
    role,
    repairs: facts.repairs,
    filesAccepted: accepted.length,
    filesRejected: rejected.length,
    hasTests,
  });
  const outputHash = await sha256Hex(facts.text);
  blobs.push({ hash: outputHash, content: facts.text });
  events.push(
    qualityEvent(task, score, destination),
    completeEvent(task, attempt, facts.usage, facts.durationMs, outputHash, facts.repairs),
  );
  return { events, blobs, quality: score.score };
}

function qualityEvent(
  task: TaskRow,
  score: { score: number; signals: Record<string, number> },
  destination: Destination,
): EventDraft {
  return {
    type: 'quality-assess',
    actor: system,
    payload: {
      subject: { kind: 'task', taskId: task.taskId },
      score: score.score,
      signals: score.signals,
      ...(task.taskType ? { taskType: task.taskType } : {}),
      ...(destination.kind === 'model' ? { armId: destination.choice.armId } : {}),
    },
  };
}

/** A plan as its `plan-propose` payload. */
export function proposalOf(plan: Plan, planId: string): PayloadOf<'plan-propose'> {
  return {
    planId,
    summary: plan.summary,
    complexity: plan.complexity,
    estimate: plan.estimate,
    tasks: plan.tasks,
    stack: plan.stack,
    languages: plan.languages,
    source: 'ai',
  };
}

/** The Project Manager's plan (or change plan): proposed, and approved at once when the project says so. */
export async function planCompletion(
  state: ProjectState,
  facts: AnswerFacts,
  proposal: PayloadOf<'plan-propose'>,
): Promise<Completion> {
  const { planId } = proposal;
  const outputHash = await sha256Hex(facts.text);
  const events: EventDraft[] = [
    { type: 'plan-propose', actor: { kind: 'agent', role: 'project-manager' }, payload: proposal },
  ];
  const score = scoreTask({ role: 'project-manager', repairs: facts.repairs, filesAccepted: 1, filesRejected: 0 });
  events.push(
    qualityEvent(facts.task, score, facts.destination),
    completeEvent(facts.task, facts.attempt, facts.usage, facts.durationMs, outputHash, facts.repairs),
  );
  if (state.project?.autoApprove) {
    events.push({ type: 'plan-approve', actor: system, payload: { planId, auto: true } });
  }
  return { events, blobs: [facts.text], quality: score.score };
}

/** The review's report file, where the person (and the export) can read it. */
export const reviewPath = (taskId: string) => `.orchestra/reviews/${safeFileName(taskId, '.json')}`;

/**
 * The Debugger's review: its report as an artifact, the reviewed files' quality lowered by
 * what was found, and — while rounds remain — fix tasks for the files' authors and one
 * more review after them.
 */
export async function reviewCompletion(
  state: ProjectState,
  facts: AnswerFacts,
  answered: Review,
  maxRounds: number,
  testFindings: readonly Finding[] = [],
): Promise<Completion> {
  const { task, destination, attempt } = facts;
  // A failing test is a finding whether or not the Debugger named it: the files it points
  // at get a fix task like any other serious finding (same rounds, same loop guard).
  const named = new Set(answered.findings.filter(isBlocking).map((finding) => finding.file));
  const added = testFindings.filter((finding) => !named.has(finding.file));
  const review: Review =
    added.length === 0
      ? answered
      : {
          verdict: 'changes-requested',
          summary: answered.summary,
          findings: [...answered.findings, ...added].slice(0, 200),
        };
  const report = JSON.stringify(review, null, 2);
  const contentHash = await sha256Hex(report);
  const path = reviewPath(task.taskId);
  const known = state.artifacts.get(path);
  const events: EventDraft[] = [
    {
      type: known ? 'artifact-version' : 'artifact-create',
      actor: { kind: 'agent', role: 'debugger' },
      payload: {
        path,
        kind: 'review',
        language: 'json',
        contentHash,
        size: report.length,
        provenance: provenanceOf(task, 'debugger', destination, attempt),
      },
    },
  ];
  // Each reviewed file's latest version is scored by its findings.
  const byFile = new Map<string, Finding[]>();
  for (const finding of review.findings) {
    const list = byFile.get(finding.file) ?? [];
    list.push(finding);
    byFile.set(finding.file, list);
  }
  for (const [file, findings] of byFile) {
    const artifact = state.artifacts.get(file);
    if (!artifact || artifact.kind !== 'source') continue;
    const score = scoreTask({
      role: 'review',
      repairs: 0,
      filesAccepted: 1,
      filesRejected: 0,
      review: { verdict: review.verdict, findings },
    });
    events.push({
      type: 'quality-assess',
      actor: system,
      payload: {
        subject: { kind: 'artifact', path: file, version: artifact.latest },
        score: score.score,
        signals: score.signals,
      },
    });
  }
  if (task.round < maxRounds) events.push(...fixTasks(state, task, review));
  const score = scoreTask({ role: 'debugger', repairs: facts.repairs, filesAccepted: 1, filesRejected: 0 });
  const outputHash = await sha256Hex(facts.text);
  events.push(
    qualityEvent(task, score, destination),
    completeEvent(task, attempt, facts.usage, facts.durationMs, outputHash, facts.repairs),
  );
  return { events, blobs: [report, facts.text], quality: score.score };
}

/** Who fixes a file: its author when that is a builder, else the Code Generator. */
function ownerOf(state: ProjectState, file: string): Role {
  const artifact = state.artifacts.get(file);
  const version = artifact ? state.artifactVersions.get(joinKey(file, String(artifact.latest))) : undefined;
  const role = version?.provenance.role;
  return role === 'ui-designer' || role === 'test-writer' ? role : 'code-generator';
}

/** One fix task per author of files with serious findings, then a review of the fixes. */
export function fixTasks(state: ProjectState, reviewTask: TaskRow, review: Review): EventDraft[] {
  const blocking = review.findings.filter(isBlocking);
  if (blocking.length === 0) return [];
  const round = reviewTask.round + 1;
  const files = new Map<Role, Set<string>>();
  for (const finding of blocking) {
    const owner = ownerOf(state, finding.file);
    const set = files.get(owner) ?? new Set<string>();
    set.add(finding.file);
    files.set(owner, set);
  }
  const events: EventDraft[] = [];
  const fixIds: string[] = [];
  // Another review of the same round may have made these ids already: suffixed by this
  // review, so its findings get their own fix and re-review instead of being dropped or
  // rewriting the other re-review's dependencies.
  const unique = (id: string) => (state.tasks.has(id) ? `${id}-${reviewTask.taskId}` : id);
  for (const [role, paths] of files) {
    const taskId = unique(`fix-${round}-${role}`);
    if (state.tasks.has(taskId)) continue;
    fixIds.push(taskId);
    const list = [...paths];
    events.push({
      type: 'task-schedule',
      actor: { kind: 'agent', role: 'debugger' },
      payload: {
        taskId,
        role,
        title: `Fix review findings in ${list.slice(0, 3).join(', ')}${list.length > 3 ? '…' : ''}`.slice(0, 300),
        dependsOn: [reviewTask.taskId],
        instructions: `The ${agentRoles.debugger.title}'s review (${reviewTask.taskId}) found problems of severity major or worse in these files. Fix every finding listed and return the corrected files whole.`,
        expectedArtifacts: list,
        acceptance: ['Every listed finding is addressed.', 'Nothing that worked before is broken.'],
        kind: 'fix',
        round,
      },
    });
  }
  if (fixIds.length === 0) return [];
  events.push({
    type: 'task-schedule',
    actor: { kind: 'agent', role: 'debugger' },
    payload: {
      taskId: unique(`review-${round}`),
      role: 'debugger',
      title: `Review the fixes (round ${round})`,
      dependsOn: fixIds,
      instructions: `Review the project again after the fixes of round ${round}. Check that the earlier findings are resolved and report anything still wrong.`,
      expectedArtifacts: [],
      acceptance: [],
      kind: 'review',
      round,
    },
  });
  return events;
}

/** The findings a fix task must address: its review's serious findings in the files it owns. */
export async function findingsFor(
  state: ProjectState,
  task: TaskRow,
  readBlob: (hash: string) => Promise<string | undefined>,
): Promise<Finding[]> {
  if (task.kind !== 'fix') return [];
  const files = new Set(task.expectedArtifacts);
  const findings: Finding[] = [];
  for (const id of task.dependsOn) {
    const review = await reviewOf(state, state.tasks.get(id), readBlob);
    if (review) findings.push(...review.findings.filter((finding) => isBlocking(finding) && files.has(finding.file)));
  }
  // The test failures the review was made with, for the files this fix owns.
  const named = new Set(findings.map((finding) => finding.file));
  const tests = await testFailureFindings(state.project?.lastCheck, state, readBlob);
  findings.push(...tests.filter((finding) => files.has(finding.file) && !named.has(finding.file)));
  return findings;
}

/**
 * A done review task's review: the report its completion wrote (`reviewPath`), which is
 * the answer as validated, with the failing tests it counted as findings. Never the
 * model's raw text, parsed again.
 */
export async function reviewOf(
  state: ProjectState,
  task: TaskRow | undefined,
  readBlob: (hash: string) => Promise<string | undefined>,
): Promise<Review | null> {
  if (!task || task.role !== 'debugger' || task.status !== 'done') return null;
  const report = state.artifacts.get(reviewPath(task.taskId));
  const text = report ? await readBlob(report.contentHash) : undefined;
  if (text === undefined) return null;
  try {
    const parsed = reviewSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The serious findings the last review left open, for the run's closing message. */
export async function remainingFindings(
  state: ProjectState,
  readBlob: (hash: string) => Promise<string | undefined>,
): Promise<Finding[]> {
  const reviews = [...state.tasks.values()].filter((task) => task.role === 'debugger' && task.status === 'done');
  const lastRound = Math.max(0, ...reviews.map((task) => task.round));
  // Every review of the last round: two reviews of one round each leave their own findings.
  const findings: Finding[] = [];
  for (const task of reviews.filter((review) => review.round === lastRound).sort((a, b) => a.order - b.order)) {
    const review = await reviewOf(state, task, readBlob);
    if (review) findings.push(...review.findings.filter(isBlocking));
  }
  return findings;
}
