import { ensureStream, indexStreamUrl, spaceStream } from './space-streams.ts';
import { type SyncError, syncFailure } from './sync-errors.ts';
import { type IndexEntry, indexEnvelopeSchema, openIndexEntry, sealIndexEntry } from './sync-envelope.ts';
import type { Backoff, SyncRetry } from './sync-retry.ts';
import type { SpaceConnection } from './sync-space.ts';

/** What the space's index needs from the service that runs it. */
export interface SpaceIndexHost {
  retry: SyncRetry;
  /** The server answered. */
  reachable(): void;
  /** A request failed (see `ProjectSyncHost.failed`). */
  failed(error: SyncError): void;
  /** The index names the project: its stream is followed. */
  follow(projectId: string): Promise<void>;
  /** The index says the project was deleted on every device: it goes from this one too. */
  removed(projectId: string): Promise<void>;
}

/**
 * The space's index stream, which says which projects exist: read (tailed) to follow
 * every project another device made, written to announce this device's own. Each entry
 * is sealed; the server sees only ciphertext.
 */
export class SpaceIndex {
  private readonly entries = new Map<string, IndexEntry>();
  private readonly announcing: Backoff;

  constructor(private readonly host: SpaceIndexHost) {
    this.announcing = host.retry.backoff('announce');
  }

  /** Whether the project is to be announced now: the index does not name it, and no backoff holds announcements back. */
  lacks(projectId: string): boolean {
    return !this.entries.has(projectId) && this.announcing.ready();
  }

  /** What the index says of the project, as read or announced here. */
  entry(projectId: string): IndexEntry | undefined {
    return this.entries.get(projectId);
  }

  /** The sync stopped: what was read of the index, and a refusal of an announcement, are forgotten. */
  forget(): void {
    this.entries.clear();
    this.host.retry.forget('announce');
  }

  /**
   * Tails the index: each entry names a project of the space, whose stream is followed.
   * `read` is called once the index has been read up to date (the first time).
   */
  async tail(connection: SpaceConnection, signal: AbortSignal, read: () => void): Promise<void> {
    const stream = spaceStream(connection, indexStreamUrl(connection));
    const backoff = this.host.retry.backoff('index');
    let offset = '-1';
    while (!signal.aborted) {
      try {
        await ensureStream(connection, stream.url, signal);
        const response = await stream.stream<unknown>({
          offset,
          live: 'long-poll',
          signal,
        });
        this.host.reachable();
        backoff.succeeded();
        await new Promise<void>((resolve, reject) => {
          const unsubscribe = response.subscribeJson<unknown>(async (batch) => {
            try {
              backoff.succeeded();
              const entries: IndexEntry[] = [];
              for (const item of batch.items)
                entries.push(await openIndexEntry(connection.key, indexEnvelopeSchema.parse(item)));
              // A project deleted later in the same batch is not followed first: following
              // it would make its stream again on the server.
              const gone = new Set(entries.filter((entry) => entry.deleted).map((entry) => entry.projectId));
              for (const entry of entries) {
                if (gone.has(entry.projectId) && !entry.deleted) continue;
                if (entry.deleted) {
                  // Its last word: whatever named it before, it is gone from the space.
                  this.entries.set(entry.projectId, entry);
                  await this.host.removed(entry.projectId);
                  continue;
                }
                if (!this.entries.has(entry.projectId)) this.entries.set(entry.projectId, entry);
                await this.host.follow(entry.projectId);
              }
              offset = batch.offset;
              if (batch.upToDate) read();
            } catch (error) {
              unsubscribe();
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
          response.closed.then(resolve, reject);
        });
        await this.host.retry.sleep(1000, signal);
      } catch (error) {
        if (signal.aborted) return;
        const failure = syncFailure(error, connection.serverUrl);
        this.host.failed(failure);
        await backoff.after(failure, signal);
      }
    }
  }

  /**
   * Says in the index that the project was deleted on every device (the name is sealed,
   * for a device that lists what went). Returns whether the server took it; the caller
   * tries again later if not.
   */
  async retire(connection: SpaceConnection, projectId: string, name: string): Promise<boolean> {
    if (!this.announcing.ready()) return false;
    try {
      await spaceStream(connection, indexStreamUrl(connection)).append(
        JSON.stringify(await sealIndexEntry(connection.key, { projectId, name, deleted: true })),
      );
      this.entries.set(projectId, { projectId, name, deleted: true });
      this.announcing.succeeded();
      return true;
    } catch (error) {
      const failure = syncFailure(error, connection.serverUrl);
      this.announcing.failed(failure);
      this.host.failed(failure);
      return false;
    }
  }

  /**
   * Says in the index that a project exists (the name is sealed). The index exists: it
   * was read (`tail` makes it) before anything is announced.
   */
  async announce(connection: SpaceConnection, entry: IndexEntry): Promise<void> {
    this.entries.set(entry.projectId, entry);
    try {
      await spaceStream(connection, indexStreamUrl(connection)).append(
        JSON.stringify(await sealIndexEntry(connection.key, entry)),
      );
      this.announcing.succeeded();
    } catch (error) {
      // Announced again at a later scan: after a backoff, or once the person says Try again.
      this.entries.delete(entry.projectId);
      const failure = syncFailure(error, connection.serverUrl);
      this.announcing.failed(failure);
      this.host.failed(failure);
    }
  }
}
