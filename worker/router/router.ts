/**
 * The Thompson-sampling router. For each task it draws a plausible quality for every
 * candidate model from that model's posterior on the task type, shifted by what the
 * task's context features (size classes, retry, language, content signals) are learned to
 * do to that model, prices the task with the model's learned cost ratio and latency,
 * scores `quality − dollars ÷ (what a unit of quality is worth) − waiting` with the
 * project's preference and picks the best draw. Models it is unsure about get optimistic
 * draws now and then, which is all the exploration it needs; models it knows are bad
 * almost never win a draw.
 *
 * State is changed only by `apply(record)`: `choose` and `observe` build a record and
 * apply it, so replaying the records into a fresh router rebuilds the same state.
 */
import { type ModelArm, normalizeArm } from './catalog.ts';
import { explain } from './explain.ts';
import { bucketOf, featureKeys, maxSignals } from './features.ts';
import {
  type ArmCell,
  type BucketCell,
  type FeatureCell,
  type TypeCell,
  decayFeatureCell,
  decayTypeCell,
  detectChange,
  detectModelChange,
  discount,
  emptyTypeCell,
  makePowers,
  observationWeight,
  qualityVariance,
  shiftTypeCell,
} from './posterior.ts';
import { type Preference, type UtilityWeights, parsePreference, weightsFor } from './preference.ts';
import { type Ladder, fitLadder, ladderPosition, makeLadder } from './ladder.ts';
import { latencyUnits, priorQuality } from './priors.ts';
import type {
  RouteCandidate,
  RouteDecision,
  RouteExclusion,
  RouteFeatures,
  RouteObservation,
  RouteOutcome,
  RouteRecord,
} from './records.ts';
import { type Sampler, makeSampler } from './sampler.ts';
import { type RouterTuning, defaultTuning } from './tuning.ts';
import { type RouterSnapshot, routerSnapshotSchema } from './snapshot.ts';
import {
  type ArmTable,
  type TypeView,
  fEpoch,
  fN,
  fPresent,
  fSum,
  fTick,
  featureRowSize,
  makeArmTable,
  makeFeatureRows,
  makeTypeView,
  tA,
  tB,
  tCostLog,
  tCostN,
  tEffectSum,
  tEpoch,
  tLatencyLog,
  tLatencyN,
  tN,
  tPresent,
  tTick,
  typeRowSize,
  writeFeatureRow,
  writeGlobal,
  writeTypeRow,
} from './views.ts';

export interface RouteContext {
  /** Any string: plan, backend-code, ui-code, tests, review, fix… or one never seen. */
  taskType: string;
  features: RouteFeatures;
  budgetRemainingUsd: number;
  /** The cost governor's pacing allowance for this task; dearer arms lose utility. */
  allowanceUsd?: number;
  /** Only these arm ids are candidates (providers configured, circuits closed). */
  candidates?: readonly string[];
  /** Whether an arm may be used now; combined with `options.available`. */
  available?: (armId: string) => boolean;
}

export interface RouterOptions {
  arms: readonly ModelArm[];
  /** Uniform source in [0, 1); pass a seeded one for reproducible runs. */
  random?: () => number;
  preference?: Preference;
  /** Standing availability, e.g. "provider configured and circuit closed". */
  available?: (armId: string) => boolean;
  tuning?: Partial<RouterTuning>;
  /** Receives every record the router makes (decisions, outcomes…), for the event log. */
  onRecord?: (record: RouteRecord) => void;
}

export interface Router {
  /** Picks an arm for a task and records why; the returned decision is a `route-decide` record. */
  choose(context: RouteContext): RouteDecision;
  /** Learns from the outcome of a decision; returns the `route-observe` record it applied. */
  observe(decision: RouteDecision, outcome: RouteOutcome): RouteObservation;
  /** The call of a decision was never made (budget refused it, task cancelled). */
  cancel(decision: RouteDecision): void;
  /** Adds a model to the catalog or changes its prices. */
  setArm(arm: ModelArm): void;
  /**
   * Sets the arms' prices to the device's (the shipped catalog under the person's own
   * edits) without a record: prices are given to the router, never learned, so no log
   * carries them and a replay prices nothing. Arms `priceOf` does not know keep theirs.
   */
  reprice(priceOf: (arm: ModelArm) => { input: number; output: number } | undefined): void;
  /**
   * Folds one record into the state: the only way state changes. Replaying a log calls
   * this; it does not emit the record again.
   */
  apply(record: RouteRecord): void;
  readonly preference: Preference;
  arms(): readonly ModelArm[];
  /** Posterior mean quality of an arm on a task type (prior included). */
  expectedQuality(armId: string, taskType: string): number;
  toJSON(): RouterSnapshot;
}

interface State {
  arms: ModelArm[];
  armIndex: Map<string, number>;
  ticks: Map<string, number>;
  types: Map<string, Map<string, TypeCell>>;
  /** Kept from older logs and snapshots (context buckets, no longer learned or read). */
  buckets: Map<string, Map<string, Map<string, BucketCell>>>;
  features: Map<string, Map<string, Map<string, FeatureCell>>>;
  /** Per context feature and arm, its effect across all task types (tick: outcomes of any type). */
  shared: Map<string, Map<string, FeatureCell>>;
  /** Outcomes of every task type: the sum of `ticks`, the clock of the shared effects. */
  outcomes: number;
  global: Map<string, ArmCell>;
  inflight: Map<string, number>;
  decisions: number;
  /** Running average of the cheapest candidate's list cost: the size of a typical task. */
  taskScale: number;
}

/**
 * Creates a router over `options.arms`.
 *
 * @example
 * const router = createRouter({ arms: defaultCatalog, random: mulberry32(7), preference: 'balanced' });
 * const decision = router.choose({ taskType: 'tests', features: { inputTokens: 3000, outputTokens: 800 }, budgetRemainingUsd: 4 });
 * router.observe(decision, { quality: 0.9, costUsd: 0.004, latencyMs: 2100 });
 */
export function createRouter(options: RouterOptions): Router {
  return build(options, undefined);
}

/** Rebuilds a router from `toJSON()`; `options.arms`, if given, are applied as catalog changes. */
export function restoreRouter(snapshot: RouterSnapshot, options: Partial<RouterOptions> = {}): Router {
  return build({ ...options, arms: options.arms ?? [] }, routerSnapshotSchema.parse(snapshot));
}

createRouter.restore = restoreRouter;

// A project has a handful of task types and buckets; callers inventing names get a bound.
const maxViews = 1000;

function build(options: RouterOptions, snapshot: RouterSnapshot | undefined): Router {
  const tuning: RouterTuning = { ...defaultTuning, ...snapshot?.tuning, ...options.tuning };
  const gamma = discount(tuning);
  const power = makePowers(gamma);
  const sharedGamma = tuning.forgetting ? 1 - 1 / tuning.sharedMemory : 1;
  const sharedPower = makePowers(sharedGamma);
  const preference: Preference = parsePreference(options.preference ?? snapshot?.preference ?? 'balanced');
  const weights: UtilityWeights = weightsFor(preference);
  const sampler: Sampler = makeSampler(options.random ?? Math.random);
  const state: State = snapshot ? fromSnapshot(snapshot) : emptyState();
  const emit = options.onRecord;
  // A record made here is applied and handed to the event log; a replayed one is only applied.
  const commit = (record: RouteRecord) => {
    apply(record);
    emit?.(record);
  };

  // Decisions read `state` through these copies by arm index (views.ts); rebuilt whenever
  // the catalog changes, written through whenever learning changes a cell.
  const views = new Map<string, TypeView>();
  const sharedViews = new Map<string, Float64Array>();
  let table: ArmTable = makeArmTable([], state.global, state.inflight);
  // The price ladder (ladder.ts): per arm its place on it, its capability prior across task
  // types, and the fitted offset and strength; refitted when the catalog or a mean changes.
  let position = new Float64Array(0);
  let capability = new Float64Array(0);
  let ladder: Ladder = makeLadder(0);
  const refitLadder = () => fitLadder(ladder, position, capability, table.globalN, table.globalSum, tuning);
  function catalogChanged(): void {
    views.clear();
    sharedViews.clear();
    table = makeArmTable(state.arms, state.global, state.inflight);
    position = Float64Array.from(state.arms, (arm) =>
      ladderPosition(arm.inputPricePerMillion, arm.outputPricePerMillion),
    );
    capability = Float64Array.from(state.arms, (arm) => priorQuality(arm, ''));
    ladder = makeLadder(state.arms.length);
    refitLadder();
  }
  for (const arm of options.arms) upsertArm(state, arm);
  catalogChanged();

  function typeView(taskType: string): TypeView {
    let view = views.get(taskType);
    if (view === undefined) {
      view = makeTypeView(state.arms, state.types.get(taskType), (arm) => priorQuality(arm, taskType));
      if (views.size >= maxViews) views.clear();
      views.set(taskType, view);
    }
    return view;
  }

  function featureRows(view: TypeView, taskType: string, key: string): Float64Array {
    let rows = view.features.get(key);
    if (rows === undefined) {
      rows = makeFeatureRows(state.arms, state.features.get(taskType)?.get(key));
      if (view.features.size >= maxViews) view.features.clear();
      view.features.set(key, rows);
    }
    return rows;
  }

  function sharedRows(key: string): Float64Array {
    let rows = sharedViews.get(key);
    if (rows === undefined) {
      rows = makeFeatureRows(state.arms, state.shared.get(key));
      if (sharedViews.size >= maxViews) sharedViews.clear();
      sharedViews.set(key, rows);
    }
    return rows;
  }

  // Scratch space reused by every decision, so choosing allocates only its record.
  let cost = new Float64Array(16);
  let latency = new Float64Array(16);
  let listCost = new Float64Array(16);
  let chosenIndex = new Int32Array(16);
  let decay = new Float64Array(16);
  const keys: string[] = [];
  const featureList: Float64Array[] = [];
  const sharedList: Float64Array[] = [];
  let featureCount = 0;

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

  /**
   * The summed effect on arm `index` of the task's context features (`featureCount` rows
   * in `featureList` and `sharedList`): each feature's effect on the arm across task types,
   * shrunk towards none by `sharedContextShrink` pseudo-outcomes, plus its deviation on this
   * task type, shrunk by `contextShrink`. Deviations from before a detected change (an
   * older epoch) are ignored.
   */
  function contextEffect(index: number, epoch: number, tick: number): number {
    let effect = 0;
    const o = index * featureRowSize;
    for (let f = 0; f < featureCount; f++) {
      const shared = sharedList[f] as Float64Array;
      if (shared[o + fPresent] === 1) {
        const d = sharedPower(state.outcomes - (shared[o + fTick] as number));
        effect += ((shared[o + fSum] as number) * d) / ((shared[o + fN] as number) * d + tuning.sharedContextShrink);
      }
      const rows = featureList[f] as Float64Array;
      if (rows[o + fPresent] !== 1 || rows[o + fEpoch] !== epoch) continue;
      const d = power(tick - (rows[o + fTick] as number));
      effect += ((rows[o + fSum] as number) * d) / ((rows[o + fN] as number) * d + tuning.contextShrink);
    }
    return effect;
  }

  // Draws are shrunk towards the mean only for arms known well: an arm with little or
  // faded evidence keeps full Thompson exploration, so it can never be locked out.
  function explorationScale(evidence: number): number {
    const s = tuning.explorationScale;
    const c = tuning.explorationHalfEvidence;
    return s + ((1 - s) * c) / (c + evidence);
  }

  function isAllowed(context: RouteContext, armId: string): boolean {
    const only = context.candidates;
    return (
      (only === undefined || only.includes(armId)) &&
      (context.available === undefined || context.available(armId)) &&
      (options.available === undefined || options.available(armId))
    );
  }

  function choose(context: RouteContext): RouteDecision {
    const { taskType, features } = context;
    const bucket = bucketOf(features);
    const count = state.arms.length;
    if (cost.length < count) {
      const size = count * 2;
      cost = new Float64Array(size);
      latency = new Float64Array(size);
      listCost = new Float64Array(size);
      chosenIndex = new Int32Array(size);
      decay = new Float64Array(size);
    }
    const tick = state.ticks.get(taskType) ?? 0;
    const view = typeView(taskType);
    const rows = view.rows;
    featureCount = featureKeys(bucket, features.signals, keys);
    for (let f = 0; f < featureCount; f++) {
      featureList[f] = featureRows(view, taskType, keys[f] as string);
      sharedList[f] = sharedRows(keys[f] as string);
    }
    const { ids, inputPrice, outputPrice, contextWindow } = table;
    const excluded: RouteExclusion[] = [];
    const units = latencyUnits(features.outputTokens);

    // Pass 1: filter and price every arm.
    let eligible = 0;
    let cheapest = -1;
    for (let i = 0; i < count; i++) {
      const armId = ids[i] as string;
      if (!isAllowed(context, armId)) {
        excluded.push({ armId, reason: 'unavailable' });
        continue;
      }
      if (features.inputTokens + features.outputTokens > (contextWindow[i] as number)) {
        excluded.push({ armId, reason: 'context_window' });
        continue;
      }
      const t = i * typeRowSize;
      const list =
        (features.inputTokens * (inputPrice[i] as number) + features.outputTokens * (outputPrice[i] as number)) /
        1_000_000;
      listCost[i] = list;
      if (rows[t + tPresent] === 1) {
        // One discount factor per arm and decision: γ^(outcomes of this type since the cell's last update).
        const d = power(tick - (rows[t + tTick] as number));
        decay[i] = d;
        // Learned cost ratio and latency per unit: log-means shrunk towards the list price and the prior.
        cost[i] = list * Math.exp(((rows[t + tCostLog] as number) * d) / ((rows[t + tCostN] as number) * d + 1));
        latency[i] =
          units *
          Math.exp(
            ((rows[t + tLatencyLog] as number) * d + (table.latencyPriorLog[i] as number)) /
              ((rows[t + tLatencyN] as number) * d + 1),
          );
      } else {
        decay[i] = 1;
        cost[i] = list;
        latency[i] = units * (table.latencyPrior[i] as number);
      }
      chosenIndex[eligible++] = i;
      if (cheapest === -1 || (cost[i] as number) < (cost[cheapest] as number)) cheapest = i;
    }
    // Arms the remaining budget cannot pay for are dropped, unless that would drop them all:
    // then the cheapest stays and the cost governor has the last word.
    let kept = 0;
    for (let j = 0; j < eligible; j++) {
      const i = chosenIndex[j] as number;
      if ((cost[i] as number) > context.budgetRemainingUsd && i !== cheapest) {
        excluded.push({ armId: ids[i] as string, reason: 'budget' });
        continue;
      }
      chosenIndex[kept++] = i;
    }

    let cheapestList = Number.POSITIVE_INFINITY;
    for (let j = 0; j < kept; j++) cheapestList = Math.min(cheapestList, listCost[chosenIndex[j] as number] as number);
    // A wrong pick costs in proportion to the task's size, what it teaches does not: a task
    // larger than a typical one explores less, by (typical ÷ this)^sizeExploration.
    const sizeScale =
      state.taskScale > 0 && cheapestList > state.taskScale && Number.isFinite(cheapestList)
        ? Math.pow(state.taskScale / cheapestList, tuning.sizeExploration)
        : 1;
    // The pacer's allowance is for a typical task; a task twice as big may cost twice as much.
    let allowance = 0;
    if (context.allowanceUsd !== undefined && context.allowanceUsd > 0) {
      allowance =
        state.taskScale > 0 && cheapestList > 0 && Number.isFinite(cheapestList)
          ? (context.allowanceUsd * cheapestList) / state.taskScale
          : context.allowanceUsd;
    }

    // Pass 2: one Thompson draw per candidate, scored by the preference's utility.
    const candidates: RouteCandidate[] = [];
    let best = -1;
    let bestUtility = -Infinity;
    let second = -1;
    let secondUtility = -Infinity;
    for (let j = 0; j < kept; j++) {
      const i = chosenIndex[j] as number;
      const d = decay[i] as number;
      typePrior(i, view.prior[i] as number);
      qualityBeta(priorOut[0] as number, priorOut[1] as number, rows, d, i);
      const a = betaOut[0] as number;
      const b = betaOut[1] as number;
      const t = i * typeRowSize;
      const present = rows[t + tPresent] === 1;
      // Centred on the arm's own tasks of the type: the Beta already holds their mean.
      const n = rows[t + tN] as number;
      const effect =
        contextEffect(i, present ? (rows[t + tEpoch] as number) : 0, tick) -
        (present && n > 0 ? (rows[t + tEffectSum] as number) / n : 0);
      const typeMean = a / (a + b);
      const posteriorMean = clampQuality(typeMean + effect);
      const evidence = present ? (rows[t + tN] as number) * d : 0;
      const sampled = clampQuality(
        typeMean + effect + sizeScale * explorationScale(evidence) * (sampler.beta(a, b) - typeMean),
      );
      const expectedCost = cost[i] as number;
      // Absolute dollars: a task ten times larger weighs its cost ten times more.
      let utility =
        weights.quality * sampled -
        expectedCost / weights.usdPerQuality -
        (weights.qualityPerSecond * (latency[i] as number)) / 1000 -
        tuning.balancePenalty * (table.inflight[i] as number);
      if (allowance > 0 && expectedCost > allowance) {
        utility -= tuning.pacePenalty * Math.min(2, expectedCost / allowance - 1);
      }
      candidates.push({
        armId: ids[i] as string,
        sampledQuality: sampled,
        expectedQuality: posteriorMean,
        listCostUsd: listCost[i] as number,
        expectedCostUsd: expectedCost,
        expectedLatencyMs: latency[i] as number,
        utility,
      });
      if (utility > bestUtility || best === -1) {
        second = best;
        secondUtility = bestUtility;
        best = j;
        bestUtility = utility;
      } else if (utility > secondUtility) {
        second = j;
        secondUtility = utility;
      }
    }

    const winner = best >= 0 ? (candidates[best] as RouteCandidate) : undefined;
    const runnerUp = second >= 0 ? candidates[second] : undefined;
    const decision: RouteDecision = {
      type: 'route-decide',
      decisionId: `route-${state.decisions + 1}`,
      taskType,
      features,
      bucket,
      preference,
      budgetRemainingUsd: Number.isFinite(context.budgetRemainingUsd) ? context.budgetRemainingUsd : null,
      armId: winner ? winner.armId : null,
      arm: best >= 0 ? (state.arms[chosenIndex[best] as number] as ModelArm) : null,
      candidates,
      excluded,
      reason: explain(winner, runnerUp, excluded.length),
    };
    if (context.allowanceUsd !== undefined) {
      decision.allowanceUsd = Number.isFinite(context.allowanceUsd) ? context.allowanceUsd : null;
    }
    commit(decision);
    return decision;
  }

  function observe(decision: RouteDecision, outcome: RouteOutcome): RouteObservation {
    if (decision.armId === null) throw new Error('This decision chose no model; there is nothing to observe.');
    let listCostUsd = 0;
    for (const candidate of decision.candidates) {
      if (candidate.armId === decision.armId) {
        listCostUsd = candidate.listCostUsd;
        break;
      }
    }
    const record: RouteObservation = {
      type: 'route-observe',
      decisionId: decision.decisionId,
      armId: decision.armId,
      taskType: decision.taskType,
      bucket: decision.bucket,
      listCostUsd,
      outputTokens: decision.features.outputTokens,
      ...(decision.features.signals !== undefined && decision.features.signals.length > 0
        ? { signals: decision.features.signals.slice(0, maxSignals) }
        : {}),
      outcome: {
        quality: Math.min(1, Math.max(0, outcome.quality)),
        costUsd: Math.max(0, outcome.costUsd),
        latencyMs: Math.max(0, outcome.latencyMs),
      },
    };
    commit(record);
    return record;
  }

  function cancel(decision: RouteDecision): void {
    if (decision.armId !== null)
      commit({ type: 'route-cancel', decisionId: decision.decisionId, armId: decision.armId });
  }

  function apply(record: RouteRecord): void {
    switch (record.type) {
      case 'route-decide':
        state.decisions += 1;
        trackTaskScale(record.candidates);
        if (record.armId !== null) setInflight(record.armId, (state.inflight.get(record.armId) ?? 0) + 1);
        return;
      case 'route-cancel':
        settleInflight(record.armId);
        return;
      case 'route-arm-set':
        upsertArm(state, record.arm);
        catalogChanged();
        return;
      case 'route-observe':
        settleInflight(record.armId);
        learn(record);
        return;
    }
  }

  function trackTaskScale(candidates: readonly RouteCandidate[]): void {
    let cheapest = Number.POSITIVE_INFINITY;
    for (const candidate of candidates) cheapest = Math.min(cheapest, candidate.listCostUsd);
    if (!Number.isFinite(cheapest) || cheapest <= 0) return;
    state.taskScale = state.taskScale === 0 ? cheapest : 0.95 * state.taskScale + 0.05 * cheapest;
  }

  // A settled arm keeps its entry at 0 (snapshots leave it out): deleting and re-adding a
  // Map entry on every call makes the Map rebuild its table every few calls.
  function settleInflight(armId: string): void {
    const count = state.inflight.get(armId);
    if (count !== undefined) setInflight(armId, count <= 1 ? 0 : count - 1);
  }

  function setInflight(armId: string, count: number): void {
    state.inflight.set(armId, count);
    const index = state.armIndex.get(armId);
    if (index !== undefined) table.inflight[index] = count;
  }

  function learn(record: RouteObservation): void {
    const { armId, taskType, bucket, outcome } = record;
    const tick = (state.ticks.get(taskType) ?? 0) + 1;
    state.ticks.set(taskType, tick);
    state.outcomes += 1;
    const index = state.armIndex.get(armId);
    const view = index === undefined ? undefined : typeView(taskType);

    let typeCells = state.types.get(taskType);
    if (typeCells === undefined) {
      typeCells = new Map<string, TypeCell>();
      state.types.set(taskType, typeCells);
    }
    let cell = typeCells.get(armId);
    if (cell === undefined) {
      cell = emptyTypeCell(tick);
      typeCells.set(armId, cell);
    }
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
    let global = state.global.get(armId);
    if (global === undefined) {
      global = { n: 0, sum: 0 };
      state.global.set(armId, global);
    }
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
    let byFeature = state.features.get(taskType);
    if (byFeature === undefined) {
      byFeature = new Map<string, Map<string, FeatureCell>>();
      state.features.set(taskType, byFeature);
    }
    const count = featureKeys(bucket, record.signals, learnKeys);
    let total = 0;
    let spread = 0;
    for (let f = 0; f < count; f++) {
      const key = learnKeys[f] as string;
      let cells = byFeature.get(key);
      if (cells === undefined) {
        cells = new Map<string, FeatureCell>();
        byFeature.set(key, cells);
      }
      let featureCell = cells.get(armId);
      if (featureCell === undefined) {
        featureCell = { n: 0, sum: 0, tick, epoch: cell.epoch };
        cells.set(armId, featureCell);
      }
      if (featureCell.epoch !== cell.epoch) {
        featureCell.n = 0;
        featureCell.sum = 0;
        featureCell.epoch = cell.epoch;
      }
      decayFeatureCell(featureCell, tick, gamma);
      let sharedCells = state.shared.get(key);
      if (sharedCells === undefined) {
        sharedCells = new Map<string, FeatureCell>();
        state.shared.set(key, sharedCells);
      }
      let sharedCell = sharedCells.get(armId);
      if (sharedCell === undefined) {
        sharedCell = { n: 0, sum: 0, tick: state.outcomes, epoch: 0 };
        sharedCells.set(armId, sharedCell);
      }
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
        const shared = sharedViews.get(key);
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
      writeTypeRow(view.rows, at, cell);
      writeGlobal(table, at, global);
      refitLadder();
    }
    typeSpread = estimateTypeSpread();
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
      const view = views.get(taskType);
      if (view !== undefined && index !== undefined) writeTypeRow(view.rows, index, cell);
    }
    if (global.n > 0) {
      const mean = Math.min(0.99, Math.max(0.01, global.sum / global.n + shift));
      global.n = Math.min(global.n, keep);
      global.sum = mean * global.n;
    }
  }

  function expectedQuality(armId: string, taskType: string): number {
    const index = state.armIndex.get(armId);
    if (index === undefined) return Number.NaN;
    const tick = state.ticks.get(taskType) ?? 0;
    const view = typeView(taskType);
    const t = index * typeRowSize;
    const d = view.rows[t + tPresent] === 1 ? power(tick - (view.rows[t + tTick] as number)) : 1;
    typePrior(index, view.prior[index] as number);
    qualityBeta(priorOut[0] as number, priorOut[1] as number, view.rows, d, index);
    return (betaOut[0] as number) / ((betaOut[0] as number) + (betaOut[1] as number));
  }

  return {
    choose,
    observe,
    cancel,
    setArm: (arm) => commit({ type: 'route-arm-set', arm }),
    reprice(priceOf) {
      let changed = false;
      state.arms.forEach((arm, index) => {
        const price = priceOf(arm);
        if (!price || (price.input === arm.inputPricePerMillion && price.output === arm.outputPricePerMillion)) return;
        state.arms[index] = { ...arm, inputPricePerMillion: price.input, outputPricePerMillion: price.output };
        changed = true;
      });
      if (changed) catalogChanged();
    },
    apply,
    preference,
    arms: () => state.arms,
    expectedQuality,
    toJSON: () => toSnapshot(state, preference, tuning),
  };
}

// Degrees of freedom of the ladder's Student-t prior (1: Cauchy tails, tuned on seeds 1–20
// against 0.5, 2 and 4): how soon an arm far off the ladder stops being pulled to it.
const ladderTails = 1;
const clampQuality = (q: number) => (q < 0 ? 0 : q > 1 ? 1 : q);
const learnKeys: string[] = [];
const learnCells: FeatureCell[] = [];
const learnEffects: number[] = [];
const learnShrink: number[] = [];

function upsertArm(state: State, entry: ModelArm): void {
  const arm = normalizeArm(entry);
  const index = state.armIndex.get(arm.id);
  if (index === undefined) {
    state.armIndex.set(arm.id, state.arms.length);
    state.arms.push(arm);
  } else state.arms[index] = arm;
}

function emptyState(): State {
  return {
    arms: [],
    armIndex: new Map(),
    ticks: new Map(),
    types: new Map(),
    buckets: new Map(),
    features: new Map(),
    shared: new Map(),
    outcomes: 0,
    global: new Map(),
    inflight: new Map(),
    decisions: 0,
    taskScale: 0,
  };
}

const sortedEntries = <V>(map: ReadonlyMap<string, V>): [string, V][] =>
  [...map.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));

function toSnapshot(state: State, preference: Preference, tuning: RouterTuning): RouterSnapshot {
  const object = <V, W>(map: ReadonlyMap<string, V>, f: (value: V) => W): Record<string, W> =>
    Object.fromEntries(sortedEntries(map).map(([key, value]) => [key, f(value)]));
  return {
    version: 1,
    preference,
    tuning: { ...tuning },
    arms: state.arms.map((arm) => ({ ...arm })),
    ticks: object(state.ticks, (tick) => tick),
    types: object(state.types, (cells) => object(cells, (cell) => ({ ...cell }))),
    buckets: object(state.buckets, (byBucket) => object(byBucket, (cells) => object(cells, (cell) => ({ ...cell })))),
    features: object(state.features, (byKey) => object(byKey, (cells) => object(cells, (cell) => ({ ...cell })))),
    sharedFeatures: object(state.shared, (cells) => object(cells, (cell) => ({ ...cell }))),
    global: object(state.global, (cell) => ({ ...cell })),
    inflight: object(new Map([...state.inflight].filter(([, count]) => count > 0)), (count) => count),
    decisions: state.decisions,
    taskScale: state.taskScale,
  };
}

function fromSnapshot(snapshot: RouterSnapshot): State {
  const map = <V, W>(record: Record<string, V>, f: (value: V) => W): Map<string, W> =>
    new Map(Object.entries(record).map(([key, value]) => [key, f(value)]));
  const state = emptyState();
  for (const arm of snapshot.arms) upsertArm(state, arm);
  state.ticks = map(snapshot.ticks, (tick) => tick);
  state.types = map(snapshot.types, (cells) => map(cells, (cell) => ({ ...cell })));
  state.buckets = map(snapshot.buckets, (byBucket) => map(byBucket, (cells) => map(cells, (cell) => ({ ...cell }))));
  state.features = map(snapshot.features, (byKey) => map(byKey, (cells) => map(cells, (cell) => ({ ...cell }))));
  state.shared = map(snapshot.sharedFeatures, (cells) => map(cells, (cell) => ({ ...cell })));
  for (const tick of state.ticks.values()) state.outcomes += tick;
  state.global = map(snapshot.global, (cell) => ({ ...cell }));
  state.inflight = map(snapshot.inflight, (count) => count);
  state.decisions = snapshot.decisions;
  state.taskScale = snapshot.taskScale;
  return state;
}
