/**
 * Work run one at a time per key (a project), in the order it was given: each piece
 * starts once everything given for its key before it has settled, whether that was
 * fulfilled or rejected. A key whose work has all settled is forgotten.
 */
export class SerialByKey {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `work` after everything given for `key` before it; settles as `work` does. */
  after<R>(key: string, work: () => Promise<R>): Promise<R> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, settled);
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return next;
  }
}
