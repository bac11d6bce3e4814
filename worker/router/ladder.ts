/**
 * The price ladder as a prior (empirical Bayes): how far each model's mean quality across
 * task types strays from its capability prior, regressed on the log of its price over the
 * models that have outcomes. A model with few outcomes is then expected where the ladder
 * puts its price, worth as many outcomes as the ladder's fit allows: when dearer models do
 * better by a steady margin the fit is tight and a 15-model catalog need not try every
 * model many times to rank it; when price says nothing about quality the residual spread is
 * wide and the prior falls back to the capability prior worth `priorStrength` outcomes.
 * Derived from the arms' cross-type cells alone, so a replay or a restore fits the same.
 */
import type { RouterTuning } from './tuning.ts';

export interface Ladder {
  /** Per arm: what the ladder adds to the arm's capability prior. */
  offset: Float64Array;
  /** Per arm: how many outcomes that prior is worth. */
  strength: Float64Array;
}

export function makeLadder(count: number): Ladder {
  return { offset: new Float64Array(count), strength: new Float64Array(count) };
}

/** Where an arm sits on the ladder: the log of a nominal call's list price (3 input tokens per output token). */
export function ladderPosition(inputPricePerMillion: number, outputPricePerMillion: number): number {
  return Math.log(Math.max(1e-3, 3 * inputPricePerMillion + outputPricePerMillion));
}

// Outcomes an arm needs before its mean counts fully in the fit (a Bernoulli mean of n has variance ≤ 0.25 / n).
const scoreVariance = 0.25;
// Before the arms show it, how far a model strays from the line (a standard deviation) and
// how many arms that guess is worth: tuned on seeds 1–20 (0.1 or 0.2, 2 or 4 arms).
const spreadPrior = 0.1;
const spreadArms = 2;
// A line needs a third point before its fit says anything about its spread.
const minArms = 3;
// Prior standard deviation of the line's offset and of its slope per e-fold of price: the
// ridge that keeps a fit through a few arms from claiming a steep ladder.
const coefficientPrior = 0.2;
const ridge = 1 / (coefficientPrior * coefficientPrior);

/**
 * Fits `ladder` in place: a weighted least-squares line through (position, mean − capability)
 * of the arms with outcomes, each weighted by 1 ÷ (residual spread + its mean's sampling
 * variance), the offset and slope each shrunk towards 0 by a N(0, 0.2²) prior, and the residual spread by the method of moments over a prior of
 * 0.1² worth 2 arms; at least 3 arms with outcomes, else the ladder is flat. Each arm's prior strength is the Bernoulli variance
 * of its predicted mean over the spread, at least `priorStrength`, at most `ladderMaxStrength`.
 *
 * @example
 * fitLadder(ladder, positions, capability, globalN, globalSum, tuning);
 * const mean = capability[i] + ladder.offset[i]; // worth ladder.strength[i] outcomes
 */
export function fitLadder(
  ladder: Ladder,
  position: Float64Array,
  capability: Float64Array,
  globalN: Float64Array,
  globalSum: Float64Array,
  tuning: RouterTuning,
): void {
  const count = position.length;
  ladder.offset.fill(0);
  ladder.strength.fill(tuning.priorStrength);
  if (tuning.ladderMaxStrength <= tuning.priorStrength) return;
  const prior = spreadPrior * spreadPrior;
  const cells = spreadArms;
  let spread = prior;
  let intercept = 0;
  let slope = 0;
  let fitted = 0;
  let fit = { sw: 1, sx: 0, sxx: 1, det: 1 };
  // Two passes: weights from the prior spread, then from the spread the first fit leaves.
  for (let pass = 0; pass < 2; pass++) {
    let sw = ridge;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    let centre = 0;
    let arms = 0;
    for (let i = 0; i < count; i++) {
      const n = globalN[i] as number;
      if (n < 1) continue;
      centre += position[i] as number;
      arms += 1;
    }
    if (arms < minArms) return;
    centre /= arms;
    for (let i = 0; i < count; i++) {
      const n = globalN[i] as number;
      if (n < 1) continue;
      const w = 1 / (spread + scoreVariance / n);
      const x = (position[i] as number) - centre;
      const y = (globalSum[i] as number) / n - (capability[i] as number);
      sw += w;
      sx += w * x;
      sy += w * y;
      sxx += w * x * x;
      sxy += w * x * y;
    }
    sxx += ridge;
    const det = sw * sxx - sx * sx;
    if (!(det > 0)) return;
    intercept = (sy * sxx - sx * sxy) / det;
    slope = (sw * sxy - sx * sy) / det;
    fit = { sw, sx, sxx, det };
    let residual = cells * prior;
    let used = cells;
    for (let i = 0; i < count; i++) {
      const n = globalN[i] as number;
      if (n < 1) continue;
      const r =
        (globalSum[i] as number) / n -
        (capability[i] as number) -
        intercept -
        slope * ((position[i] as number) - centre);
      residual += r * r - scoreVariance / n;
      used += 1;
    }
    spread = Math.max(1e-4, residual / used);
    fitted = centre;
  }
  for (let i = 0; i < count; i++) {
    const offset = intercept + slope * ((position[i] as number) - fitted);
    const mean = Math.min(0.98, Math.max(0.02, (capability[i] as number) + offset));
    ladder.offset[i] = mean - (capability[i] as number);
    // The line's own uncertainty at this arm's price (weighted least squares), on top of the spread.
    const x = (position[i] as number) - fitted;
    const line = Math.max(0, (fit.sxx - 2 * x * fit.sx + x * x * fit.sw) / fit.det);
    const strength = (mean * (1 - mean)) / (spread + line) - 1;
    ladder.strength[i] = Math.min(tuning.ladderMaxStrength, Math.max(tuning.priorStrength, strength));
  }
}
