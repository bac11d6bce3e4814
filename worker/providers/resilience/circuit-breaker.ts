import type { ErrorKind } from '../contract/error-kind.ts';
import type { ProviderId } from '../contract/provider-id.ts';
import type { BreakerChange, BreakerState } from './resilience-records.ts';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long it stays open before letting one probe through. */
  cooldownMs: number;
  now: () => number;
  onChange?: (record: BreakerChange) => void;
}

export type Admission = { allowed: true } | { allowed: false; retryInMs: number };

/**
 * Failures that say the provider itself is unwell. Auth, bad requests and the like do
 * not, nor does a refusal: a provider that says no on policy grounds is working.
 */
const healthFailures: ReadonlySet<ErrorKind> = new Set([
  'overloaded',
  'network',
  'timeout',
  'malformed_response',
  'incomplete',
  'cut_off',
]);

/**
 * One circuit breaker per provider, so a provider that keeps failing is left alone for
 * a while instead of being hammered by every agent at once.
 *
 * ```
 *            failure (count < threshold)
 *              ┌────┐
 *              ▼    │
 *   ┌──────────────────┐  count reaches threshold   ┌────────┐
 *   │      closed      │ ─────────────────────────▶ │  open  │ ◀───────────┐
 *   └──────────────────┘                            └────────┘             │
 *      ▲          success resets the count              │ cooldown over,   │ probe fails
 *      │                                                │ next call is     │ (cooldown
 *      │ probe succeeds                                 ▼ the probe        │  again)
 *      │                                         ┌─────────────┐           │
 *      └──────────────────────────────────────── │  half-open  │ ──────────┘
 *                                                └─────────────┘
 * ```
 *
 * While half-open exactly one call (the probe) is in flight; others are refused as if
 * open. A cancelled probe decides nothing and frees the slot for the next caller.
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probing = false;

  constructor(
    readonly provider: ProviderId,
    private readonly options: BreakerOptions,
  ) {}

  get state(): BreakerState {
    return this.#state;
  }

  /** Asks to make a call; an open breaker refuses until its cooldown is over. */
  admit(): Admission {
    if (this.#state === 'open') {
      const retryInMs = this.#openedAt + this.options.cooldownMs - this.options.now();
      if (retryInMs > 0) return { allowed: false, retryInMs };
      this.#move('half-open');
    }
    if (this.#state === 'half-open') {
      if (this.#probing) return { allowed: false, retryInMs: Math.min(1000, this.options.cooldownMs) };
      this.#probing = true;
    }
    return { allowed: true };
  }

  /** Reports how an admitted call ended: `undefined` for success. */
  settle(kind: ErrorKind | undefined): void {
    const probe = this.#state === 'half-open';
    this.#probing = false;
    if (kind === 'cancelled') return;
    if (kind === undefined || !healthFailures.has(kind)) {
      // The provider answered, even if to say no: it is reachable.
      this.#failures = 0;
      if (probe) this.#move('closed');
      return;
    }
    this.#failures += 1;
    if (probe || this.#failures >= this.options.failureThreshold) {
      this.#openedAt = this.options.now();
      this.#move('open');
    }
  }

  #move(to: BreakerState): void {
    if (to === this.#state) return;
    const from = this.#state;
    this.#state = to;
    this.options.onChange?.({
      provider: this.provider,
      from,
      to,
      failures: this.#failures,
      at: this.options.now(),
      ...(to === 'open' ? { reopensAt: this.#openedAt + this.options.cooldownMs } : {}),
    });
  }
}
