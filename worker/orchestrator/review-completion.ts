/**
 * The Debugger's review as events: its report as an artifact, the reviewed files scored by
 * their findings, and the fix tasks (one per author) and re-review that serious findings
 * call for while rounds remain.
 */
import type { Finding, Review } from '../agents/index.ts';
import { agentRoles, isBlocking } from '../agents/index.ts';
import { scoreTask } from '../artifacts/quality.ts';
import { currentFile } from '../artifacts/project-tree.ts';
import type { EventDraft } from '../events/catalog.ts';
import { sha256Hex } from '../events/hash.ts';
import { type ProjectState, joinKey } from '../events/projections/project-state.ts';
import type { TaskRow } from '../events/projections/rows.ts';
import type { Role } from '../events/schemas/common.ts';
import { type AnswerFacts, type Completion, completeEvent, provenanceOf, qualityEvent } from './task-completion.ts';
import { system } from './run-context.ts';
import { reviewPath } from './task-results.ts';

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
    const artifact = currentFile(state, file);
    if (artifact?.kind !== 'source') continue;
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
function fixTasks(state: ProjectState, reviewTask: TaskRow, review: Review): EventDraft[] {
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
        instructions: `The ${agentRoles.debugger.title}'s review (${reviewTask.taskId}) found problems of severity major or worse in these files. Fix every finding listed.`,
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
