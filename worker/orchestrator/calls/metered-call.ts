/**
 * One metered model call: the only place a call is priced, paid for and learned from.
 *
 *   choose ──▶ reserve ──▶ stream ──▶ settle ──▶ observe ──▶ record
 *     │           │                      │           └─ or withdraw (no lesson in it)
 *     │           └─ refused: budget     └─ cost-settle / cost-release (+ cost-violate)
 *     └─ no model fits, or none is ready
 *
 * A route is one router decision and the calls made on it (a first call and its repairs).
 * Each step returns the events it made — the router's records among them — to its
 * caller, who writes them where they belong in its own appends: no step leaves anything
 * for another caller to pick up. Task attempts and the Project Manager's chat both call
 * through here; nothing else reserves with the governor, settles with it, or tells the
 * router how a call went.
 */
import {
  type CostGovernor,
  type CostReservation,
  type MeasuredText,
  measure,
  utf8LengthOfParts,
  worstCaseInputTokens,
} from '../../budget/index.ts';
import type { EventDraft } from '../../events/catalog.ts';
import type { Preference } from '../../events/projections/rows.ts';
import type { ProviderAdapter } from '../../providers/contract/provider-adapter.ts';
import type { ProviderRequest } from '../../providers/contract/provider-request.ts';
import type { ProviderReady } from '../../providers/contract/provider-service-api.ts';
import type { Usage } from '../../providers/contract/usage.ts';
import { type CallResult, callModel } from '../call-model.ts';
import type { ModelPrices } from '../../settings/price-edit.ts';
import { type ModelChoice, type ModelChooser, type RouteRequest, recordEvents } from '../model-choice.ts';
import { system } from '../run-context.ts';

/** What a metered call needs: the engine's chooser and the project's governor. */
export interface Meter {
  chooser: ModelChooser;
  governor: CostGovernor;
  /** A fresh id for a reservation in the log. */
  newId(): string;
}

/** Money and tokens a route's calls were billed for, summed. */
export interface TotalUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export type RouteChoice =
  | { ok: true; route: MeteredRoute; events: EventDraft[] }
  | { ok: false; message: string; budget: boolean; events: EventDraft[] };

/** Step 1, choose: a model among the ready providers', and the records of the choice. */
export function chooseRoute(
  meter: Meter,
  request: RouteRequest,
  readiness: readonly ProviderReady[],
  options: { taskId?: string; passedOver?: ReadonlySet<string> } = {},
): RouteChoice {
  const routed = meter.chooser.choose(request, readiness, options.passedOver);
  const events = recordEvents(routed.records);
  if (!routed.ok) return { ok: false, message: routed.message, budget: routed.budget, events };
  const route = new MeteredRoute(meter, routed.choice, {
    preference: request.preference,
    taskType: request.taskType,
    taskId: options.taskId,
  });
  return { ok: true, route, events };
}

/** What one call sends that is billed as input, measured, and its output limit. */
export interface SentSize {
  utf8Bytes: number;
  maxOutputTokens: number;
}

export type MeteredCallResult =
  { kind: 'made'; result: CallResult; settled: EventDraft[] } | { kind: 'budget'; message: string };

/** One router decision and the calls made on it. */
export class MeteredRoute {
  readonly totals: TotalUsage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  private decided = false;
  private closed = false;

  constructor(
    private readonly meter: Meter,
    readonly choice: ModelChoice,
    private readonly about: { preference: Preference; taskType: string; taskId?: string | undefined },
  ) {}

  /**
   * What a call on this route is priced at if reserved now: the device's prices (the
   * person's latest edit in Settings, else the shipped catalog's), read at each
   * reservation. An edit applies to calls reserved after it, a route's repairs included;
   * a call already in flight settles at the prices its reservation carries
   * (`CostGovernor.settle` reads the reservation, never the book).
   */
  pricesNow(): ModelPrices {
    return this.meter.chooser.prices.priceOf(this.choice.provider, this.choice.model);
  }

  /** The most a call of this size can cost on this model: every input token at its dearest price. */
  worstCaseUsd(size: SentSize): number {
    const price = this.pricesNow();
    const inputPrice = Math.max(price.input, price.cachedInput, price.cacheWrite);
    const inputTokens = worstCaseInputTokens({ utf8Bytes: size.utf8Bytes }).tokens;
    return (inputTokens * inputPrice + size.maxOutputTokens * price.output) / 1_000_000;
  }

  /** Whether a call of this size fits what is left of the budget now. */
  fits(size: SentSize): boolean {
    return this.worstCaseUsd(size) <= this.meter.governor.status().availableUsd + 1e-9;
  }

  /**
   * Steps 2 to 4, one call: reserve its worst case, stream it, settle what it cost.
   * `beforeCall` writes the reservation's events (with whatever the caller adds) before
   * the call is made; the settlement comes back for the caller to write.
   */
  async call(input: {
    adapter: ProviderAdapter;
    request: ProviderRequest;
    size: SentSize;
    signal: AbortSignal;
    onDelta?: (text: string) => void;
    beforeCall: (reserved: EventDraft[]) => Promise<void>;
  }): Promise<MeteredCallResult> {
    const reserved = this.reserve(input.size);
    if (!reserved.ok) return { kind: 'budget', message: reserved.message };
    try {
      await input.beforeCall(reserved.events);
    } catch (error) {
      // The reservation never reached the log, so the call is not made: its money is free again.
      this.meter.governor.release(reserved.reservation);
      throw error;
    }
    const result = await callModel(input.adapter, input.request, input.signal, input.onDelta ?? (() => undefined));
    return { kind: 'made', result, settled: this.settle(reserved.reservationId, reserved.reservation, result) };
  }

  /** Step 5, observe, and 6, record: the router learns how the route's calls did, at what they cost. */
  observe(quality: number, latencyMs: number): EventDraft[] {
    if (this.closed) return [];
    this.closed = true;
    return recordEvents(
      this.meter.chooser.observe(this.about.preference, this.choice.decision, {
        quality,
        costUsd: this.totals.costUsd,
        latencyMs,
      }),
    );
  }

  /** The route taught nothing (never called, failed, stopped): its decision is withdrawn. */
  withdraw(): EventDraft[] {
    if (this.closed) return [];
    this.closed = true;
    return recordEvents(this.meter.chooser.cancel(this.about.preference, this.choice.decision));
  }

  private reserve(
    size: SentSize,
  ):
    | { ok: true; reservationId: string; reservation: CostReservation; events: EventDraft[] }
    | { ok: false; message: string } {
    const { choice } = this;
    const price = this.pricesNow();
    const result = this.meter.governor.reserve({
      armId: choice.armId,
      inputPricePerMillion: price.input,
      outputPricePerMillion: price.output,
      cachedInputPricePerMillion: price.cachedInput,
      cacheWritePricePerMillion: price.cacheWrite,
      input: { utf8Bytes: size.utf8Bytes },
      maxOutputTokens: size.maxOutputTokens,
    });
    if (!result.ok) return { ok: false, message: result.message };
    const reservationId = this.meter.newId();
    const { taskId } = this.about;
    const events: EventDraft[] = [];
    if (!this.decided && taskId !== undefined) {
      const { decision } = choice;
      events.push({
        type: 'route-decide',
        actor: system,
        payload: {
          taskId,
          taskType: this.about.taskType,
          candidates: decision.candidates.slice(0, 100).map((candidate) => ({
            armId: candidate.armId,
            sampled: finite(candidate.sampledQuality),
            utility: finite(candidate.utility),
          })),
          chosen: choice.armId,
          reason: decision.reason.slice(0, 2000),
        },
      });
    }
    this.decided = true;
    events.push({
      type: 'cost-reserve',
      actor: system,
      payload: {
        reservationId,
        ...(taskId !== undefined ? { taskId } : {}),
        armId: choice.armId,
        maxUsd: result.reservation.amountUsd,
        basis: {
          inputTokens: Math.ceil(size.utf8Bytes / 4),
          maxOutputTokens: size.maxOutputTokens,
          inputPricePerMillion: price.input,
          outputPricePerMillion: price.output,
        },
      },
    });
    return { ok: true, reservationId, reservation: result.reservation, events };
  }

  /** Books a call's usage against its reservation; a call never billed gives the reservation back. */
  private settle(reservationId: string, reservation: CostReservation, result: CallResult): EventDraft[] {
    const { governor } = this.meter;
    const usage: Usage | null = result.usage;
    if (!usage) {
      governor.release(reservation);
      return [{ type: 'cost-release', actor: system, payload: { reservationId } }];
    }
    const { settlement, violations } = governor.settle(reservation, usage);
    this.totals.inputTokens += usage.inputTokens;
    this.totals.outputTokens += usage.outputTokens;
    this.totals.costUsd += settlement.costUsd;
    const cachedInputTokens = Math.min(usage.inputTokens, usage.cachedInputTokens);
    const cacheWriteTokens = usage.cacheWriteTokens ?? 0;
    const cachedPrice = reservation.cachedInputPricePerMillion ?? reservation.inputPricePerMillion;
    const events: EventDraft[] = [
      {
        type: 'cost-settle',
        actor: system,
        payload: {
          reservationId,
          actualUsd: settlement.costUsd,
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          latencyMs: Math.round(result.latencyMs),
          ...(cachedInputTokens > 0
            ? {
                cachedInputTokens,
                // What those tokens would have cost at the full input price, less what they did.
                cacheSavedUsd:
                  (cachedInputTokens * Math.max(0, reservation.inputPricePerMillion - cachedPrice)) / 1_000_000,
              }
            : {}),
          ...(cacheWriteTokens > 0 ? { cacheWriteTokens } : {}),
          // A cut stream's tokens were counted from the texts (`callModel`): an estimate.
          ...(usage.estimated ? { estimated: true as const } : {}),
        },
      },
    ];
    for (const violation of violations) {
      events.push({
        type: 'cost-violate',
        actor: system,
        payload: {
          reservationId,
          limitUsd: governor.status().budgetUsd,
          attemptedUsd: violation.costUsd,
          message:
            violation.kind === 'over_budget'
              ? 'Spend passed the budget.'
              : 'A call cost more than was set aside for it.',
        },
      });
    }
    return events;
  }
}

/**
 * The UTF-8 bytes of everything a call sends that is billed as input (the system prompt,
 * the messages' contents one per line, the response format): what the worst case is
 * counted from. Counted from the parts' counts: the prompt was measured as it was made,
 * and the system prompt and format are constants of their agent, measured once.
 */
export function sentUtf8Bytes(system: string, contents: readonly MeasuredText[], format: unknown): number {
  const parts: (string | MeasuredText)[] = [measuredConstant(system)];
  contents.forEach((content, index) => {
    if (index > 0) parts.push('\n');
    parts.push(content);
  });
  parts.push(formatJson(format));
  return utf8LengthOfParts(parts);
}

/** System prompts, by text: a handful of constants, measured the first time they are sent. */
const measuredSystems = new Map<string, MeasuredText>();

function measuredConstant(system: string): MeasuredText {
  let measured = measuredSystems.get(system);
  if (measured === undefined) {
    measured = measure(system);
    if (measuredSystems.size < 64) measuredSystems.set(system, measured);
  }
  return measured;
}

/** Response formats are constants of their agents (a JSON schema each): serialised and measured once. */
const formatJsons = new WeakMap<object, MeasuredText>();

function formatJson(format: unknown): string | MeasuredText {
  if (typeof format !== 'object' || format === null) return JSON.stringify(format ?? '');
  let json = formatJsons.get(format);
  if (json === undefined) {
    json = measure(JSON.stringify(format));
    formatJsons.set(format, json);
  }
  return json;
}

/** Sampled values can be ±Infinity for a model with no price; the log takes finite numbers. */
const finite = (value: number) => (Number.isFinite(value) ? value : 0);
