/**
 * Learning from one outcome (a `route-observe` record): the arm's type cell with its
 * change detectors (a change on the type starts a new epoch; a model-level change moves
 * every type's mean), its learned cost ratio and latency, the context features' effects
 * on it (on this type and shared across types, corrected together as a Kalman filter),
 * and its mean across types; each change written through to what decisions read.
 */
import { featureKeys } from './features.ts';
import {
  type ArmCell,
  type FeatureCell,
  type TypeCell,
  decayFeatureCell,
  decayTypeCell,
  detectChange,
  detectModelChange,
  emptyTypeCell,
  observationWeight,
  qualityVariance,
  shiftTypeCell,
} from './posterior.ts';
import { latencyUnits } from './priors.ts';
import type { Reads } from './reads.ts';
import type { RouteObservation } from './records.ts';
import { type RouterState, getOrCreate } from './state.ts';
import type { RouterTuning } from './tuning.ts';
import { writeFeatureRow, writeGlobal, writeTypeRow } from './views.ts';

// Scratch space reused by every outcome: per feature its key, then its shared and its
// type cell (2f and 2f + 1) with their effects and shrinkage.
const learnKeys: string[] = [];
const learnCells: FeatureCell[] = [];
const learnEffects: number[] = [];
const learnShrink: number[] = [];

/** The router's learning step, for `apply` to call on a `route-observe` record. */
export function makeLearner(
  state: RouterState,
  reads: Reads,
  tuning: RouterTuning,
): (record: RouteObservation) => void {
  const { gamma, sharedGamma, typePrior, priorOut } = reads;

  function learn(record: RouteObservation): void {
    const { armId, taskType, bucket, outcome } = record;
    const tick = (state.ticks.get(taskType) ?? 0) + 1;
    state.ticks.set(taskType, tick);
    state.outcomes += 1;
    const index = state.armIndex.get(armId);
    const view = index === undefined ? undefined : reads.typeView(taskType);

    const typeCells = getOrCreate(state.types, taskType, () => new Map<string, TypeCell>());
    const cell = getOrCreate(typeCells, armId, () => emptyTypeCell(tick));
    decayTypeCell(cell, tick, gamma);
    // What the effects predicted on average for this arm's tasks of the type, before this one.
    const effectMean = cell.n > 0 ? cell.effectSum / cell.n : 0;
    let m0 = 0.5;
    let strength = tuning.priorStrength;
    if (view !== undefined) {
      typePrior(index as number, view.prior[index as number] as number);
      m0 = priorOut[0] as number;
      strength = priorOut[1] as number;
    }
    const reference = (strength * m0 + cell.a) / (strength + cell.a + cell.b);
    const changed = detectChange(cell, outcome.quality, reference, tuning);
    const global = getOrCreate(state.global, armId, (): ArmCell => ({ n: 0, sum: 0 }));
    const modelShift = changed ? 0 : detectModelChange(global, cell, outcome.quality, reference, tuning);
    if (modelShift < 0) modelChanged(armId, index, global, modelShift);

    const q = outcome.quality;
    cell.n += 1;
    cell.sum += q;
    cell.sumSq += q * q;
    const mean = (strength * m0 + cell.a + q) / (strength + cell.a + cell.b + 1);
    const weight = observationWeight(mean, qualityVariance(cell), tuning);
    cell.a += weight * q;
    cell.b += weight * (1 - q);
    if (record.listCostUsd > 0 && outcome.costUsd > 0) {
      cell.costN += 1;
      cell.costLog += Math.log(outcome.costUsd / record.listCostUsd);
    }
    if (outcome.latencyMs > 0) {
      cell.latencyN += 1;
      cell.latencyLog += Math.log(outcome.latencyMs / latencyUnits(record.outputTokens));
    }

    // The context features' effects on this arm form a linear model of how far its scores
    // fall from the type's posterior mean (now including this score). Each effect has a
    // Gaussian posterior of precision (n + contextShrink) trials, and one score corrects them
    // all at once as a Kalman filter with a diagonal covariance would: each by its share of
    // the prediction error, in proportion to its variance, so twelve features that always
    // come together never claim twelve times the error between them, and a well-known
    // feature moves less than a new one. Reading is unchanged: effect = sum / (n + κ).
    const byFeature = getOrCreate(state.features, taskType, () => new Map<string, Map<string, FeatureCell>>());
    const count = featureKeys(bucket, record.signals, learnKeys);
    let total = 0;
    let spread = 0;
    for (let f = 0; f < count; f++) {
      const key = learnKeys[f] as string;
      const cells = getOrCreate(byFeature, key, () => new Map<string, FeatureCell>());
      const featureCell = getOrCreate(cells, armId, (): FeatureCell => ({ n: 0, sum: 0, tick, epoch: cell.epoch }));
      if (featureCell.epoch !== cell.epoch) {
        featureCell.n = 0;
        featureCell.sum = 0;
        featureCell.epoch = cell.epoch;
      }
      decayFeatureCell(featureCell, tick, gamma);
      const sharedCells = getOrCreate(state.shared, key, () => new Map<string, FeatureCell>());
      const sharedCell = getOrCreate(sharedCells, armId, (): FeatureCell => ({
        n: 0,
        sum: 0,
        tick: state.outcomes,
        epoch: 0,
      }));
      decayFeatureCell(sharedCell, state.outcomes, sharedGamma);
      // The shared effect first, then this type's deviation from it: 2f and 2f + 1.
      learnCells[2 * f] = sharedCell;
      learnShrink[2 * f] = tuning.sharedContextShrink;
      learnCells[2 * f + 1] = featureCell;
      learnShrink[2 * f + 1] = tuning.contextShrink;
      for (let j = 2 * f; j <= 2 * f + 1; j++) {
        const learnCell = learnCells[j] as FeatureCell;
        const precision = learnCell.n + (learnShrink[j] as number);
        learnEffects[j] = learnCell.sum / precision;
        total += learnEffects[j] as number;
        spread += 1 / precision;
      }
    }
    const typeMean = (strength * m0 + cell.a) / (strength + cell.a + cell.b);
    const error = q - typeMean - (total - effectMean);
    cell.effectSum += total;
    for (let j = 0; j < 2 * count; j++) {
      const learnCell = learnCells[j] as FeatureCell;
      const shrink = learnShrink[j] as number;
      const gain = 1 / ((learnCell.n + shrink) * (1 / weight + spread));
      const effect = (learnEffects[j] as number) + gain * error;
      learnCell.n += weight;
      learnCell.sum = effect * (learnCell.n + shrink);
    }
    if (index !== undefined) {
      for (let f = 0; f < count; f++) {
        const key = learnKeys[f] as string;
        const rows = view?.features.get(key);
        if (rows !== undefined) writeFeatureRow(rows, index, learnCells[2 * f + 1]);
        const shared = reads.madeSharedRows(key);
        if (shared !== undefined) writeFeatureRow(shared, index, learnCells[2 * f]);
      }
    }

    if (changed) {
      // The model changed: what it did on other task types before is no prior for now.
      global.n = cell.n;
      global.sum = cell.sum;
    }
    global.n = global.n * gamma + 1;
    global.sum = global.sum * gamma + q;

    // Write the changed cells through to what decisions read.
    if (view !== undefined) {
      const at = index as number;
      writeTypeRow(view.rows, at, cell, reads.suspicionLevel);
      writeGlobal(reads.table, at, global, reads.suspicionLevel);
      reads.refitLadder();
    }
    reads.refreshTypeSpread();
  }

  /**
   * The model got worse on every task type (a model-level alarm): each of its type cells
   * keeps its mean moved by the shift the alarm's run showed, worth a few outcomes, and so
   * does its mean across types, so no type keeps trusting the model it used to be.
   */
  function modelChanged(armId: string, index: number | undefined, global: ArmCell, shift: number): void {
    const keep = tuning.changeMinEvidence;
    for (const [taskType, byArm] of state.types) {
      const cell = byArm.get(armId);
      if (cell === undefined) continue;
      decayTypeCell(cell, state.ticks.get(taskType) ?? 0, gamma);
      shiftTypeCell(cell, shift, keep, tuning);
      const view = reads.madeTypeView(taskType);
      if (view !== undefined && index !== undefined) writeTypeRow(view.rows, index, cell, reads.suspicionLevel);
    }
    if (global.n > 0) {
      const mean = Math.min(0.99, Math.max(0.01, global.sum / global.n + shift));
      global.n = Math.min(global.n, keep);
      global.sum = mean * global.n;
    }
  }

  return learn;
}
