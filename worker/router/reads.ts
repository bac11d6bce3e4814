/**
 * What decisions read, kept in step with the state: the typed-array copies of views.ts
 * (the arm table, per task type its rows, per feature its rows, cached and bounded), the
 * price ladder fitted over the arms (ladder.ts), and from them the hierarchical prior of
 * an arm on a task type and the Beta posterior of its quality. Learning writes through
 * to these copies; a catalog change rebuilds them.
 */
import { type Ladder, fitLadder, ladderPosition, makeLadder } from './ladder.ts';
import { discount, makePowers, qualityVariance } from './posterior.ts';
import { priorQuality } from './priors.ts';
import type { RouterState } from './state.ts';
import type { RouterTuning } from './tuning.ts';
import {
  type ArmTable,
  type TypeView,
  makeArmTable,
  makeFeatureRows,
  makeTypeView,
  tA,
  tB,
  tPresent,
  typeRowSize,
} from './views.ts';

export interface Reads {
  /** The catalog by index; replaced when the catalog changes. */
  readonly table: ArmTable;
  /** γ per outcome of a task type, and γ^k for k outcomes. */
  readonly gamma: number;
  readonly power: (k: number) => number;
  /** γ per outcome of any type, for the effects shared across task types. */
  readonly sharedGamma: number;
  readonly sharedPower: (k: number) => number;
  /** `changeSuspicion` when forgetting is on, else 0: what rows derive suspected drops with. */
  readonly suspicionLevel: number;
  /** Written by `typePrior`: the prior's mean and its strength in outcomes. */
  readonly priorOut: number[];
  /** Written by `qualityBeta`: the Beta's a and b. */
  readonly betaOut: number[];
  /** Rebuilds every copy from the state: the arms were added, changed or repriced. */
  catalogChanged(): void;
  /** The rows of a task type, made on first use. */
  typeView(taskType: string): TypeView;
  /** The rows of a task type if a decision has made them (learning writes through to those only). */
  madeTypeView(taskType: string): TypeView | undefined;
  /** The rows of a context feature on a task type, made on first use. */
  featureRows(view: TypeView, taskType: string, key: string): Float64Array;
  /** The rows of a context feature across task types, made on first use. */
  sharedRows(key: string): Float64Array;
  /** The shared rows of a feature if a decision has made them. */
  madeSharedRows(key: string): Float64Array | undefined;
  /** The hierarchical prior of an arm on a task type, written to `priorOut`. */
  readonly typePrior: (index: number, typeCapability: number) => void;
  /** The Beta posterior of an arm's quality on a task type, written to `betaOut`. */
  readonly qualityBeta: (m0: number, strength: number, rows: Float64Array, typeDecay: number, index: number) => void;
  /** An arm's mean across task types changed: the ladder's fit follows. */
  refitLadder(): void;
  /** A type cell changed: the spread between task types is estimated again. */
  refreshTypeSpread(): void;
}

// A project has a handful of task types and buckets; callers inventing names get a bound.
const maxViews = 1000;
// Degrees of freedom of the ladder's Student-t prior (1: Cauchy tails, tuned on seeds 1–20
// against 0.5, 2 and 4): how soon an arm far off the ladder stops being pulled to it.
const ladderTails = 1;

// A cached copy, made on first use; past `maxViews` entries the cache starts again.
function bounded<V>(cache: Map<string, V>, key: string, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    if (cache.size >= maxViews) cache.clear();
    cache.set(key, value);
  }
  return value;
}

export function makeReads(state: RouterState, tuning: RouterTuning): Reads {
  const gamma = discount(tuning);
  const power = makePowers(gamma);
  const sharedGamma = tuning.forgetting ? 1 - 1 / tuning.sharedMemory : 1;
  const sharedPower = makePowers(sharedGamma);
  const suspicionLevel = tuning.forgetting ? tuning.changeSuspicion : 0;
  // Rebuilt whenever the catalog changes, written through whenever learning changes a cell.
  const views = new Map<string, TypeView>();
  const sharedViews = new Map<string, Float64Array>();
  let table: ArmTable = makeArmTable([], state.global, state.inflight, suspicionLevel);
  // The price ladder: per arm its place on it, its capability prior across task types, and
  // the fitted offset and strength; refitted when the catalog or a mean changes.
  let position = new Float64Array(0);
  let capability = new Float64Array(0);
  let ladder: Ladder = makeLadder(0);
  const refitLadder = () => fitLadder(ladder, position, capability, table.globalN, table.globalSum, tuning);

  /**
   * The prior of arm `index` on one task type (hierarchical, empirical Bayes): centred on
   * what the arm does on every task type (its capability prior worth `priorStrength`
   * outcomes, then all its outcomes), and worth as many outcomes as the spread between
   * task types allows. An arm whose quality barely depends on the task type teaches each
   * type from the others; one whose types differ lets each type speak for itself. Writes
   * the mean and the strength (pseudo-outcomes) to `priorOut`.
   */
  const priorOut = [0, 0];
  function typePrior(index: number, typeCapability: number): void {
    const n = table.globalN[index] as number;
    // The capability prior moved to where the price ladder puts the arm, worth what its fit allows.
    let strength = ladder.strength[index] as number;
    const c = Math.min(0.98, Math.max(0.02, typeCapability + (ladder.offset[index] as number)));
    if (n > 0 && strength > tuning.priorStrength) {
      // A Student-t prior, not a Gaussian: an arm whose own mean sits far off the ladder (a
      // model that got worse, an outlier for its price) is judged on its own outcomes.
      const bernoulli = Math.max(1e-4, c * (1 - c));
      const own = (table.globalSum[index] as number) / n - c;
      const z2 = (own * own) / (bernoulli / (strength + 1) + bernoulli / n);
      strength = Math.max(tuning.priorStrength, (strength * (ladderTails + 1)) / (ladderTails + z2));
      strength = Math.min(strength, ladder.strength[index] as number);
    }
    const m = n > 0 ? (strength * c + (table.globalSum[index] as number)) / (strength + n) : c;
    const bernoulli = Math.max(1e-4, m * (1 - m));
    const uncertainty = bernoulli / (strength + Math.max(0, n));
    priorOut[0] = m;
    priorOut[1] = Math.max(tuning.priorStrength, bernoulli / (typeSpread + uncertainty) - 1);
  }

  /**
   * The variance of an arm's mean quality from one task type to the next, pooled over
   * arms by the method of moments (each cell's squared distance from its arm's overall
   * mean, less its own sampling variance), over a prior of `typeSpreadPrior`² worth
   * `typeSpreadCells` cells. Derived from the cells alone, so a replay or a restore
   * computes the same value.
   */
  function estimateTypeSpread(): number {
    let sum = tuning.typeSpreadCells * tuning.typeSpreadPrior * tuning.typeSpreadPrior;
    let cells = tuning.typeSpreadCells;
    for (const byArm of state.types.values())
      for (const [armId, cell] of byArm) {
        const global = state.global.get(armId);
        if (global === undefined || cell.n < 2 || global.n < cell.n + 2) continue;
        const difference = cell.sum / cell.n - global.sum / global.n;
        sum += difference * difference - qualityVariance(cell) / cell.n;
        cells += 1;
      }
    return Math.max(1e-4, sum / cells);
  }
  let typeSpread = estimateTypeSpread();

  /**
   * Beta parameters of arm `index`'s quality for a task type (its type row, discounted by
   * `typeDecay`, over a prior of mean `m0` worth `strength` outcomes), written to `betaOut`.
   */
  const betaOut = [0, 0];
  function qualityBeta(m0: number, strength: number, rows: Float64Array, typeDecay: number, index: number): void {
    let a = strength * m0;
    let b = strength * (1 - m0);
    const t = index * typeRowSize;
    if (rows[t + tPresent] === 1) {
      a += (rows[t + tA] as number) * typeDecay;
      b += (rows[t + tB] as number) * typeDecay;
    }
    betaOut[0] = a;
    betaOut[1] = b;
  }

  return {
    get table() {
      return table;
    },
    gamma,
    power,
    sharedGamma,
    sharedPower,
    suspicionLevel,
    priorOut,
    betaOut,
    catalogChanged() {
      views.clear();
      sharedViews.clear();
      table = makeArmTable(state.arms, state.global, state.inflight, suspicionLevel);
      position = Float64Array.from(state.arms, (arm) =>
        ladderPosition(arm.inputPricePerMillion, arm.outputPricePerMillion),
      );
      capability = Float64Array.from(state.arms, (arm) => priorQuality(arm, ''));
      ladder = makeLadder(state.arms.length);
      refitLadder();
    },
    typeView: (taskType) =>
      bounded(views, taskType, () =>
        makeTypeView(state.arms, state.types.get(taskType), (arm) => priorQuality(arm, taskType), suspicionLevel),
      ),
    madeTypeView: (taskType) => views.get(taskType),
    featureRows: (view, taskType, key) =>
      bounded(view.features, key, () => makeFeatureRows(state.arms, state.features.get(taskType)?.get(key))),
    sharedRows: (key) => bounded(sharedViews, key, () => makeFeatureRows(state.arms, state.shared.get(key))),
    madeSharedRows: (key) => sharedViews.get(key),
    typePrior,
    qualityBeta,
    refitLadder,
    refreshTypeSpread() {
      typeSpread = estimateTypeSpread();
    },
  };
}
