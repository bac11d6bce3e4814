/**
 * The router's public face: `createRouter`, `restoreRouter` and the `Router` they return.
 * A Thompson-sampling router: for each task it draws a plausible quality for every
 * candidate model from that model's posterior on the task type, shifted by what the
 * task's context features are learned to do to that model, prices the task with the
 * model's learned cost ratio and latency, scores the draws with the project's preference
 * and picks the best (choose.ts). Outcomes teach the posteriors (learn.ts), which decisions
 * read through their typed-array copies and the hierarchical prior (reads.ts); the state
 * (state.ts) round-trips through a snapshot (snapshot.ts).
 *
 * This file owns the records' life: state is changed only by `apply(record)`; `choose`,
 * `observe`, `cancel` and `setArm` build a record, apply it and hand it to `onRecord`, so
 * replaying the records into a fresh router rebuilds the same state.
 */
import type { ModelArm } from './catalog.ts';
import { type RouteContext, makeChooser } from './choose.ts';
import { maxSignals } from './features.ts';
import { makeLearner } from './learn.ts';
import { type Preference, parsePreference, weightsFor } from './preference.ts';
import { makeReads } from './reads.ts';
import type { RouteCandidate, RouteDecision, RouteObservation, RouteOutcome, RouteRecord } from './records.ts';
import { makeSampler } from './sampler.ts';
import { type RouterSnapshot, fromSnapshot, routerSnapshotSchema, toSnapshot } from './snapshot.ts';
import { emptyState, upsertArm } from './state.ts';
import { type RouterTuning, defaultTuning } from './tuning.ts';
import { tPresent, tTick, typeRowSize } from './views.ts';

export type { RouteContext } from './choose.ts';

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

function build(options: RouterOptions, snapshot: RouterSnapshot | undefined): Router {
  const tuning: RouterTuning = { ...defaultTuning, ...snapshot?.tuning, ...options.tuning };
  const preference: Preference = parsePreference(options.preference ?? snapshot?.preference ?? 'balanced');
  const state = snapshot ? fromSnapshot(snapshot) : emptyState();
  const emit = options.onRecord;
  // A record made here is applied and handed to the event log; a replayed one is only applied.
  const commit = (record: RouteRecord) => {
    apply(record);
    emit?.(record);
  };
  const reads = makeReads(state, tuning);
  for (const arm of options.arms) upsertArm(state, arm);
  reads.catalogChanged();
  const choose = makeChooser({
    state,
    reads,
    tuning,
    preference,
    weights: weightsFor(preference),
    sampler: makeSampler(options.random ?? Math.random),
    available: options.available,
  });
  const learn = makeLearner(state, reads, tuning);

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
        reads.catalogChanged();
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
    if (index !== undefined) reads.table.inflight[index] = count;
  }

  function expectedQuality(armId: string, taskType: string): number {
    const index = state.armIndex.get(armId);
    if (index === undefined) return Number.NaN;
    const tick = state.ticks.get(taskType) ?? 0;
    const view = reads.typeView(taskType);
    const t = index * typeRowSize;
    const d = view.rows[t + tPresent] === 1 ? reads.power(tick - (view.rows[t + tTick] as number)) : 1;
    reads.typePrior(index, view.prior[index] as number);
    reads.qualityBeta(reads.priorOut[0] as number, reads.priorOut[1] as number, view.rows, d, index);
    return (reads.betaOut[0] as number) / ((reads.betaOut[0] as number) + (reads.betaOut[1] as number));
  }

  return {
    choose: (context) => {
      const decision = choose(context);
      commit(decision);
      return decision;
    },
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
      if (changed) reads.catalogChanged();
    },
    apply,
    preference,
    arms: () => state.arms,
    expectedQuality,
    toJSON: () => toSnapshot(state, preference, tuning),
  };
}
