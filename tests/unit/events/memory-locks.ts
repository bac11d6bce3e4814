/**
 * The part of the Web Locks API the writer lock uses, as the spec defines it: exclusive
 * locks granted in request order, `ifAvailable` answered with null at once when held,
 * and a lock released when its callback's promise settles.
 */
export class MemoryLocks {
  private readonly held = new Set<string>();
  private readonly queues = new Map<string, (() => void)[]>();

  request(name: string, ...args: unknown[]): Promise<unknown> {
    const [options, callback] = (args.length === 1 ? [{}, args[0]] : args) as [
      { ifAvailable?: boolean },
      (lock: { name: string } | null) => Promise<unknown>,
    ];
    const run = async () => {
      this.held.add(name);
      try {
        return await callback({ name });
      } finally {
        this.held.delete(name);
        this.queues.get(name)?.shift()?.();
      }
    };
    if (!this.held.has(name)) return run();
    if (options.ifAvailable) return callback(null);
    return new Promise((resolve) => {
      const queue = this.queues.get(name) ?? [];
      queue.push(() => resolve(run()));
      this.queues.set(name, queue);
    });
  }
}
