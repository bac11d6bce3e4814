/**
 * The router's state laid out as decisions read it: by arm index, in typed arrays. Per
 * task type, one row per arm with what a decision needs of the arm's type cell, the same
 * per context feature for its feature cells, and per arm its prices, priors, cross-type
 * evidence and calls in flight. The cells in `RouterState` (state.ts) stay the truth (for
 * learning and snapshots); these copies are derived from them and written through
 * whenever a cell changes, so a decision reads the same numbers, bit for bit.
 *
 * Why: a cell is an object whose fractional numbers V8 boxes one by one, scattered over
 * the heap, behind Maps keyed by strings; a decision over nine arms chased some 150
 * pointers, each a cache miss whenever anything else had run on the core since. A row is
 * a few contiguous cache lines, read in order.
 */
import type { ModelArm } from './catalog.ts';
import type { ArmCell, FeatureCell, TypeCell } from './posterior.ts';
import { priorLatencyPerUnitMs } from './priors.ts';
import { suspectedShift } from './suspicion.ts';

// Offsets in a type row. `present` is 1 when the arm has a cell for the type, else 0.
export const typeRowSize = 12;
export const tPresent = 0;
export const tTick = 1;
export const tA = 2;
export const tB = 3;
export const tN = 4;
export const tEpoch = 5;
export const tCostLog = 6;
export const tCostN = 7;
export const tLatencyLog = 8;
export const tLatencyN = 9;
export const tEffectSum = 10;
// How far the type's change detector moves the arm's mean for a drop it suspects (suspicion.ts).
export const tSuspected = 11;

// Offsets in a feature row.
export const featureRowSize = 5;
export const fPresent = 0;
export const fTick = 1;
export const fN = 2;
export const fSum = 3;
export const fEpoch = 4;

/**
 * Writes an arm's type cell into its row. `level` is the router's `changeSuspicion` (0 when
 * off): the suspected shift is derived here, once per change, not in every decision.
 */
export function writeTypeRow(rows: Float64Array, index: number, cell: TypeCell | undefined, level: number): void {
  const o = index * typeRowSize;
  if (cell === undefined) {
    rows.fill(0, o, o + typeRowSize);
    return;
  }
  rows[o + tPresent] = 1;
  rows[o + tTick] = cell.tick;
  rows[o + tA] = cell.a;
  rows[o + tB] = cell.b;
  rows[o + tN] = cell.n;
  rows[o + tEpoch] = cell.epoch;
  rows[o + tCostLog] = cell.costLog;
  rows[o + tCostN] = cell.costN;
  rows[o + tLatencyLog] = cell.latencyLog;
  rows[o + tLatencyN] = cell.latencyN;
  rows[o + tEffectSum] = cell.effectSum;
  // The run's scores against the cell's own mean: how far below it they fell.
  const runShift = cell.n > 0 ? cell.runSum - (cell.runN * cell.sum) / cell.n : 0;
  rows[o + tSuspected] = suspectedShift(level, cell.cusum, cell.runN, runShift);
}

export function writeFeatureRow(rows: Float64Array, index: number, cell: FeatureCell | undefined): void {
  const o = index * featureRowSize;
  if (cell === undefined) {
    rows.fill(0, o, o + featureRowSize);
    return;
  }
  rows[o + fPresent] = 1;
  rows[o + fTick] = cell.tick;
  rows[o + fN] = cell.n;
  rows[o + fSum] = cell.sum;
  rows[o + fEpoch] = cell.epoch;
}

/** One task type: its type rows, each arm's capability prior on it, and its feature rows by feature key. */
export interface TypeView {
  rows: Float64Array;
  prior: Float64Array;
  features: Map<string, Float64Array>;
}

export function makeTypeView(
  arms: readonly ModelArm[],
  cells: ReadonlyMap<string, TypeCell> | undefined,
  prior: (arm: ModelArm) => number,
  level: number,
): TypeView {
  const rows = new Float64Array(arms.length * typeRowSize);
  for (let i = 0; i < arms.length; i++) writeTypeRow(rows, i, cells?.get((arms[i] as ModelArm).id), level);
  return { rows, prior: Float64Array.from(arms, prior), features: new Map() };
}

export function makeFeatureRows(
  arms: readonly ModelArm[],
  cells: ReadonlyMap<string, FeatureCell> | undefined,
): Float64Array {
  const rows = new Float64Array(arms.length * featureRowSize);
  for (let i = 0; i < arms.length; i++) writeFeatureRow(rows, i, cells?.get((arms[i] as ModelArm).id));
  return rows;
}

/** The catalog by index: what a decision reads of every arm whatever the task type. */
export interface ArmTable {
  ids: string[];
  inputPrice: Float64Array;
  outputPrice: Float64Array;
  /** Infinity when the arm names no context window. */
  contextWindow: Float64Array;
  latencyPrior: Float64Array;
  latencyPriorLog: Float64Array;
  /** The arm's discounted outcomes and quality sum across task types (0 and 0 when none). */
  globalN: Float64Array;
  globalSum: Float64Array;
  /** How far the model-level change detector moves the arm's mean for a drop it suspects. */
  globalSuspected: Float64Array;
  inflight: Float64Array;
}

export function makeArmTable(
  arms: readonly ModelArm[],
  global: ReadonlyMap<string, ArmCell>,
  inflight: ReadonlyMap<string, number>,
  level: number,
): ArmTable {
  const table: ArmTable = {
    ids: arms.map((arm) => arm.id),
    inputPrice: Float64Array.from(arms, (arm) => arm.inputPricePerMillion),
    outputPrice: Float64Array.from(arms, (arm) => arm.outputPricePerMillion),
    contextWindow: Float64Array.from(arms, (arm) => arm.contextWindow ?? Number.POSITIVE_INFINITY),
    latencyPrior: Float64Array.from(arms, priorLatencyPerUnitMs),
    latencyPriorLog: Float64Array.from(arms, (arm) => Math.log(priorLatencyPerUnitMs(arm))),
    globalN: new Float64Array(arms.length),
    globalSum: new Float64Array(arms.length),
    globalSuspected: new Float64Array(arms.length),
    inflight: Float64Array.from(arms, (arm) => inflight.get(arm.id) ?? 0),
  };
  arms.forEach((arm, i) => writeGlobal(table, i, global.get(arm.id), level));
  return table;
}

export function writeGlobal(table: ArmTable, index: number, cell: ArmCell | undefined, level: number): void {
  table.globalN[index] = cell?.n ?? 0;
  table.globalSum[index] = cell?.sum ?? 0;
  table.globalSuspected[index] = suspectedShift(level, cell?.cusum ?? 0, cell?.runN ?? 0, cell?.runShift ?? 0);
}
