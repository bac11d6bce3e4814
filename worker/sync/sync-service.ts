import type { Engine } from '../engine.ts';
import type { SyncServiceOptions } from './sync-service-options.ts';
import { DeviceSyncState } from './device-sync-state.ts';
import { ProjectSync, type ProjectSyncHost } from './project-sync.ts';
import { defaultMaxLive, LiveTails } from './live-tails.ts';
import { SpaceDeletions } from './space-deletions.ts';
import { SpaceIndex } from './space-index.ts';
import { ProjectSplits } from './sync-divergence.ts';
import type { IndexEntry } from './sync-envelope.ts';
import { SyncError, syncFailure } from './sync-errors.ts';
import { realClock, SyncRetry } from './sync-retry.ts';
import { createSpace, joinSpace, type SpaceConnection } from './sync-space.ts';
import { offStatus, type ProjectSyncStatus, type SyncStatus } from './sync-status.ts';
import { SyncStatusBoard } from './sync-status-board.ts';

const lockName = 'orchestra-sync';

/**
 * This device's sync with its space: the index stream (which projects exist) is tailed,
 * and every project in it or on this device gets a `ProjectSync`.
 *
 * ```
 *   off ──create / join──▶ connecting ──server answers──▶ connected ⇄ unreachable (no answer)
 *    ▲                        │ refused (wrong secret, quota…)     ⇅
 *    │                        ▼                                  retrying (429, 5xx)
 *    └────────leave──────── failed ◀─────────────────────────────────┘
 *                             │ Try again / the network is back ─▶ connecting
 *
 * Every failure carries its own sentence (`sync-errors.ts`). A passing one is tried
 * again after a backoff, and an answer puts the state back to connected; a refusal for
 * good stops the loop that met it, and the state stays failed, with its sentence, until
 * the person says Try again (`retryNow`) or leaves the space (`sync-retry.ts`).
 * ```
 *
 * The space secret is kept sealed on this device; only the id, the access token and
 * sealed envelopes go to the server.
 *
 * Its parts: `SpaceIndex` reads and writes the index, `ProjectSync` pulls and pushes one
 * project, `LiveTails` says which projects' tails hold a long-poll, `SyncStatusBoard`
 * holds what the person sees, and `ProjectSplits` makes a copy of a project two devices
 * wrote apart. This class starts and stops them.
 */
export class SyncService {
  private readonly state: DeviceSyncState;
  private connection: SpaceConnection | undefined;
  private deviceName = '';
  private readonly status: SyncStatusBoard;
  private readonly projects = new Map<string, ProjectSync>();
  private readonly unsubscribes = new Map<string, () => void>();
  private readonly index: SpaceIndex;
  /** Projects being split in two after a divergence: not followed until that is done. */
  private readonly splitting: ProjectSplits;
  private running: AbortController | undefined;
  private scanTimer: ReturnType<typeof setInterval> | undefined;
  private readonly fetcher: typeof globalThis.fetch;
  private readonly now: () => number;
  /** Projects another device writes, as recorded on this device (read at start). */
  private readonly remoteAtStart = new Set<string>();
  /** Projects of the space deleted on this device: neither the index nor a scan follows them again. */
  private readonly deleted = new Set<string>();
  private lifecycle: Promise<unknown> = Promise.resolve();
  private readonly retry: SyncRetry;
  /** Which projects' tails hold a long-poll; the others are polled. */
  private readonly live: LiveTails;
  private readonly deletions: SpaceDeletions;

  constructor(
    private readonly engine: Engine,
    private readonly options: SyncServiceOptions = {},
  ) {
    this.state = new DeviceSyncState(engine.db);
    this.fetcher = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.now = options.now ?? Date.now;
    this.retry = new SyncRetry(options.clock ?? realClock, () => {
      if (this.connection) this.status.refusalsChanged();
    });
    this.live = new LiveTails(options.maxLive ?? defaultMaxLive, this.projects);
    this.status = new SyncStatusBoard(() => this.retry.refusals);
    this.index = new SpaceIndex({
      retry: this.retry,
      reachable: () => this.status.reachable(),
      failed: (error) => this.status.failed(error),
      follow: (projectId) => this.follow(projectId),
      removed: (projectId) => this.deletions.removed(projectId),
    });
    this.splitting = new ProjectSplits({
      store: engine.store,
      state: this.state,
      now: this.now,
      release: options.release,
      deviceName: () => this.deviceName,
      connection: () => this.connection,
      announce: (entry) => this.announce(entry),
      unfollow: (projectId) => this.unfollow(projectId),
      settled: async (projectId) => {
        await this.follow(projectId);
        await this.scan();
      },
      failed: (message) => this.status.patch({ state: 'failed', message }),
    });
    this.deletions = new SpaceDeletions({
      state: this.state,
      retry: this.retry,
      store: engine.store,
      index: this.index,
      deleted: this.deleted,
      syncedSeq: (projectId) => this.projects.get(projectId)?.syncedSeq,
      unfollow: (projectId) => {
        this.remoteAtStart.delete(projectId);
        this.unfollow(projectId);
      },
      refollow: async (projectId, remote) => {
        if (remote) this.remoteAtStart.add(projectId);
        await this.follow(projectId);
      },
      changed: () => this.background(() => this.refreshWaiting()),
      release: options.release,
      remove: options.remove,
      failed: (error) => this.status.failed(error),
      reachable: () => this.status.reachable(),
    });
    // Back online: what waits is tried at once. (A worker has this event; Node does not.)
    if (typeof globalThis.addEventListener === 'function') globalThis.addEventListener('online', () => this.retryNow());
  }

  /**
   * Tries again now whatever waits: requests refused for good (the person pressed Try
   * again) and backoffs alike.
   */
  retryNow(): void {
    this.retry.wake();
  }

  /** Starts syncing the space this device joined earlier, if any (at the engine's start). */
  resume(): Promise<void> {
    return this.serial(async () => {
      // Already syncing (a join or another start came first): one sync per device.
      if (this.running) return;
      for (const projectId of await this.state.remoteProjects()) this.remoteAtStart.add(projectId);
      for (const projectId of await this.state.deletedProjects()) this.deleted.add(projectId);
      const space = await this.state.space();
      if (!space) return;
      await this.connect(space.serverUrl, space.secret, space.deviceName, false);
    });
  }

  /** Makes a new space on the server and syncs this device's projects into it. Returns the secret. */
  create(serverUrl: string, deviceName: string): Promise<string> {
    return this.serial(async () => {
      await this.leaveNow();
      const { secret } = await createSpace(serverUrl, this.fetcher);
      await this.connect(serverUrl, secret, deviceName, true);
      return secret;
    });
  }

  /** Joins a space with its secret (checked against the server first). */
  join(serverUrl: string, secret: string, deviceName: string): Promise<void> {
    return this.serial(async () => {
      await this.leaveNow();
      await joinSpace(serverUrl, secret, this.fetcher);
      await this.connect(serverUrl, secret, deviceName, true);
    });
  }

  /** Stops syncing and forgets the space on this device; projects stay here. */
  leave(): Promise<void> {
    return this.serial(() => this.leaveNow());
  }

  private async leaveNow(): Promise<void> {
    this.stopAll();
    await this.state.leave();
    this.deleted.clear();
    this.status.set(offStatus);
  }

  /**
   * Starts, joins and leaves run one after another: two at once (a join while the
   * engine's start is still connecting) would run two syncs of one space, with two
   * readers on every stream.
   */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.lifecycle.then(work, work);
    this.lifecycle = next.catch(() => undefined);
    return next;
  }

  /** The space secret, to pair another device; undefined when there is no space. */
  async secret(): Promise<string | undefined> {
    return (await this.state.space())?.secret;
  }

  current(): SyncStatus {
    return this.status.current();
  }

  onChange(listener: () => void): () => void {
    return this.status.onChange(listener);
  }

  /**
   * Whether another device writes this project, without waiting: what the running sync
   * knows, or what this device recorded before it started.
   */
  isRemoteNow(projectId: string): boolean {
    // Being split: the log is replaced by the stream's, and nothing here may write it
    // meanwhile (an event of this device there would diverge again: a second copy).
    if (this.splitting.has(projectId)) return true;
    const live = this.projects.get(projectId);
    return live ? live.remote : this.remoteAtStart.has(projectId);
  }

  /** Whether another device writes this project (this device watches it). */
  async isRemote(projectId: string): Promise<boolean> {
    if (this.splitting.has(projectId)) return true;
    const live = this.projects.get(projectId);
    if (live) return live.remote;
    return (await this.state.cursor(projectId)).remote;
  }

  async projectStatus(projectId: string): Promise<ProjectSyncStatus> {
    const live = this.projects.get(projectId);
    if (!live) {
      const kept = await this.state.isKept(projectId);
      return { synced: false, remote: await this.isRemote(projectId), waiting: 0, ...(kept ? { kept } : {}) };
    }
    const head = await this.engine.store.headSeq(projectId);
    return { synced: true, remote: live.remote, waiting: Math.max(0, head - live.syncedSeq) };
  }

  /** This device writes the project from now on (the other device's next write is fenced). */
  async takeOver(projectId: string): Promise<void> {
    this.remoteAtStart.delete(projectId);
    const live = this.projects.get(projectId);
    if (live) await live.takeOver();
    else await this.state.saveCursor(projectId, { ...(await this.state.cursor(projectId)), remote: false });
  }

  /** The person has read why this device kept a copy another deleted everywhere. */
  async dismissKept(projectId: string): Promise<ProjectSyncStatus> {
    await this.state.unkeep(projectId);
    return this.projectStatus(projectId);
  }

  /**
   * The project is being deleted on this device: it is no longer followed, and neither the
   * index nor a later start brings it back (the other devices keep it). Call it before
   * the log goes. Returns what undoes it, for a delete that was refused.
   */
  forget(projectId: string): Promise<() => Promise<void>> {
    return this.deletions.forgetHere(projectId);
  }

  /** The project, deleted here (`forget` came first), goes from every device of the space too. */
  retire(projectId: string, name: string): Promise<void> {
    return this.deletions.retire(this.connection, projectId, name);
  }

  /** Stops every loop (the worker is closing, or a test ends). */
  stop(): void {
    this.stopAll();
  }

  private stopAll(): void {
    this.running?.abort();
    this.running = undefined;
    if (this.scanTimer) clearInterval(this.scanTimer);
    this.scanTimer = undefined;
    for (const sync of this.projects.values()) sync.stop();
    for (const unsubscribe of this.unsubscribes.values()) unsubscribe();
    this.projects.clear();
    this.unsubscribes.clear();
    this.live.clear();
    this.connection = undefined;
    this.index.forget();
  }

  /**
   * Work nobody awaits (a scan, a count, a split): a failure while the sync runs is told
   * like any other; once it was stopped (the worker closing), what was cut short is moot.
   */
  private background(work: () => Promise<unknown>): void {
    const running = this.running;
    void work().catch((error: unknown) => {
      if (!running || running.signal.aborted || this.running !== running) return;
      this.status.failed(syncFailure(error, this.connection?.serverUrl ?? ''));
    });
  }

  private async connect(serverUrl: string, secret: string, deviceName: string, save: boolean): Promise<void> {
    const connection = await joinSpace(serverUrl, secret, this.fetcher).catch(async (error: unknown) => {
      // Unreachable at start: keep the space and go on trying; a refusal is final.
      if (error instanceof SyncError && error.kind === 'unreachable' && !save) {
        const { deriveSpaceCredentials } = await import('./space-secret.ts');
        return {
          ...(await deriveSpaceCredentials(secret)),
          serverUrl: serverUrl.replace(/\/+$/, ''),
          fetch: this.fetcher,
        };
      }
      throw error;
    });
    if (save) await this.state.saveSpace(connection.serverUrl, secret, deviceName);
    this.connection = connection;
    this.deviceName = deviceName;
    this.status.set({ ...offStatus, state: 'connecting', serverUrl: connection.serverUrl, deviceName });
    const running = new AbortController();
    this.running = running;
    const work = async () => {
      if (running.signal.aborted) return;
      this.status.patch({ state: 'connecting' });
      // Local projects are announced only once the index is known: those it names already
      // are not announced again (each start used to add every project to it once more).
      const aborted = new Promise<void>((resolve) =>
        running.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      const indexRead = new Promise<void>((resolve) => void this.index.tail(connection, running.signal, resolve));
      await Promise.race([indexRead, aborted]);
      if (running.signal.aborted) return;
      // A failed first scan is told; the next ones come on the timer (and the lock is held).
      await this.scan().catch((error: unknown) => {
        if (!running.signal.aborted) this.status.failed(syncFailure(error, connection.serverUrl));
      });
      if (running.signal.aborted) return;
      this.scanTimer = setInterval(() => this.background(() => this.scan()), this.options.scanMs ?? 1000);
      // Held until `leave` or the worker closes: the other tabs wait their turn.
      await aborted;
    };
    if (this.options.locks) {
      this.status.patch({ state: 'elsewhere' });
      void this.options.locks.request(lockName, { signal: running.signal }, work).catch(() => undefined);
    } else {
      void work();
    }
  }

  private host(connection: SpaceConnection): ProjectSyncHost {
    return {
      connection,
      store: this.engine.store,
      state: this.state,
      retry: this.retry,
      changed: () => {
        this.status.patch({ lastSyncedAt: this.now() });
        this.background(() => this.refreshWaiting());
      },
      reachable: () => this.status.reachable(),
      failed: (error) => this.status.failed(error),
      diverged: (projectId, fromSeq, agreed) => this.background(() => this.splitting.split(projectId, fromSeq, agreed)),
      active: (projectId) => this.live.promote(projectId),
    };
  }

  private async refreshWaiting(): Promise<void> {
    let waiting = 0;
    for (const [projectId, sync] of this.projects) {
      waiting += Math.max(0, (await this.engine.store.headSeq(projectId)) - sync.syncedSeq);
    }
    this.status.waiting(waiting, this.projects.size);
  }

  /** Says in the index that a project exists, while the sync runs. */
  private async announce(entry: IndexEntry): Promise<void> {
    const connection = this.connection;
    if (connection) await this.index.announce(connection, entry);
  }

  /** Local projects the index does not name yet are announced and followed. */
  private async scan(): Promise<void> {
    if (!this.connection) return;
    await this.deletions.retryPending(this.connection);
    const rows = await this.engine.db.projects.toArray();
    for (const row of rows) {
      if (row.status === 'deleted' || this.deleted.has(row.id) || this.splitting.has(row.id)) continue;
      if (this.index.lacks(row.id)) {
        // A copy forked from another project's stream says so, or it could not be read.
        const { fork } = await this.state.cursor(row.id);
        await this.announce({ projectId: row.id, name: row.name, ...(fork ? { fork } : {}) });
      }
      await this.follow(row.id);
    }
    await this.refreshWaiting();
  }

  private async follow(projectId: string): Promise<void> {
    const connection = this.connection;
    if (!connection || this.projects.has(projectId) || this.splitting.has(projectId) || this.deleted.has(projectId))
      return;
    // A copy forked from another project's stream: how to make and open it comes from the index.
    const fork = this.index.entry(projectId)?.fork;
    if (fork) {
      const cursor = await this.state.cursor(projectId);
      if (!cursor.fork) await this.state.saveCursor(projectId, { ...cursor, fork });
    }
    const sync = await ProjectSync.open(this.host(connection), projectId, {
      live: this.live.free(),
      ...(this.options.pollMs === undefined ? {} : { pollMs: this.options.pollMs }),
    });
    if (this.projects.has(projectId) || this.connection !== connection || this.deleted.has(projectId)) return;
    this.projects.set(projectId, sync);
    this.live.added(sync);
    sync.start();
    const head = await this.engine.store.headSeq(projectId);
    this.unsubscribes.set(
      projectId,
      this.engine.feed.subscribe(projectId, head, () => sync.grew()),
    );
  }

  private unfollow(projectId: string): void {
    this.projects.get(projectId)?.stop();
    this.projects.delete(projectId);
    this.live.forget(projectId);
    this.unsubscribes.get(projectId)?.();
    this.unsubscribes.delete(projectId);
  }
}
