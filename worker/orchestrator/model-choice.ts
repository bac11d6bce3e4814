import type { EventDraft } from '../events/catalog.ts';
import type { Preference } from '../events/projections/rows.ts';
import type { ProviderReady } from '../providers/contract/provider-service-api.ts';
import { listedAs } from '../providers/catalog.ts';
import { PriceBook, providerOfArm, shippedPrices } from '../settings/price-book.ts';
import type { ModelPrices } from '../settings/price-edit.ts';
import { startSource, waitingSentence } from '../run-state/start-source.ts';
import type { RemoteProviderId } from '../providers/contract/provider-id.ts';
import {
  type PerformanceTracker,
  createPerformanceTracker,
  type ModelArm,
  type RouteDecision,
  type RouteOutcome,
  type RouteRecord,
  type Router,
  createRouter,
  defaultCatalog,
} from '../router/index.ts';

/** The model a call goes to, with what the cost governor needs to price it. */
export interface ModelChoice {
  provider: RemoteProviderId;
  model: string;
  armId: string;
  inputPricePerMillion: number;
  outputPricePerMillion: number;
  contextWindow: number;
  /** The router's decision, to be observed (or cancelled) once the call is over. */
  decision: RouteDecision;
}

export type ChoiceResult = (
  | { ok: true; choice: ModelChoice }
  /** `budget`: every model was left out because none fits what is left of the budget. */
  | { ok: false; message: string; budget: boolean }
) & {
  /** What the router recorded while choosing (the decision, models it added), for the log. */
  records: PreferredRecord[];
};

/**
 * A model chosen in Settings that the router's catalog does not name (a newer model, a
 * local one): an arm of its own, at its shipped price (the provider catalog's when listed
 * there, else zero); the person's own price for it is set on the router before each choice.
 */
function settingsArm(provider: RemoteProviderId, model: string): ModelArm {
  const price = shippedPrices(provider, model);
  return {
    id: `${provider}:${model}`,
    provider,
    model,
    tier: 'medium',
    inputPricePerMillion: price.input,
    outputPricePerMillion: price.output,
  };
}

const shippedArms: ReadonlyMap<string, ModelArm> = new Map(defaultCatalog.map((arm) => [arm.id, arm]));

/**
 * The provider and model an arm's calls go to, for an arm that shipped with the app (the
 * router's catalog) or one made for a model chosen in Settings; undefined for any other:
 * no record, imported or not, can name a model the person did not give.
 */
function modelOfArm(arm: Pick<ModelArm, 'id' | 'provider' | 'model'>): [RemoteProviderId, string] | undefined {
  const shipped = shippedArms.get(arm.id);
  const provider = providerOfArm(shipped ?? arm);
  if (!provider) return undefined;
  if (shipped) return [provider, shipped.model ?? shipped.id];
  if (arm.model === undefined || arm.id !== `${provider}:${arm.model}`) return undefined;
  return [provider, arm.model];
}

/**
 * What a model costs as shipped with the app, by arm; undefined for an arm that is neither
 * the router catalog's nor one made for a model chosen in Settings.
 */
export function shippedPrice(
  arm: Pick<ModelArm, 'id' | 'provider' | 'model'>,
): { input: number; output: number } | undefined {
  const model = modelOfArm(arm);
  return model ? shippedPrices(...model) : undefined;
}

/** A router record with the preference of the router that made it and its place in the sequence. */
export interface PreferredRecord {
  preference: Preference;
  order: number;
  record: RouteRecord;
}

/** The records as `route-record` events for a project's log. */
export function recordEvents(records: readonly PreferredRecord[]): EventDraft[] {
  return records.map(({ preference, order, record }) => ({
    type: 'route-record',
    actor: { kind: 'system', component: 'router' },
    payload: { preference, order, record },
  }));
}

export interface RouteRequest {
  taskType: string;
  preference: Preference;
  inputTokens: number;
  outputTokens: number;
  attempt: number;
  language?: string | undefined;
  /** Task content as context (`taskSignals` of the router): length, file kinds, words. */
  signals?: readonly string[] | undefined;
  budgetRemainingUsd: number;
  allowanceUsd?: number | undefined;
}

/**
 * Chooses a model for each call with the Thompson-sampling router, among the models of
 * providers that can take calls now. One router per preference, shared by every project
 * of this engine, so what it learns on one project serves the next.
 */
export class ModelChooser {
  private readonly routers = new Map<Preference, Router>();
  /**
   * Where the routers' records go while a step of this chooser runs: the step's own list,
   * returned to its caller. Steps are synchronous, so no other step's records can land in
   * it; records made outside a step (replaying, a router made to be looked at) are not steps.
   */
  private collecting: PreferredRecord[] | null = null;
  private nextOrder = 0;
  /** How each model did on each kind of task, folded from the same records (all preferences). */
  readonly tracker: PerformanceTracker = createPerformanceTracker();

  /** What every model costs on this device: the router's estimates and the governor read it. */
  readonly prices: PriceBook;

  constructor(private readonly options: { random?: () => number; prices?: PriceBook } = {}) {
    this.prices = options.prices ?? new PriceBook();
  }

  /**
   * What a call on `arm` is priced at now: the person's latest edit, else the shipped
   * price; undefined for an arm no catalog or Settings names.
   */
  priceOfArm(arm: Pick<ModelArm, 'id' | 'provider' | 'model'>): ModelPrices | undefined {
    const model = modelOfArm(arm);
    return model ? this.prices.priceOf(...model) : undefined;
  }

  router(preference: Preference): Router {
    let router = this.routers.get(preference);
    if (!router) {
      router = createRouter({
        arms: defaultCatalog,
        preference,
        ...(this.options.random ? { random: this.options.random } : {}),
        onRecord: (record) => {
          if (!this.collecting) return;
          this.collecting.push({ preference, order: this.nextOrder++, record });
          if (record.type === 'route-observe') this.tracker.apply(record);
        },
      });
      this.routers.set(preference, router);
    }
    return router;
  }

  /** Runs one synchronous step and returns what it gave with the records it made. */
  private step<T>(work: () => T): { value: T; records: PreferredRecord[] } {
    const records: PreferredRecord[] = [];
    const outer = this.collecting;
    this.collecting = records;
    try {
      return { value: work(), records };
    } finally {
      this.collecting = outer;
    }
  }

  /** Learns the outcome of a call made on `decision`; returns the records to log. */
  observe(preference: Preference, decision: RouteDecision, outcome: RouteOutcome): PreferredRecord[] {
    return this.step(() => this.router(preference).observe(decision, outcome)).records;
  }

  /** Withdraws a decision whose call was never made, or taught nothing; returns the records to log. */
  cancel(preference: Preference, decision: RouteDecision): PreferredRecord[] {
    return this.step(() => this.router(preference).cancel(decision)).records;
  }

  /**
   * Folds the records of this device's own projects into the routers, in the order they
   * were made. Catalog changes are not taken from the log: the models and their prices
   * are the shipped catalog's and the ones Settings names now (added again by `choose`).
   */
  load(records: Iterable<PreferredRecord>): void {
    const sorted = [...records].sort((a, b) => a.order - b.order);
    // Outside any step: a replayed record is applied, not made again.
    for (const { preference, record } of sorted) {
      if (record.type === 'route-arm-set') continue;
      this.router(preference).apply(record);
      if (record.type === 'route-observe') this.tracker.apply(record);
    }
    this.nextOrder = Math.max(this.nextOrder, (sorted.at(-1)?.order ?? -1) + 1);
  }

  /**
   * Learns from the routing records of a project imported from elsewhere, when the person
   * chose so at import: what each model's answers were worth and how long they took. Only
   * outcomes are read, with their cost taken out; decisions, withdrawals and catalog
   * changes are left, so such records never add a model, price one or teach a cost.
   */
  learnEvidence(records: Iterable<PreferredRecord>): void {
    for (const { preference, record } of records) {
      if (record.type !== 'route-observe') continue;
      const evidence: RouteRecord = {
        ...record,
        listCostUsd: 0,
        outcome: { quality: record.outcome.quality, latencyMs: record.outcome.latencyMs, costUsd: 0 },
      };
      this.router(preference).apply(evidence);
      this.tracker.apply(evidence);
    }
  }

  /**
   * Chooses among the ready providers' models, leaving out `passedOver` (too dear for what
   * is left). The records of the choice come back with it, for the caller to log.
   */
  choose(request: RouteRequest, readiness: readonly ProviderReady[], passedOver?: ReadonlySet<string>): ChoiceResult {
    const { value, records } = this.step(() => this.chooseNow(request, readiness, passedOver));
    return { ...value, records };
  }

  private chooseNow(
    request: RouteRequest,
    readiness: readonly ProviderReady[],
    passedOver: ReadonlySet<string> | undefined,
  ): DistributiveOmit<ChoiceResult, 'records'> {
    const router = this.router(request.preference);
    const ready = new Set(readiness.filter((entry) => entry.ready).map((entry) => entry.provider));
    // Retired models, and those the provider did not list for this key, are never routed to.
    const unavailable = new Set(
      readiness.flatMap((entry) => (entry.unavailableModels ?? []).map((model) => `${entry.provider}\u0000${model}`)),
    );
    const listed = new Map(
      readiness.flatMap((entry) => (entry.listedModels ? [[entry.provider, entry.listedModels]] : [])),
    );
    const offered = (provider: RemoteProviderId, model: string) => {
      const models = listed.get(provider);
      return (
        !unavailable.has(`${provider}\u0000${model}`) &&
        (models === undefined || models.some((id) => listedAs(id, model)))
      );
    };
    const compatible = readiness.find((entry) => entry.provider === 'openai-compatible' && entry.ready);
    for (const entry of readiness) {
      if (!entry.ready || !entry.model) continue;
      const known = router
        .arms()
        .some((arm) => providerOfArm(arm) === entry.provider && (arm.model ?? arm.id) === entry.model);
      if (!known) router.setArm(settingsArm(entry.provider, entry.model));
    }
    // The router estimates costs at the device's prices as they are now; set without a
    // record, so no project's log carries the person's prices.
    router.reprice((arm) => this.priceOfArm(arm));
    const candidates = router
      .arms()
      .filter((arm) => {
        if (passedOver?.has(arm.id)) return false;
        if (modelOfArm(arm) === undefined) return false;
        const provider = providerOfArm(arm);
        if (!provider || !ready.has(provider)) return false;
        if (!offered(provider, arm.model ?? arm.id)) return false;
        // Only the endpoint's current model, not ones named in earlier settings.
        return provider !== 'openai-compatible' || arm.model === compatible?.model;
      })
      .map((arm) => arm.id);
    if (candidates.length === 0) return { ok: false, budget: false, message: noModelMessage(readiness) };
    const decision = router.choose({
      taskType: request.taskType,
      features: {
        inputTokens: request.inputTokens,
        outputTokens: request.outputTokens,
        attempt: request.attempt,
        ...(request.language ? { language: request.language } : {}),
        ...(request.signals && request.signals.length > 0 ? { signals: [...request.signals] } : {}),
      },
      budgetRemainingUsd: request.budgetRemainingUsd,
      ...(request.allowanceUsd !== undefined ? { allowanceUsd: request.allowanceUsd } : {}),
      candidates,
    });
    const arm = decision.arm;
    const provider = arm ? providerOfArm(arm) : undefined;
    // The router's estimate was at these prices: the device's, never a record's.
    const price = arm ? this.priceOfArm(arm) : undefined;
    if (!arm || !provider || !price) {
      const budget = decision.excluded.length > 0 && decision.excluded.every((entry) => entry.reason === 'budget');
      return {
        ok: false,
        budget,
        message: budget
          ? `Budget reached — raise it or stop. No model can do this task within the $${Math.max(0, request.budgetRemainingUsd).toFixed(4)} left.`
          : `No model fits this task now: ${decision.reason}`,
      };
    }
    return {
      ok: true,
      choice: {
        provider,
        model: arm.model ?? arm.id,
        armId: arm.id,
        inputPricePerMillion: price.input,
        outputPricePerMillion: price.output,
        contextWindow: shippedArms.get(arm.id)?.contextWindow ?? arm.contextWindow ?? 128_000,
        decision,
      },
    };
  }
}

/** Why no model can take a call, and the one thing to do about it. */
function noModelMessage(readiness: readonly ProviderReady[]): string {
  if (startSource(readiness) === 'locked') {
    return 'Your model keys are locked, so no model can take the next task.';
  }
  if (startSource(readiness) === 'waiting') return waitingSentence(readiness, 'press Continue orchestra');
  return 'No model provider can take calls now. Add a key in Settings, then press Continue orchestra.';
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
