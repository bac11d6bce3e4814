/**
 * A done task's results read back from the log: a review's report (where it lives, and the
 * review it holds), the findings a fix task must address, and those the last review left
 * open. Writing them is the completions' job (task-completion.ts and its kinds).
 */
import type { Finding, Review } from '../agents/index.ts';
import { isBlocking, reviewSchema } from '../agents/index.ts';
import { safeFileName } from '../artifacts/safe-path.ts';
import { testFailureFindings } from '../checks/test-findings.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { TaskRow } from '../events/projections/rows.ts';

/** The review's report file, where the person (and the export) can read it. */
export const reviewPath = (taskId: string) => `.orchestra/reviews/${safeFileName(taskId, '.json')}`;

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
