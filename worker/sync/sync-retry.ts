import type { SyncError } from './sync-errors.ts';

/** How sync loops tell time: real timers in the app, a virtual clock in tests. */
export interface SyncClock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** In [0, 1): the jitter of a backoff. */
  random(): number;
}

export const realClock: SyncClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    }),
  random: () => Math.random(),
};

/** The first wait after a passing failure, how it grows, and the longest. */
export interface BackoffSchedule {
  initialMs: number;
  multiplier: number;
  maxMs: number;
}

const defaultSchedule: BackoffSchedule = { initialMs: 500, multiplier: 2, maxMs: 30_000 };

/**
 * When a sync loop tries a failed request again, for every loop of one device's sync.
 *
 * ```
 *              ┌──────────── an answer ◀──────────────┐
 *              ▼                                      │
 *   trying ──passing failure (no answer, 429, 5xx)──▶ backing off: a random wait in
 *     │                                               [c/2, c), c = min(30 s, 0.5 s·2ⁿ),
 *     │                                               never under Retry-After ──▶ trying
 *     └──refusal for good (401/403, 404, 410, 413, 400, tampered)──▶ stopped: the
 *        sentence shows, nothing is sent until wake() (Try again, or the network is back)
 * ```
 *
 * `wake()` also cuts every backoff short. Leaving or joining a space stops every loop,
 * so a settings change starts afresh.
 */
export class SyncRetry {
  private readonly stopped = new Map<string, SyncError>();
  private readonly noted = new Set<string>();
  private wakeups = new AbortController();
  private woken = 0;

  constructor(
    readonly clock: SyncClock = realClock,
    private readonly changed: () => void = () => undefined,
    private readonly schedule: BackoffSchedule = defaultSchedule,
  ) {}

  /** The refusals loops stopped on, waiting for the person; the first is shown. */
  get refusals(): SyncError[] {
    return [...this.stopped.values()];
  }

  /** Every stopped loop tries once more, and every backoff ends now. */
  wake(): void {
    this.woken += 1;
    // Noted refusals (not held in a loop) are cleared here; held ones clear as their loop goes on.
    for (const key of this.noted) this.stopped.delete(key);
    this.noted.clear();
    this.changed();
    const woken = this.wakeups;
    this.wakeups = new AbortController();
    woken.abort();
  }

  /** A backoff of its own for one loop (`key` names it: `index`, `push:<project>`…). */
  backoff(key: string): Backoff {
    return new Backoff(key, this);
  }

  /**
   * How long the wait after the `attempt`-th passing failure in a row lasts: half the
   * ceiling plus a random share of the other half, so devices cut off together do not
   * come back together, and never less than the server's Retry-After.
   */
  delayFor(error: SyncError, attempt: number): number {
    const { initialMs, multiplier, maxMs } = this.schedule;
    const ceiling = Math.min(maxMs, initialMs * multiplier ** attempt);
    return Math.max(error.retryAfterMs ?? 0, ceiling / 2 + (this.clock.random() * ceiling) / 2);
  }

  /** Waits `ms`, or until woken or `signal` aborts. */
  async sleep(ms: number, signal: AbortSignal): Promise<void> {
    const either = AbortSignal.any([signal, this.wakeups.signal]);
    await this.clock.sleep(ms, either);
  }

  /** @internal Waits until woken or `signal` aborts, with `error` shown meanwhile. */
  async stop(key: string, error: SyncError, signal: AbortSignal): Promise<void> {
    this.stopped.set(key, error);
    this.changed();
    const either = AbortSignal.any([signal, this.wakeups.signal]);
    try {
      if (!either.aborted)
        await new Promise<void>((resolve) => either.addEventListener('abort', () => resolve(), { once: true }));
    } finally {
      this.stopped.delete(key);
      this.changed();
    }
  }

  /** @internal Shows `error` until wake() without holding a loop (a failure noted, not waited on). */
  note(key: string, error: SyncError): void {
    this.noted.add(key);
    this.stopped.set(key, error);
    this.changed();
  }

  /** @internal Whether `key` noted a refusal that no wake() has cleared. */
  holds(key: string): boolean {
    return this.stopped.has(key);
  }

  /** @internal How many times wake() was called: a wait noted before the last one is over. */
  get generation(): number {
    return this.woken;
  }

  /** Forgets what `key` stopped on (its loop ended: the project was dropped). */
  forget(key: string): void {
    this.noted.delete(key);
    if (this.stopped.delete(key)) this.changed();
  }
}

/** One loop's place in its backoff: the attempts since its last answer. */
export class Backoff {
  private attempt = 0;
  /** When a loop that does not wait (the announcements) may try again. */
  private notBefore = 0;
  private generation = 0;

  constructor(
    private readonly key: string,
    private readonly retry: SyncRetry,
  ) {}

  /** The server answered: the next failure starts the backoff over. */
  succeeded(): void {
    this.attempt = 0;
    this.notBefore = 0;
  }

  /**
   * Waits as `error` calls for: a growing random wait for a passing failure; for a
   * refusal for good, until the person acts (`SyncRetry.wake`). Returns early when
   * `signal` aborts.
   */
  async after(error: SyncError, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    if (!error.retryable) {
      await this.retry.stop(this.key, error, signal);
      this.attempt = 0;
      return;
    }
    const ms = this.retry.delayFor(error, this.attempt);
    this.attempt += 1;
    await this.retry.sleep(ms, signal);
  }

  /**
   * For a loop that cannot wait in place (the announcements, made at each scan): notes
   * `error` and sets when `ready()` says to try again; a refusal for good holds until
   * `SyncRetry.wake`.
   */
  failed(error: SyncError): void {
    this.generation = this.retry.generation;
    if (!error.retryable) {
      this.retry.note(this.key, error);
      return;
    }
    this.notBefore = this.retry.clock.now() + this.retry.delayFor(error, this.attempt);
    this.attempt += 1;
  }

  /** Whether a loop that does not wait may try again now. */
  ready(): boolean {
    if (this.generation !== this.retry.generation) return true;
    return !this.retry.holds(this.key) && this.retry.clock.now() >= this.notBefore;
  }
}
