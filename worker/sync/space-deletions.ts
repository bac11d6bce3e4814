import type { EventLog } from '../events/store/contract.ts';
import type { DeviceSyncState, RetireRecord } from './device-sync-state.ts';
import type { SpaceIndex } from './space-index.ts';
import { bearer, projectStreamUrl } from './space-streams.ts';
import { type SyncError, syncErrorOf, syncFailure } from './sync-errors.ts';
import type { Backoff, SyncRetry } from './sync-retry.ts';
import type { SpaceConnection } from './sync-space.ts';

/** What deleting projects across the space needs from the service that runs it. */
export interface SpaceDeletionsHost {
  state: DeviceSyncState;
  retry: SyncRetry;
  store: Pick<EventLog, 'headSeq'>;
  index: SpaceIndex;
  /** Projects of the space deleted on this device (shared with the service: never followed again). */
  deleted: Set<string>;
  /** How far the project's stream is known to hold this device's log, while it is followed. */
  syncedSeq(projectId: string): number | undefined;
  /** Its sync stops, and it is no longer followed. */
  unfollow(projectId: string): void;
  /** Followed again (a delete was refused); `remote` when another device wrote it. */
  refollow(projectId: string, remote: boolean): Promise<void>;
  /** What waits to be pushed changed. */
  changed(): void;
  /** Stops the project's runner here. */
  release?: ((projectId: string) => Promise<void>) | undefined;
  /** Deletes the project from this device; false when it cannot be now (another tab runs it). */
  remove?: ((projectId: string) => Promise<boolean>) | undefined;
  failed(error: SyncError): void;
  /** The server answered (after a failure). */
  reachable(): void;
}

/**
 * A project deleted on every device of the space. The device where the person chose so
 * says it in the index, then has the server let go of the project's stream; each step is
 * remembered on the device, and the second is tried again after a backoff until it is
 * done. Every other device, reading that in the index, stops syncing its copy and
 * deletes it, once the project's runner there has stopped, unless it then holds work on
 * it the server never received: that copy stays on the device, no longer synced, so
 * nothing is lost. A copy another tab runs is tried again at each scan, after a restart
 * too.
 */
export class SpaceDeletions {
  private readonly deleting: Backoff;
  /**
   * Deletions being carried out now: a scan's retry while the person's own delete is
   * still telling the index would tell it twice.
   */
  private readonly carrying = new Set<string>();

  constructor(private readonly host: SpaceDeletionsHost) {
    this.deleting = host.retry.backoff('retire');
  }

  /**
   * The project is being deleted on this device alone: its stream is no longer tailed, its
   * place in it is forgotten, and it is remembered as deleted here. Returns what undoes it.
   */
  async forgetHere(projectId: string): Promise<() => Promise<void>> {
    this.host.deleted.add(projectId);
    this.host.unfollow(projectId);
    const cursor = await this.host.state.cursor(projectId);
    await this.host.state.markDeleted(projectId);
    this.host.changed();
    return async () => {
      await this.host.state.unmarkDeleted(projectId, cursor);
      this.host.deleted.delete(projectId);
      await this.host.refollow(projectId, cursor.remote);
    };
  }

  /** The project, already deleted on this device, goes from every device: remembered until the server has done it. */
  async retire(connection: SpaceConnection | undefined, projectId: string, name: string): Promise<void> {
    await this.host.state.markRetire(projectId, { name, told: false });
    if (connection) await this.carryOut(connection, { projectId, name, told: false });
  }

  /** What waits: deletions the server has not carried out, and copies this device has not deleted yet. */
  async retryPending(connection: SpaceConnection): Promise<void> {
    for (const retiring of await this.host.state.toRetire()) await this.carryOut(connection, retiring);
    for (const { projectId, syncedSeq } of await this.host.state.toRemove())
      await this.removeCopy(projectId, syncedSeq);
  }

  /** The index says another device deleted the project from the space. */
  async removed(projectId: string): Promise<void> {
    if (this.host.deleted.has(projectId)) return;
    const syncedSeq = this.host.syncedSeq(projectId) ?? (await this.host.state.cursor(projectId)).remoteSeq;
    // Nothing more is pulled or pushed; what the server held stays the mark.
    this.host.unfollow(projectId);
    this.host.deleted.add(projectId);
    await this.host.state.markRemove(projectId, syncedSeq);
    await this.host.state.markDeleted(projectId);
    await this.removeCopy(projectId, syncedSeq);
  }

  /**
   * Deletes this device's copy, if it holds nothing past what the server had: asked once
   * the runner here has stopped, and again at each attempt, so work written meanwhile (by
   * another tab that runs it) keeps the copy.
   */
  private async removeCopy(projectId: string, syncedSeq: number): Promise<void> {
    await this.host.release?.(projectId);
    const head = await this.host.store.headSeq(projectId);
    if (head > syncedSeq) {
      // Work the server never received: the copy stays, and the person is told so.
      await this.host.state.markKept(projectId);
      await this.host.state.removed(projectId);
      return;
    }
    if (head === 0 || !this.host.remove || (await this.host.remove(projectId).catch(() => false)))
      await this.host.state.removed(projectId);
  }

  private async carryOut(connection: SpaceConnection, retiring: { projectId: string } & RetireRecord): Promise<void> {
    const { projectId } = retiring;
    if (this.carrying.has(projectId)) return;
    this.carrying.add(projectId);
    try {
      await this.carryOutNow(connection, retiring);
    } finally {
      this.carrying.delete(projectId);
    }
  }

  private async carryOutNow(
    connection: SpaceConnection,
    retiring: { projectId: string } & RetireRecord,
  ): Promise<void> {
    const { projectId, name } = retiring;
    if (!retiring.told) {
      if (!(await this.host.index.retire(connection, projectId, name))) return;
      await this.host.state.markRetire(projectId, { name, told: true });
    }
    if (!this.deleting.ready()) return;
    try {
      const response = await connection.fetch(projectStreamUrl(connection, projectId), {
        method: 'DELETE',
        headers: bearer(connection),
      });
      // Gone already is as good: another device deleted it too, or it never reached the
      // server; or deleted and still read by a copy forked from it (410), the server's
      // answer to this device's own earlier DELETE whose reply was lost.
      if (!response.ok && response.status !== 404 && response.status !== 410)
        throw await syncErrorOf(response, connection.serverUrl);
      await this.host.state.retired(projectId);
      this.deleting.succeeded();
      this.host.reachable();
    } catch (error) {
      const failure = syncFailure(error, connection.serverUrl);
      this.deleting.failed(failure);
      this.host.failed(failure);
    }
  }
}
