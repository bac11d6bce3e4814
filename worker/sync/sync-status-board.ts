import type { SyncError } from './sync-errors.ts';
import { offStatus, type SyncStatus } from './sync-status.ts';

/**
 * What Settings › Sync shows of this device's sync, and who is told when it changes.
 * A refusal a loop stopped on (`SyncRetry.refusals`) outranks everything else: it stays
 * shown, whatever else answers, until none is left.
 */
export class SyncStatusBoard {
  private status: SyncStatus = offStatus;
  private readonly listeners = new Set<() => void>();

  /** `refusals`: the refusals the sync's loops stopped on, the first shown. */
  constructor(private readonly refusals: () => readonly SyncError[]) {}

  current(): SyncStatus {
    return this.status;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(status: SyncStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener();
  }

  patch(change: Partial<SyncStatus>): void {
    this.set({ ...this.status, ...change });
  }

  /** The refusals changed: the first one shows, or, once none is left, the sync is connecting again. */
  refusalsChanged(): void {
    const [first] = this.refusals();
    if (first) {
      if (this.status.state !== 'failed' || this.status.message !== first.message)
        this.patch({ state: 'failed', message: first.message });
    } else if (this.status.state === 'failed') this.patch({ state: 'connecting', message: null });
  }

  /** The server answered (after being unreachable). */
  reachable(): void {
    if (this.refusals().length > 0) return;
    if (this.status.state !== 'connected' || this.status.message) this.patch({ state: 'connected', message: null });
  }

  /** A request failed; a passing failure does not hide a refusal a loop stopped on. */
  failed(error: SyncError): void {
    if (error.retryable && this.refusals().length > 0) return;
    this.patch({
      state: error.kind === 'unreachable' ? 'unreachable' : error.retryable ? 'retrying' : 'failed',
      message: error.message,
    });
  }

  /** How many events wait to be pushed, over how many projects followed. */
  waiting(waiting: number, projects: number): void {
    if (waiting !== this.status.waiting || projects !== this.status.projects) this.patch({ waiting, projects });
  }
}
