/**
 * A change suspected but not yet detected. The change detectors (posterior.ts) reset a
 * model only at `changeThreshold` nats, so that a model that does not change is reset
 * about once per e^threshold outcomes; on pass/fail rewards that takes ~40 outcomes of a
 * model whose pass rate fell by 0.3. Deciding where the next task goes needs no such
 * certainty: a wrong guess costs one task on a close second model, not the model's
 * evidence. So a decision reads a model's quality as the mixture of "unchanged" and
 * "changed at the start of the detector's run", weighted by how likely the run makes a
 * change: with a prior hazard of e^−level per outcome, the odds of a change are about
 * e^(cusum − level), so the model's mean moves by π × the run's shift,
 * π = 1 / (1 + e^(level − cusum)). Nothing is reset and nothing is stored: it is derived
 * from the detectors' own state whenever that state is written to what decisions read, so
 * a model that was only unlucky gets its full mean back as soon as its next scores bring
 * the CUSUM down, and a replay or a restore reads the same.
 */

/**
 * How far to move a model's mean for a change one detector suspects: π × the run's mean
 * shift (never up), π = 1 / (1 + e^(level − cusum)); 0 when `level` is 0 (off). Computed
 * when a detector's state is written to what decisions read (views.ts); a decision takes
 * the larger move of the type's detector and the model-level one.
 *
 * @example
 * suspectedShift(9.2, 9.2, 12, -3.6) // a run of 12 outcomes 0.3 below, as likely as not: −0.15
 */
export function suspectedShift(level: number, cusum: number, runN: number, runShift: number): number {
  if (!(level > 0) || !(cusum > 0) || !(runN > 0) || !(runShift < 0)) return 0;
  return runShift / runN / (1 + Math.exp(level - cusum));
}
