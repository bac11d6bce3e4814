/**
 * A fixed-window request counter per client. Small on purpose: one process, a handful
 * of clients; windows of clients that went quiet are dropped as they are met.
 */
export class RateLimiter {
  readonly #windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Counts a request; returns how many ms to wait when over the limit, else 0. */
  take(client: string): number {
    const now = this.now();
    let window = this.#windows.get(client);
    if (!window || now - window.startedAt >= this.windowMs) {
      if (this.#windows.size > 10_000) this.#forgetOld(now);
      window = { startedAt: now, count: 0 };
      this.#windows.set(client, window);
    }
    window.count += 1;
    return window.count > this.limit ? window.startedAt + this.windowMs - now : 0;
  }

  #forgetOld(now: number): void {
    for (const [client, window] of this.#windows) {
      if (now - window.startedAt >= this.windowMs) this.#windows.delete(client);
    }
  }
}
