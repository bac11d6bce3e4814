/**
 * What this device asked Anthropic to cache, and until when: a request with `cache_control`
 * breakpoints caches its prefix for five minutes, renewed by every request that reads it.
 * A request whose prefix no later call is expected to read (`cache.readLater` false) is
 * marked only when an earlier marked request of the same model and cache key may have
 * left an entry to read; otherwise its marks would only write, at 1.25× the input price,
 * what nothing reads.
 *
 * One per provider service (the adapters are made per call); model ids are keys of a Map,
 * never of a plain object.
 */

/** Anthropic's default (`ephemeral`) cache lifetime. */
export const cacheLifetimeMs = 5 * 60_000;

export class CacheLedger {
  readonly #until = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether a request of this model and key was marked within the cache's lifetime. */
  recent(model: string, key: string): boolean {
    return (this.#until.get(`${model}\u0000${key}`) ?? -Infinity) > this.now();
  }

  /** Notes a request of this model and key sent with breakpoints. */
  marked(model: string, key: string): void {
    const now = this.now();
    for (const [entry, until] of this.#until) if (until <= now) this.#until.delete(entry);
    this.#until.set(`${model}\u0000${key}`, now + cacheLifetimeMs);
  }
}
