/**
 * What this device asked Anthropic to cache, and which of those requests are still being
 * read. A request with `cache_control` breakpoints caches its prefix for five minutes,
 * renewed by every request that reads it, but the entry "only becomes available after the
 * first response begins" (Anthropic's prompt-caching guide): requests sent while the
 * writer is still reading its prompt find nothing and write the same prefix again, each
 * at 1.25× the input price. A wave of tasks of one role starts together, so eight of them
 * wrote eight copies; with the ledger the later ones wait for the first answer to begin
 * (`join`, at most `maxWaitMs`), then read what it cached.
 *
 * It also tells whether a request whose prefix no later call reads (`cache.readLater`
 * false) may still read what an earlier one marked (`recent`).
 *
 * One per provider service (the adapters are made per call); model ids are keys of Maps,
 * never of a plain object.
 *
 *   marked request ─▶ another of its model and key being read? ─yes─▶ wait (≤ maxWaitMs) ─▶ send
 *         │ no                                                              ▲
 *         ▼                                                                 │
 *       lead: send ─▶ answer begins (or it fails) ─▶ readable ──────────────┘
 */

/** Anthropic's default (`ephemeral`) cache lifetime. */
export const cacheLifetimeMs = 5 * 60_000;

/**
 * The longest a request waits for another's answer to begin. A fast model starts within
 * a second or two; the shortest first-token deadline is 15 s, so a wait never trips it.
 */
export const maxWaitMs = 5_000;

export class CacheLedger {
  readonly #until = new Map<string, number>();
  /**
   * Per model and key, the marked request leading, still reading its prompt: settles when
   * its answer begins. One that never said (a stream cut before its first event) is
   * passed over once `waitMs` have gone by since it was sent.
   */
  readonly #reading = new Map<string, { begun: Promise<void>; sentAt: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly waitMs = maxWaitMs,
  ) {}

  /** Whether a request of this model and key was marked within the cache's lifetime. */
  recent(model: string, key: string): boolean {
    return (this.#until.get(`${model}\u0000${key}`) ?? -Infinity) > this.now();
  }

  /**
   * Notes a marked request about to be sent, and says what it should do first. When
   * another of its model and key is still being read, `wait` settles once that answer
   * begins (at most `maxWaitMs`, or the constructor's, or on `signal`'s abort): what it
   * caches is then readable. Otherwise this request leads: others sent meanwhile wait for
   * it, and `begun` is to be called when its answer begins or it fails.
   * Those that wait do not lead in turn, so a wave waits for one answer, not a chain.
   */
  join(model: string, key: string, signal: AbortSignal): { wait: Promise<void>; begun: () => void } {
    const id = `${model}\u0000${key}`;
    const now = this.now();
    for (const [entry, until] of this.#until) if (until <= now) this.#until.delete(entry);
    this.#until.set(id, now + cacheLifetimeMs);
    const reading = this.#reading.get(id);
    if (reading && now - reading.sentAt < this.waitMs) {
      return { wait: this.#bounded(reading.begun, signal), begun: () => {} };
    }
    let begin!: () => void;
    const leading = {
      begun: new Promise<void>((resolve) => {
        begin = resolve;
      }),
      sentAt: now,
    };
    this.#reading.set(id, leading);
    return {
      wait: Promise.resolve(),
      begun: () => {
        begin();
        if (this.#reading.get(id) === leading) this.#reading.delete(id);
      },
    };
  }

  async #bounded(reading: Promise<void>, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    await Promise.race([
      reading,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.waitMs);
        onAbort = resolve;
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
