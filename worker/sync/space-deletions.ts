import type { EventLog } from '../events/store/contract.ts';
import type { DeviceSyncState } from './device-sync-state.ts';
import type { SpaceIndex } from './space-index.ts';
import { bearer, projectStreamUrl } from './space-streams.ts';
import { type SyncError, syncErrorOf, syncFailure } from './sync-errors.ts';
import type { SpaceConnection } from './sync-space.ts';

/** What deleting projects across the space needs from the service that runs it. */
export interface SpaceDeletionsHost {
  state: DeviceSyncState;
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
}

/**
 * A project deleted on every device of the space. The device where the person chose so
 * says it in the index and has the server let go of the project's stream (kept on the
 * device and tried again at each scan until the server has heard). Every other device,
 * reading that in the index, deletes its copy — unless it holds work on it the server
 * never received: that copy stays on the device, no longer synced, so nothing is lost.
 */
export class SpaceDeletions {
  /** Projects another device deleted that this one could not delete yet (another tab ran them). */
  private readonly pending = new Set<string>();

  constructor(private readonly host: SpaceDeletionsHost) {}

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

  /** The project, already deleted on this device, goes from every device: remembered until the server hears. */
  async retire(connection: SpaceConnection | undefined, projectId: string, name: string): Promise<void> {
    await this.host.state.markRetire(projectId, name);
    if (connection) await this.tell(connection, projectId, name);
  }

  /** What waits: deletions the server has not heard of, and copies this device could not delete yet. */
  async retryPending(connection: SpaceConnection): Promise<void> {
    for (const { projectId, name } of await this.host.state.toRetire()) await this.tell(connection, projectId, name);
    if (this.pending.size > 0) await this.removePending();
  }

  /** The index says another device deleted the project from the space. */
  async removed(projectId: string): Promise<void> {
    if (this.host.deleted.has(projectId)) return;
    const synced = this.host.syncedSeq(projectId) ?? (await this.host.state.cursor(projectId)).remoteSeq;
    const head = await this.host.store.headSeq(projectId);
    this.host.unfollow(projectId);
    this.host.deleted.add(projectId);
    await this.host.state.markDeleted(projectId);
    // Nothing here, or work here the server never had: nothing to delete, or kept.
    if (head === 0 || head > synced) return;
    this.pending.add(projectId);
    await this.removePending();
  }

  forget(): void {
    this.pending.clear();
  }

  private async removePending(): Promise<void> {
    for (const projectId of [...this.pending]) {
      await this.host.release?.(projectId);
      const removed = this.host.remove ? await this.host.remove(projectId).catch(() => false) : true;
      if (removed) this.pending.delete(projectId);
    }
  }

  private async tell(connection: SpaceConnection, projectId: string, name: string): Promise<void> {
    if (!(await this.host.index.retire(connection, projectId, name))) return;
    try {
      const response = await connection.fetch(projectStreamUrl(connection, projectId), {
        method: 'DELETE',
        headers: bearer(connection),
      });
      // Gone already is as good: another device deleted it too, or it never reached the server.
      if (!response.ok && response.status !== 404) throw await syncErrorOf(response, connection.serverUrl);
      await this.host.state.retired(projectId);
    } catch (error) {
      this.host.failed(syncFailure(error, connection.serverUrl));
    }
  }
}
