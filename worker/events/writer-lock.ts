export type WriterRole = 'writer' | 'observer';

interface Claim {
  role: WriterRole;
  listeners: Set<(role: WriterRole) => void>;
}

/**
 * One writer per project across tabs, with Web Locks. The first tab to open a project
 * holds its lock for as long as it lives; others observe, each with a queued request
 * that the browser grants when the writer's tab closes (its worker dies, and with it
 * the lock), making the next tab the writer.
 *
 *   claim ──lock free──▶ writer (holds until release or the tab closes)
 *     └────lock held──▶ observer ──lock granted──▶ writer
 */
export class WriterLocks {
  private readonly claims = new Map<string, Claim>();
  private readonly releases = new Map<string, () => void>();

  /** `navigator.locks`, or undefined where there is none (Node): then this context always writes. */
  constructor(private readonly locks: LockManager | undefined) {}

  /** Claims the right to write a project; resolves with this context's role now. */
  async claim(projectId: string): Promise<WriterRole> {
    const existing = this.claims.get(projectId);
    if (existing) return existing.role;
    const claim: Claim = { role: 'observer', listeners: new Set() };
    this.claims.set(projectId, claim);
    if (!this.locks) {
      claim.role = 'writer';
      return claim.role;
    }
    const name = `orchestra:project:${projectId}`;
    const held = new Promise<void>((resolve) => this.releases.set(projectId, resolve));
    const acquired = await new Promise<boolean>((resolve) => {
      this.locks
        ?.request(name, { ifAvailable: true }, async (lock) => {
          resolve(lock !== null);
          if (lock) await held;
        })
        .catch(() => resolve(false));
    });
    if (acquired) {
      claim.role = 'writer';
      return claim.role;
    }
    this.locks
      .request(name, async () => {
        if (this.claims.get(projectId) !== claim) return;
        claim.role = 'writer';
        for (const listener of claim.listeners) listener('writer');
        await held;
      })
      .catch(() => undefined);
    return claim.role;
  }

  role(projectId: string): WriterRole | undefined {
    return this.claims.get(projectId)?.role;
  }

  /** Calls `listener` when this context's role for a project changes; returns the stop function. */
  onChange(projectId: string, listener: (role: WriterRole) => void): () => void {
    const claim = this.claims.get(projectId);
    claim?.listeners.add(listener);
    return () => claim?.listeners.delete(listener);
  }

  /** Gives up the lock (or the place in the queue) for a project. */
  release(projectId: string): void {
    this.claims.delete(projectId);
    this.releases.get(projectId)?.();
    this.releases.delete(projectId);
  }
}
