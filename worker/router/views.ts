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

// Offsets in a type row. `present` is 1 when the arm has a cell for the type, else 0.
export const typeRowSize = 14;
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
// The type's change detector: its CUSUM and the run feeding it (suspicion.ts).
export const tCusum = 11;
export const tRunN = 12;
export const tRunSum = 13;

// Offsets in a feature row.
export const featureRowSize = 5;
export const fPresent = 0;
export const fTick = 1;
export const fN = 2;
export const fSum = 3;
export const fEpoch = 4;

export function writeTypeRow(rows: Float64Array, index: number, cell: TypeCell | undefined): void {
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
  rows[o + tCusum] = cell.cusum;
  rows[o + tRunN] = cell.runN;
  rows[o + tRunSum] = cell.runSum;
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
): TypeView {
  const rows = new Float64Array(arms.length * typeRowSize);
  for (let i = 0; i < arms.length; i++) writeTypeRow(rows, i, cells?.get((arms[i] as ModelArm).id));
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
  /** The model-level change detector: its CUSUM, and the run feeding it (outcomes, summed shift). */
  globalCusum: Float64Array;
  globalRunN: Float64Array;
  globalRunShift: Float64Array;
  inflight: Float64Array;
}

export function makeArmTable(
  arms: readonly ModelArm[],
  global: ReadonlyMap<string, ArmCell>,
  inflight: ReadonlyMap<string, number>,
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
    globalCusum: new Float64Array(arms.length),
    globalRunN: new Float64Array(arms.length),
    globalRunShift: new Float64Array(arms.length),
    inflight: Float64Array.from(arms, (arm) => inflight.get(arm.id) ?? 0),
  };
  arms.forEach((arm, i) => writeGlobal(table, i, global.get(arm.id)));
  return table;
}

export function writeGlobal(table: ArmTable, index: number, cell: ArmCell | undefined): void {
  table.globalN[index] = cell?.n ?? 0;
  table.globalSum[index] = cell?.sum ?? 0;
  table.globalCusum[index] = cell?.cusum ?? 0;
  table.globalRunN[index] = cell?.runN ?? 0;
  table.globalRunShift[index] = cell?.runShift ?? 0;
}
