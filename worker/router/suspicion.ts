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
 * π = 1 / (1 + e^(level − cusum)). Nothing is reset and nothing is stored: it is read from
 * the detectors' own state, so a model that was only unlucky gets its full mean back as
 * soon as its next scores bring the CUSUM down, and a replay reads the same.
 */

/**
 * How far to move a model's mean for a change its detectors suspect: π × shift for the
 * type's detector and for the model-level one, whichever moves it further (never up).
 *
 * @example
 * suspectedShift(7, 0.5, 12, -3.6, 0, 0, 0) // model-level run of 12 outcomes, 0.3 below: ≈ −0.15
 */
export function suspectedShift(
  level: number,
  typeMean: number,
  modelCusum: number,
  modelRunN: number,
  modelRunShift: number,
  typeCusum: number,
  typeRunN: number,
  typeRunSum: number,
): number {
  let shift = 0;
  if (modelCusum > 0 && modelRunN > 0) {
    const s = modelRunShift / modelRunN;
    if (s < 0) shift = s / (1 + Math.exp(level - modelCusum));
  }
  if (typeCusum > 0 && typeRunN > 0) {
    const s = typeRunSum / typeRunN - typeMean;
    if (s < 0) shift = Math.min(shift, s / (1 + Math.exp(level - typeCusum)));
  }
  return shift;
}
