/**
 * Long-poll and SSE readers waiting for a stream to change. The store calls `wake` after
 * every committed append, close or delete, from this instance or (Postgres) another.
 */
export class LiveWaiters {
  readonly #waiting = new Map<number, Set<() => void>>();

  wake(streamId: number): void {
    const set = this.#waiting.get(streamId);
    if (!set) return;
    this.#waiting.delete(streamId);
    for (const resolve of set) resolve();
  }

  /** Resolves true when the stream changes, false on timeout or abort. */
  wait(streamId: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      let set = this.#waiting.get(streamId);
      if (!set) this.#waiting.set(streamId, (set = new Set()));
      const done = (changed: boolean) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        const current = this.#waiting.get(streamId);
        current?.delete(wakeUp);
        if (current?.size === 0) this.#waiting.delete(streamId);
        resolve(changed);
      };
      const wakeUp = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      set.add(wakeUp);
      if (signal.aborted) done(false);
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  get size(): number {
    let total = 0;
    for (const set of this.#waiting.values()) total += set.size;
    return total;
  }
}
