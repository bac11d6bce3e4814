/**
 * The cost governor: no model call is made unless its worst-case cost fits what is left of
 * the project's budget.
 *
 *   reserve (worst case) ──► call ──► settle (real usage; the unused part returns)
 *        │                       └──► release (call never made / not billed)
 *        └── refused: "budget reached — raise it or stop" (a result, not an exception)
 *
 * Invariant: spent + reserved ≤ budget. The worst case is a real bound, not an estimate:
 * counted input tokens, or else the input's UTF-8 bytes (a BPE tokenizer never makes more
 * tokens than bytes) plus framing, and the max output tokens the provider is told to stop
 * at, at the prices of the moment of the call. So as long as providers honour the limit
 * they are given, spend never passes the budget; if one does not, the excess is recorded
 * as a violation.
 */
import { type PlanComplexity, defaultBudgetsUsd, framingTokens } from './defaults.ts';
import type {
  BudgetSet,
  CostRecord,
  CostRefusal,
  CostRelease,
  CostReservation,
  CostSettlement,
  CostViolation,
} from './records.ts';
import { utf8Length } from './utf8-length.ts';

/** What the call will send: counted tokens, or its text (or byte length) to bound them. */
export type ReserveInput = { countedTokens: number } | { text: string } | { utf8Bytes: number };

export interface ReserveRequest {
  armId: string;
  inputPricePerMillion: number;
  outputPricePerMillion: number;
  /** Input read from the provider's prompt cache; the input price when absent. */
  cachedInputPricePerMillion?: number;
  /** Input written to the provider's prompt cache (Anthropic: 1.25× input); the input price when absent. */
  cacheWritePricePerMillion?: number;
  input: ReserveInput;
  /** The output limit the call will be made with. */
  maxOutputTokens: number;
}

export interface BudgetReached {
  ok: false;
  kind: 'budget_reached';
  /** For the person: what happened and the two ways on. */
  message: string;
  needUsd: number;
  availableUsd: number;
  refusal: CostRefusal;
}

export type ReserveResult = { ok: true; reservation: CostReservation } | BudgetReached;

export interface Usage {
  /** Every input token, those read from or written to the cache included. */
  inputTokens: number;
  /** Every output token, reasoning included. */
  outputTokens: number;
  /** Of `inputTokens`, read from the prompt cache. */
  cachedInputTokens?: number | undefined;
  /** Of `inputTokens`, written to the prompt cache. */
  cacheWriteTokens?: number | undefined;
  /** The provider's own figure when it reports one; otherwise tokens × reserved prices. */
  costUsd?: number;
}

export interface SettleResult {
  settlement: CostSettlement;
  violations: CostViolation[];
}

export type SetBudgetResult =
  { ok: true; record: BudgetSet } | { ok: false; kind: 'below_committed'; message: string; committedUsd: number };

export interface BudgetStatus {
  budgetUsd: number;
  spentUsd: number;
  reservedUsd: number;
  availableUsd: number;
  refusals: number;
  violations: number;
}

export interface CostGovernor {
  /** Sets aside the worst-case cost of a call, or refuses it. */
  reserve(request: ReserveRequest): ReserveResult;
  /** Books the real cost of a reserved call and frees the rest of its reservation. */
  settle(reservation: CostReservation, usage: Usage): SettleResult;
  /** Frees a reservation whose call was never made or never billed; undefined if not open. */
  release(reservation: CostReservation): CostRelease | undefined;
  /** Changes the budget; never below what is already spent or reserved. */
  setBudget(budgetUsd: number): SetBudgetResult;
  /**
   * Pacing: what one of the remaining tasks may cost so the budget lasts the plan.
   * Routers treat a model dearer than this as less attractive, not as forbidden.
   */
  allowance(tasksRemaining: number): number;
  status(): BudgetStatus;
}

export interface GovernorOptions {
  /** An explicit budget; otherwise the default for `complexity` (medium if absent). */
  budgetUsd?: number;
  complexity?: PlanComplexity;
  /** What the project has spent already (the governor of a project that ran before). */
  spentUsd?: number;
}

interface State {
  budgetUsd: number;
  spentUsd: number;
  reservedUsd: number;
  open: Map<string, number>;
  reservations: number;
  refusals: number;
  violations: number;
}

// Sums of many small amounts drift by a few ulps; a cent of a millionth is not an overrun.
const epsilon = 1e-9;

/** The most input tokens a call can be billed for. */
export function worstCaseInputTokens(input: ReserveInput): { tokens: number; counted: boolean } {
  if ('countedTokens' in input) return { tokens: input.countedTokens, counted: true };
  const bytes = 'text' in input ? utf8Length(input.text) : input.utf8Bytes;
  return { tokens: bytes + framingTokens, counted: false };
}

/**
 * What a call cost at the prices its reservation was made with: fresh input, cache reads
 * and cache writes each at their own price (a missing cache price is the input price),
 * output (reasoning included) at the output price.
 */
export function costAtReservedPrices(reservation: CostReservation, usage: Usage): number {
  const cached = Math.min(usage.inputTokens, usage.cachedInputTokens ?? 0);
  const written = Math.min(usage.inputTokens - cached, usage.cacheWriteTokens ?? 0);
  const fresh = usage.inputTokens - cached - written;
  return (
    (fresh * reservation.inputPricePerMillion +
      cached * (reservation.cachedInputPricePerMillion ?? reservation.inputPricePerMillion) +
      written * (reservation.cacheWritePricePerMillion ?? reservation.inputPricePerMillion) +
      usage.outputTokens * reservation.outputPricePerMillion) /
    1_000_000
  );
}

/**
 * Creates a cost governor for one project.
 *
 * @example
 * const governor = createCostGovernor({ complexity: 'small' });
 * const result = governor.reserve({ armId: 'gpt-5-mini', inputPricePerMillion: 0.25, outputPricePerMillion: 2, input: { text: prompt }, maxOutputTokens: 4000 });
 * if (!result.ok) return pause(result.message); // "Budget reached — raise it or stop."
 * governor.settle(result.reservation, usage);
 */
export function createCostGovernor(options: GovernorOptions = {}): CostGovernor {
  const governor = build({
    budgetUsd: options.budgetUsd ?? defaultBudgetsUsd[options.complexity ?? 'medium'],
    spentUsd: options.spentUsd ?? 0,
    reservedUsd: 0,
    open: new Map(),
    reservations: 0,
    refusals: 0,
    violations: 0,
  });
  return governor;
}

function build(state: State): CostGovernor {
  // Every change is a record folded into the state: the records are what the governor
  // returns to its caller (who writes the log's `cost-*` events from them).
  const commit = (record: CostRecord) => apply(record);

  const available = () => state.budgetUsd - state.spentUsd - state.reservedUsd;

  function reserve(request: ReserveRequest): ReserveResult {
    const input = worstCaseInputTokens(request.input);
    // Any input token may be billed at any of the input prices (fresh, cache write, cache
    // read): the worst case takes the dearest, so the bound holds whatever the cache does.
    const inputRate = Math.max(
      request.inputPricePerMillion,
      request.cachedInputPricePerMillion ?? 0,
      request.cacheWritePricePerMillion ?? 0,
    );
    const amountUsd = (input.tokens * inputRate + request.maxOutputTokens * request.outputPricePerMillion) / 1_000_000;
    const availableUsd = available();
    if (amountUsd > availableUsd + epsilon) {
      const refusal: CostRefusal = { type: 'cost-refuse', armId: request.armId, needUsd: amountUsd, availableUsd };
      commit(refusal);
      return {
        ok: false,
        kind: 'budget_reached',
        message: `Budget reached — raise it or stop. This call could cost up to $${amountUsd.toFixed(4)} and $${Math.max(0, availableUsd).toFixed(4)} of the $${state.budgetUsd.toFixed(2)} budget is left.`,
        needUsd: amountUsd,
        availableUsd,
        refusal,
      };
    }
    const reservation: CostReservation = {
      type: 'cost-reserve',
      reservationId: `cost-${state.reservations + 1}`,
      armId: request.armId,
      inputTokens: input.tokens,
      inputCounted: input.counted,
      maxOutputTokens: request.maxOutputTokens,
      inputPricePerMillion: request.inputPricePerMillion,
      outputPricePerMillion: request.outputPricePerMillion,
      ...(request.cachedInputPricePerMillion === undefined
        ? {}
        : { cachedInputPricePerMillion: request.cachedInputPricePerMillion }),
      ...(request.cacheWritePricePerMillion === undefined
        ? {}
        : { cacheWritePricePerMillion: request.cacheWritePricePerMillion }),
      amountUsd,
    };
    commit(reservation);
    return { ok: true, reservation };
  }

  function settle(reservation: CostReservation, usage: Usage): SettleResult {
    const reservedUsd = state.open.get(reservation.reservationId);
    if (reservedUsd === undefined) throw new Error(`Reservation ${reservation.reservationId} is not open.`);
    const costUsd = usage.costUsd ?? costAtReservedPrices(reservation, usage);
    const settlement: CostSettlement = {
      type: 'cost-settle',
      reservationId: reservation.reservationId,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      ...(usage.cachedInputTokens ? { cachedInputTokens: usage.cachedInputTokens } : {}),
      ...(usage.cacheWriteTokens ? { cacheWriteTokens: usage.cacheWriteTokens } : {}),
      reservedUsd,
      costUsd,
    };
    commit(settlement);
    const violations: CostViolation[] = [];
    if (costUsd > reservedUsd + epsilon) {
      violations.push({
        type: 'cost-violate',
        reservationId: reservation.reservationId,
        kind: 'over_reservation',
        reservedUsd,
        costUsd,
        overUsd: costUsd - reservedUsd,
      });
    }
    if (state.spentUsd > state.budgetUsd + epsilon) {
      violations.push({
        type: 'cost-violate',
        reservationId: reservation.reservationId,
        kind: 'over_budget',
        reservedUsd,
        costUsd,
        overUsd: state.spentUsd - state.budgetUsd,
      });
    }
    for (const violation of violations) commit(violation);
    return { settlement, violations };
  }

  function release(reservation: CostReservation): CostRelease | undefined {
    const reservedUsd = state.open.get(reservation.reservationId);
    if (reservedUsd === undefined) return undefined;
    const record: CostRelease = { type: 'cost-release', reservationId: reservation.reservationId, reservedUsd };
    commit(record);
    return record;
  }

  function setBudget(budgetUsd: number): SetBudgetResult {
    const committedUsd = state.spentUsd + state.reservedUsd;
    if (!(budgetUsd >= 0) || budgetUsd + epsilon < committedUsd) {
      return {
        ok: false,
        kind: 'below_committed',
        message: `The budget cannot go below the $${committedUsd.toFixed(4)} already spent or set aside for calls in flight.`,
        committedUsd,
      };
    }
    const record: BudgetSet = { type: 'budget-set', budgetUsd, source: 'user' };
    commit(record);
    return { ok: true, record };
  }

  function apply(record: CostRecord): void {
    switch (record.type) {
      case 'budget-set':
        state.budgetUsd = record.budgetUsd;
        return;
      case 'cost-reserve':
        state.reservations += 1;
        state.open.set(record.reservationId, record.amountUsd);
        state.reservedUsd += record.amountUsd;
        return;
      case 'cost-settle':
        close(record.reservationId);
        state.spentUsd += record.costUsd;
        return;
      case 'cost-release':
        close(record.reservationId);
        return;
      case 'cost-refuse':
        state.refusals += 1;
        return;
      case 'cost-violate':
        state.violations += 1;
        return;
    }
  }

  function close(reservationId: string): void {
    const amount = state.open.get(reservationId) ?? 0;
    state.open.delete(reservationId);
    // Recomputed from the open set when it empties, so rounding never accumulates.
    state.reservedUsd = state.open.size === 0 ? 0 : state.reservedUsd - amount;
  }

  return {
    reserve,
    settle,
    release,
    setBudget,
    allowance: (tasksRemaining) => Math.max(0, available()) / Math.max(1, tasksRemaining),
    status: () => ({
      budgetUsd: state.budgetUsd,
      spentUsd: state.spentUsd,
      reservedUsd: state.reservedUsd,
      availableUsd: available(),
      refusals: state.refusals,
      violations: state.violations,
    }),
  };
}
