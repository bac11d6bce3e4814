/**
 * The quality score of a finished task, 0..1: the reward the router learns from. It uses
 * only facts the engine has without running anything, and is kept simple so that a person
 * reading a `quality-assess` event can check it by hand.
 *
 *   score = validation × files × review × tests
 *
 *   validation  0.7 ^ repairs: 1 when the answer fit its schema the first time, 0.7 after
 *               one repair turn, 0.49 after two. Each repair costs time and tokens and says
 *               the model misread the task.
 *   files       accepted ÷ (accepted + rejected): a rejected path is a file the project
 *               does not get. 1 when the task writes no files.
 *   review      the Debugger's view of the task's files: 1 for `pass`, 0.85 for
 *               `changes-requested`, then × 0.5 per critical, × 0.8 per major and × 0.95 per
 *               minor finding; info findings are free. One critical outweighs three majors.
 *               1 until a review arrives (see `scoreReviewed`).
 *   tests       before the project's tests run: 1 when the build includes tests or tests
 *               do not apply, 0.9 when it could have and does not. Once they run: the
 *               share of the tests touching the task's files that pass (`scoreTested`),
 *               a test touching a file when the file is the test's or the test imports it.
 *
 * A product rather than a weighted sum: a strength elsewhere should not buy back a broken
 * file, and every factor alone reads as "what share of full marks is left".
 */

export type Severity = 'critical' | 'major' | 'minor' | 'info';

export interface ReviewOutcome {
  verdict: 'pass' | 'changes-requested';
  findings: { severity: Severity }[];
}

export interface TaskOutcome {
  /** The agent role that did the task. No weight depends on it yet; it is here so that
   *  role-specific weights would need no change from callers. */
  role: string;
  /** Repair turns needed before the answer passed validation. */
  repairs: number;
  filesAccepted: number;
  filesRejected: number;
  review?: ReviewOutcome | undefined;
  /** Whether the files include tests; leave out where tests do not apply. */
  hasTests?: boolean | undefined;
}

export interface TaskScore {
  score: number;
  /** The four factors, and the counts they came from, for the `quality-assess` event. */
  signals: Record<string, number>;
}

const repairFactor = 0.7;
const changesRequestedFactor = 0.85;
const findingFactor: Readonly<Record<Severity, number>> = { critical: 0.5, major: 0.8, minor: 0.95, info: 1 };
const missingTestsFactor = 0.9;

/**
 * Scores a finished task.
 *
 * @example
 * scoreTask({ role: 'code-generator', repairs: 1, filesAccepted: 3, filesRejected: 1 }).score
 * // 0.7 × 0.75 = 0.525
 */
export function scoreTask(input: TaskOutcome): TaskScore {
  const repairs = Math.max(0, Math.floor(input.repairs));
  const accepted = Math.max(0, input.filesAccepted);
  const rejected = Math.max(0, input.filesRejected);
  const total = accepted + rejected;
  const signals = {
    validation: repairFactor ** repairs,
    files: total === 0 ? 1 : accepted / total,
    review: 1,
    tests: input.hasTests === false ? missingTestsFactor : 1,
    repairs,
    filesAccepted: accepted,
    filesRejected: rejected,
  };
  return withScore(input.review === undefined ? signals : { ...signals, ...reviewSignals(input.review) });
}

/**
 * The score of a task once the Debugger has reviewed its files: the review factor is
 * replaced, the rest kept. Reviewing again replaces the earlier review.
 *
 * @example
 * const first = scoreTask({ role: 'code-generator', repairs: 0, filesAccepted: 2, filesRejected: 0 });
 * scoreReviewed(first, { verdict: 'changes-requested', findings: [{ severity: 'major' }] }).score // 0.68
 */
export function scoreReviewed(scored: TaskScore, review: ReviewOutcome): TaskScore {
  return withScore({ ...scored.signals, ...reviewSignals(review) });
}

/**
 * The score of a task once the project's own tests ran on its files: the tests factor
 * becomes the share of the tests touching them that pass; the rest is kept.
 *
 * @example
 * scoreTested({ validation: 1, files: 1, review: 1, tests: 1 }, { passed: 11, total: 12 }).score // 0.9166…
 */
export function scoreTested(signals: Record<string, number>, tests: { passed: number; total: number }): TaskScore {
  const total = Math.max(0, tests.total);
  const passed = Math.min(total, Math.max(0, tests.passed));
  return withScore({ ...signals, tests: total === 0 ? 1 : passed / total, testsPassed: passed, testsRun: total });
}

function reviewSignals(review: ReviewOutcome): Record<string, number> {
  const counts: Record<Severity, number> = { critical: 0, major: 0, minor: 0, info: 0 };
  for (const finding of review.findings) counts[finding.severity]++;
  let factor = review.verdict === 'pass' ? 1 : changesRequestedFactor;
  for (const severity of Object.keys(counts) as Severity[]) factor *= findingFactor[severity] ** counts[severity];
  return {
    review: factor,
    findingsCritical: counts.critical,
    findingsMajor: counts.major,
    findingsMinor: counts.minor,
    findingsInfo: counts.info,
  };
}

function withScore(signals: Record<string, number>): TaskScore {
  const product = ['validation', 'files', 'review', 'tests'].reduce((score, key) => score * (signals[key] ?? 1), 1);
  return { score: Math.min(1, Math.max(0, product)), signals };
}
