/**
 * The posterior cells the router keeps and the pure update rules that fold an outcome
 * into them. Counts are discounted lazily: a cell stores the tick (outcomes of its task
 * type) at which it was last brought up to date, and readers scale by γ^(now − tick).
 */
import type { RouterTuning } from './tuning.ts';

/** Everything known about one arm on one task type. */
export interface TypeCell {
  /** Beta pseudo-counts from outcomes (the prior is added when reading). */
  a: number;
  b: number;
  /** Discounted number of outcomes, sum and sum of squares of their quality. */
  n: number;
  sum: number;
  sumSq: number;
  tick: number;
  /** Bumped by a detected change: bucket cells of an older epoch are stale. */
  epoch: number;
  /** One-sided CUSUM of quality falling below the posterior mean, and the run feeding it. */
  cusum: number;
  runN: number;
  runSum: number;
  alarms: number;
  /** Discounted log of actual cost ÷ list-price estimate. */
  costN: number;
  costLog: number;
  /** Discounted log of latency per latency unit. */
  latencyN: number;
  latencyLog: number;
  /**
   * Discounted sum of what the context effects predicted for this arm's tasks of the type
   * (before each score). Divided by `n` it is their mean, taken off every reading: the
   * Beta is the arm's mean over its tasks, the effects say only how a context differs from
   * that mean, so a feature every task has (a size class, one language) is no second mean.
   */
  effectSum: number;
}

/** One arm on one task type in one context bucket. */
export interface BucketCell {
  a: number;
  b: number;
  /** Discounted number of outcomes. */
  n: number;
  tick: number;
  epoch: number;
}

/**
 * One arm on one task type when the task has one feature (a size class, a language, a
 * content signal): how far its scores fell from the type's posterior mean (discounted
 * count and sum of the differences). Read with shrinkage, `sum / (n + κ)`, it is the
 * feature's effect on that arm, backing off to zero (the type's posterior) while n is small.
 */
export interface FeatureCell {
  n: number;
  sum: number;
  tick: number;
  epoch: number;
}

export function decayFeatureCell(cell: FeatureCell, tick: number, gamma: number): void {
  if (tick === cell.tick) return;
  const d = Math.pow(gamma, tick - cell.tick);
  cell.n *= d;
  cell.sum *= d;
  cell.tick = tick;
}

/** One arm across all task types: the prior for a task type it has never done. */
export interface ArmCell {
  n: number;
  sum: number;
  /**
   * The model-level change detector (`detectModelChange`): a CUSUM over the arm's scores on
   * every task type, the run feeding it (outcomes, and the sum of score − the type's
   * posterior mean), and its alarms. Absent in older snapshots: 0.
   */
  cusum?: number | undefined;
  runN?: number | undefined;
  runShift?: number | undefined;
  alarms?: number | undefined;
}

export function emptyTypeCell(tick: number): TypeCell {
  return {
    a: 0,
    b: 0,
    n: 0,
    sum: 0,
    sumSq: 0,
    tick,
    epoch: 0,
    cusum: 0,
    runN: 0,
    runSum: 0,
    alarms: 0,
    costN: 0,
    costLog: 0,
    latencyN: 0,
    latencyLog: 0,
    effectSum: 0,
  };
}

export function discount(tuning: RouterTuning): number {
  return tuning.forgetting ? 1 - 1 / tuning.memory : 1;
}

/**
 * γ^k for whole numbers of elapsed outcomes, from tables instead of `Math.pow`: a decision
 * discounts every arm's cells, and a table read is a fraction of a `Math.pow`. Below 4096
 * the value is `Math.pow`'s, bit for bit; above, it is γ^(4096·h) · γ^l (h = k ÷ 4096,
 * l = k mod 4096), within an ulp of it. Both tables are read for every k, on purpose: a
 * `Math.pow` branch taken only once an arm has gone 4096 outcomes untried would be code
 * the JIT never saw run, and the first arm to get there would cost a deoptimisation and a
 * stretch of slow decisions while the router is compiled again.
 */
export function makePowers(gamma: number): (k: number) => number {
  const low = new Float64Array(4096);
  const high = new Float64Array(4096);
  for (let k = 0; k < 4096; k++) {
    low[k] = Math.pow(gamma, k);
    high[k] = Math.pow(gamma, 4096 * k);
  }
  // Only a snapshot edited by hand has a gap that is negative, fractional or over 16.7M.
  return (k) =>
    k >= 0 && k < 4096 * 4096 && (k | 0) === k
      ? (high[k >>> 12] as number) * (low[k & 4095] as number)
      : Math.pow(gamma, k);
}

// Until a cell has shown how little its scores vary, they are assumed to vary like coin
// flips (p(1 − p) ≤ 0.25): a handful of scores then count as a handful of trials, not as
// eight times as many, so thin evidence cannot lock a model out.
const priorVariance = 0.25;
const priorVarianceWeight = 5;

/** Variance of a cell's quality scores, shrunk towards a prior for small samples. */
export function qualityVariance(cell: TypeCell): number {
  const sampleVariance = cell.n > 0 ? Math.max(0, cell.sumSq / cell.n - (cell.sum / cell.n) ** 2) : 0;
  return Math.max(
    1e-4,
    (cell.n * sampleVariance + priorVarianceWeight * priorVariance) / (cell.n + priorVarianceWeight),
  );
}

/** How many Bernoulli trials one quality score is worth, given the spread of the scores. */
export function observationWeight(mean: number, variance: number, tuning: RouterTuning): number {
  return Math.min(tuning.maxObservationWeight, Math.max(1, (mean * (1 - mean)) / variance));
}

/** Brings a type cell's counts forward to `tick`, discounting by γ per elapsed outcome. */
export function decayTypeCell(cell: TypeCell, tick: number, gamma: number): void {
  if (tick === cell.tick) return;
  const d = Math.pow(gamma, tick - cell.tick);
  cell.a *= d;
  cell.b *= d;
  cell.n *= d;
  cell.sum *= d;
  cell.sumSq *= d;
  cell.costN *= d;
  cell.costLog *= d;
  cell.latencyN *= d;
  cell.latencyLog *= d;
  cell.effectSum *= d;
  cell.tick = tick;
}

export function decayBucketCell(cell: BucketCell, tick: number, gamma: number): void {
  if (tick === cell.tick) return;
  const d = Math.pow(gamma, tick - cell.tick);
  cell.a *= d;
  cell.b *= d;
  cell.n *= d;
  cell.tick = tick;
}

/**
 * Runs the change detector on a new quality score before it joins the posterior: a
 * one-sided CUSUM (Page 1954) of the log-likelihood ratio of "the arm's quality fell by
 * `changeShift`" against "it is still `reference`", alarmed at `changeThreshold` nats.
 * Scores are read as fractional Bernoulli outcomes with a quasi-likelihood dispersion
 * φ = observed variance ÷ p(1 − p) (Wedderburn 1974): for pass/fail rewards φ = 1 and the
 * ratio is exact, so a run of a few failures of a model that passes 95% of the time does
 * not look like a collapse; for quality scores that vary little around their mean φ is
 * small and each score weighs more. Under no change a threshold of h nats is crossed about
 * once per e^h outcomes (Lorden 1971), so h = 10 is one false alarm per ~20,000 outcomes.
 *
 * On alarm the cell forgets everything before the run of low scores that raised it and
 * keeps that run as its evidence, so a model that got worse is judged on what it does
 * now, not on its past. Returns whether it alarmed.
 */
export function detectChange(cell: TypeCell, quality: number, reference: number, tuning: RouterTuning): boolean {
  if (!tuning.forgetting || cell.n < tuning.changeMinEvidence) return false;
  const p0 = Math.min(0.98, Math.max(0.02, reference));
  const p1 = Math.max(0.01, p0 - tuning.changeShift);
  const dispersion = Math.min(1, Math.max(0.05, qualityVariance(cell) / (p0 * (1 - p0))));
  const llr = (quality * Math.log(p1 / p0) + (1 - quality) * Math.log((1 - p1) / (1 - p0))) / dispersion;
  cell.cusum += llr;
  if (cell.cusum <= 0) {
    cell.cusum = 0;
    cell.runN = 0;
    cell.runSum = 0;
    return false;
  }
  cell.runN += 1;
  cell.runSum += quality;
  if (cell.cusum < tuning.changeThreshold) return false;
  const mean = cell.runSum / cell.runN;
  const weight = observationWeight(mean, qualityVariance(cell), tuning);
  // The run's own scores become the whole sample; its variance is unknown, keep the old.
  const variance = qualityVariance(cell);
  const effectMean = cell.n > 0 ? cell.effectSum / cell.n : 0;
  cell.n = cell.runN - 1;
  cell.effectSum = effectMean * cell.n;
  cell.sum = mean * cell.n;
  cell.sumSq = (variance + mean * mean) * cell.n;
  cell.a = weight * cell.n * mean;
  cell.b = weight * cell.n * (1 - mean);
  cell.epoch += 1;
  cell.alarms += 1;
  cell.cusum = 0;
  cell.runN = 0;
  cell.runSum = 0;
  return true;
}

/**
 * The same CUSUM as `detectChange`, kept per model across all its task types: a vendor that
 * degrades a model degrades it on every kind of task, and the model's scores on all of
 * them together show it sooner than any one type's do (each score is read against its own
 * type's posterior mean and dispersion, so the calibration is the same: about one false
 * alarm per e^threshold outcomes of a model that does not change). Call it with the type
 * cell before the score joins it; only cells with `changeMinEvidence` outcomes feed it.
 * Returns the mean shift of the run that raised the alarm (negative), or 0 when none.
 */
export function detectModelChange(
  arm: ArmCell,
  cell: TypeCell,
  quality: number,
  reference: number,
  tuning: RouterTuning,
): number {
  if (!tuning.forgetting || !tuning.modelChangeDetection || cell.n < tuning.changeMinEvidence) return 0;
  const p0 = Math.min(0.98, Math.max(0.02, reference));
  const p1 = Math.max(0.01, p0 - tuning.changeShift);
  const dispersion = Math.min(1, Math.max(0.05, qualityVariance(cell) / (p0 * (1 - p0))));
  const llr = (quality * Math.log(p1 / p0) + (1 - quality) * Math.log((1 - p1) / (1 - p0))) / dispersion;
  const cusum = (arm.cusum ?? 0) + llr;
  if (cusum <= 0) {
    arm.cusum = 0;
    arm.runN = 0;
    arm.runShift = 0;
    return 0;
  }
  arm.cusum = cusum;
  arm.runN = (arm.runN ?? 0) + 1;
  arm.runShift = (arm.runShift ?? 0) + quality - reference;
  if (cusum < tuning.changeThreshold) return 0;
  const shift = Math.min(0, arm.runShift / arm.runN);
  arm.alarms = (arm.alarms ?? 0) + 1;
  arm.cusum = 0;
  arm.runN = 0;
  arm.runShift = 0;
  return shift;
}

/**
 * After a model-level alarm: a type cell of the model keeps its mean moved by the shift the
 * alarm's run showed, worth at most `keep` outcomes, in a new epoch (its context
 * deviations belonged to the old model). Its own detector starts again.
 */
export function shiftTypeCell(cell: TypeCell, shift: number, keep: number, tuning: RouterTuning): void {
  if (cell.n <= 0) return;
  const mean = Math.min(0.99, Math.max(0.01, cell.sum / cell.n + shift));
  const variance = qualityVariance(cell);
  const weight = observationWeight(mean, variance, tuning);
  const effectMean = cell.effectSum / cell.n;
  const n = Math.min(cell.n, keep);
  cell.n = n;
  cell.sum = mean * n;
  cell.sumSq = (variance + mean * mean) * n;
  cell.effectSum = effectMean * n;
  cell.a = weight * n * mean;
  cell.b = weight * n * (1 - mean);
  cell.epoch += 1;
  cell.cusum = 0;
  cell.runN = 0;
  cell.runSum = 0;
}
