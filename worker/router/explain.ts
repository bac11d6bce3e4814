/** The `reason` of a decision: why the winner won, in one sentence for the log. */
import type { RouteCandidate } from './records.ts';

export function explain(
  winner: RouteCandidate | undefined,
  runnerUp: RouteCandidate | undefined,
  excluded: number,
): string {
  if (!winner) return excluded > 0 ? 'No model is available: every one was excluded.' : 'The catalog is empty.';
  const why = `${winner.armId} scored utility ${toFixed(winner.utility, 3)} (sampled quality ${toFixed(winner.sampledQuality, 2)}, expected cost $${winner.expectedCostUsd.toPrecision(2)})`;
  const against = runnerUp
    ? `, ahead of ${runnerUp.armId} at ${toFixed(runnerUp.utility, 3)} (sampled quality ${toFixed(runnerUp.sampledQuality, 2)}, $${runnerUp.expectedCostUsd.toPrecision(2)})`
    : ', the only candidate';
  return excluded > 0 ? `${why}${against}; ${excluded} excluded.` : `${why}${against}.`;
}

// ".00" to ".99" and ".000" to ".999", made once.
const fractions: Readonly<Record<2 | 3, readonly string[]>> = {
  2: Array.from({ length: 100 }, (_, i) => `.${String(i).padStart(2, '0')}`),
  3: Array.from({ length: 1000 }, (_, i) => `.${String(i).padStart(3, '0')}`),
};

/**
 * `x.toFixed(digits)`, the same string, built from integers: every decision formats four
 * numbers, and `toFixed` is a runtime call that costs more than the rest of the sentence.
 * When `x · 10^digits` lies so close to a rounding tie that the product's own rounding
 * could decide it, and for large or non-finite numbers, `toFixed` itself answers.
 */
export function toFixed(x: number, digits: 2 | 3): string {
  const scale = digits === 3 ? 1000 : 100;
  const scaled = (x < 0 ? -x : x) * scale;
  if (!(scaled < 1e9)) return x.toFixed(digits);
  const whole = Math.floor(scaled);
  const fraction = scaled - whole;
  if (fraction > 0.4999999 && fraction < 0.5000001) return x.toFixed(digits);
  const n = fraction > 0.5 ? whole + 1 : whole;
  const integer = Math.floor(n / scale);
  const decimals = fractions[digits][n - integer * scale] as string;
  return x < 0 ? `-${integer}${decimals}` : `${integer}${decimals}`;
}
