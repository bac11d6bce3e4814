/**
 * Choosing: for each task, filter the arms (allowed now, context window, budget), price
 * each with its learned cost ratio and latency, draw a plausible quality from its
 * posterior on the task type shifted by the task's context features, score the draw with
 * the preference's utility, and return the best as a `route-decide` record with every
 * candidate and exclusion. It reads the state and its copies (reads.ts) and changes
 * nothing: the router applies the record.
 */
import type { ModelArm } from './catalog.ts';
import { explain } from './explain.ts';
import { bucketOf, featureKeys } from './features.ts';
import type { Preference, UtilityWeights } from './preference.ts';
import { latencyUnits } from './priors.ts';
import type { Reads } from './reads.ts';
import type { RouteCandidate, RouteDecision, RouteExclusion, RouteFeatures } from './records.ts';
import type { Sampler } from './sampler.ts';
import type { RouterState } from './state.ts';
import type { RouterTuning } from './tuning.ts';
import {
  fEpoch,
  fN,
  fPresent,
  fSum,
  fTick,
  featureRowSize,
  tCostLog,
  tCostN,
  tEffectSum,
  tEpoch,
  tLatencyLog,
  tLatencyN,
  tN,
  tPresent,
  tSuspected,
  tTick,
  typeRowSize,
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

export interface ChooserParts {
  state: RouterState;
  reads: Reads;
  tuning: RouterTuning;
  preference: Preference;
  weights: UtilityWeights;
  sampler: Sampler;
  /** Standing availability (the router's `options.available`). */
  available: ((armId: string) => boolean) | undefined;
}

const clampQuality = (q: number) => (q < 0 ? 0 : q > 1 ? 1 : q);

/** The router's `choose`, without applying or emitting the decision it returns. */
export function makeChooser(parts: ChooserParts): (context: RouteContext) => RouteDecision {
  const { state, reads, tuning, preference, weights, sampler, available } = parts;
  const { power, sharedPower, typePrior, qualityBeta, priorOut, betaOut } = reads;

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
      (available === undefined || available(armId))
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
    const view = reads.typeView(taskType);
    const rows = view.rows;
    featureCount = featureKeys(bucket, features.signals, keys);
    for (let f = 0; f < featureCount; f++) {
      featureList[f] = reads.featureRows(view, taskType, keys[f] as string);
      sharedList[f] = reads.sharedRows(keys[f] as string);
    }
    const table = reads.table;
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
      const betaMean = a / (a + b);
      // A drop a detector suspects (suspicion.ts): the larger move of the type's and the model's.
      const suspected = present ? (rows[t + tSuspected] as number) : 0;
      const typeMean = betaMean + Math.min(suspected, table.globalSuspected[i] as number);
      const posteriorMean = clampQuality(typeMean + effect);
      const evidence = present ? (rows[t + tN] as number) * d : 0;
      const sampled = clampQuality(
        typeMean + effect + sizeScale * explorationScale(evidence) * (sampler.beta(a, b) - betaMean),
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
    return decision;
  }

  return choose;
}
