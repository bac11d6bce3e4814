import { monotonicFactory } from 'ulid';
import type { BlobRow, OrchestraDb } from '../db/database.ts';
import type { EventDraft, OrchestraEvent } from './catalog.ts';
import { currentVersions } from './catalog.ts';
import { ConcurrencyError, StorageFullError, isConstraintError, isQuotaError } from './errors.ts';
import { foldEvents } from './fold.ts';
import { sha256Hex } from './hash.ts';
import { clearReadModels, projectRange, writeChanges } from './projections/materialize.ts';
import { Changes, type ProjectState, emptyProjectState, readModelTables } from './projections/project-state.ts';
import { reduce } from './projections/reduce.ts';
import { parsePayload } from './validate.ts';
import { WriteQueue } from './write-queue.ts';

export interface EventStoreOptions {
  now?: () => number;
  /**
   * The least number of events between two snapshots of a project's state. The gap
   * also grows to a tenth of the log, so snapshots stay a small share of storage;
   * only the latest is kept: it is where loading a project starts folding.
   */
  snapshotEvery?: number;
  /** Called after each committed append, with the new events in order. */
  onAppend?: (events: OrchestraEvent[]) => void;
}

export interface AppendOptions {
  /**
   * The sequence number the caller last saw. The append is refused if the log has
   * moved on since (another tab or device wrote): stale writers are never merged.
   * Defaults to what this store last saw.
   */
  expectedSeq?: number;
  /** Texts the events refer to by hash (artifact contents, checkpoints). */
  blobs?: string[];
  /**
   * Called once the events are folded into the project's cached state (`load` shows
   * them), before their transaction commits: a caller that computes its next events from
   * that state need not wait for the commit to start on them. Not called if the write
   * fails before then.
   */
  folded?: () => void;
}

const staleMessage =
  'This project changed elsewhere (another tab or device) since this tab last read it. It has been reloaded; try again.';

/** Every table an append or import writes: the log, its texts and snapshots, and the read models. */
const readModelStores = ['events', 'blobs', 'snapshots', 'projects', 'plans', ...readModelTables];

/** One caller's append, waiting for the write that takes it. */
interface PendingAppend {
  drafts: EventDraft[];
  folded: (() => void) | undefined;
  payloads: unknown[];
  blobs: Promise<BlobRow[]>;
  resolve: (events: OrchestraEvent[]) => void;
  reject: (error: unknown) => void;
}

/**
 * The append-only event log and the read models it feeds, kept in step: one Dexie
 * transaction appends the events, folds them into the project's state and writes the
 * rows they touched. Appends to a project that queue up while its transaction is in
 * flight are written together in the next one (group commit): each caller still gets
 * its own events, in order. The state of each open project is cached in memory;
 * anything that goes wrong drops the cache, and the next use rebuilds it from the log.
 */
export class EventStore {
  private readonly states = new Map<string, ProjectState>();
  private readonly snapshotSeqs = new Map<string, number>();
  /**
   * One write at a time per project: appends fold into the cached state before their
   * transaction commits; were two in flight and the first failed, the second would
   * write after events that never were.
   */
  private readonly queue = new WriteQueue<PendingAppend>((projectId, group) => this.commit(projectId, group));
  private readonly nextId = monotonicFactory();
  /**
   * Texts recently written or read, by hash. A blob never changes under its hash, so a
   * cached one is never stale; without it, every prompt re-read each upstream file in a
   * transaction of its own (a 200-task run made 35k reads, and its appends queued behind them).
   */
  private readonly blobCache = new Map<string, string>();
  private blobCacheChars = 0;
  private readonly now: () => number;
  private readonly snapshotEvery: number;

  constructor(
    private readonly db: OrchestraDb,
    private readonly options: EventStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.snapshotEvery = options.snapshotEvery ?? 2000;
  }

  /**
   * Appends events to a project's log, all or nothing. Appends that wait behind a write
   * in flight share the next transaction; an append with `expectedSeq` is written alone.
   * @throws InvalidEventError when a draft fails its schema (nothing of this append is written)
   * @throws ConcurrencyError when the log moved on since `expectedSeq`
   * @throws StorageFullError when the browser's quota is exhausted (every append of that transaction fails)
   * @example await store.append(projectId, [{ type: 'user-message', actor: { kind: 'user' }, payload: { messageId, text } }])
   */
  async append(projectId: string, drafts: EventDraft[], options: AppendOptions = {}): Promise<OrchestraEvent[]> {
    if (drafts.length === 0) return [];
    // Checked before queueing: a bad draft fails its own append, never its neighbours'.
    const payloads = drafts.map((draft) => parsePayload(draft.type, draft.payload));
    const blobs = Promise.all(
      (options.blobs ?? []).map(async (content) => ({ hash: await sha256Hex(content), content, size: content.length })),
    );
    return new Promise<OrchestraEvent[]>((resolve, reject) => {
      const pending: PendingAppend = { drafts, folded: options.folded, payloads, blobs, resolve, reject };
      const { expectedSeq } = options;
      if (expectedSeq === undefined) this.queue.join(projectId, pending);
      else void this.queue.alone(projectId, () => this.commit(projectId, [pending], expectedSeq));
    });
  }

  /**
   * Writes a group of appends in one transaction, in order, and settles each: with its
   * own events, or all with the same error (nothing of the group is written then).
   */
  private async commit(projectId: string, group: PendingAppend[], expectedSeq?: number): Promise<void> {
    try {
      const blobs = (await Promise.all(group.map((pending) => pending.blobs))).flat();
      const state = await this.load(projectId);
      if (expectedSeq !== undefined && expectedSeq !== state.lastSeq) throw new ConcurrencyError(staleMessage);
      const at = this.now();
      // Folded before the transaction opens (it is the same either way: on any failure
      // the state is dropped), so whoever waits on `folded` resumes outside its scope.
      const changes = new Changes();
      const written = group.map(({ drafts, payloads }) => {
        const correlation = this.nextId();
        return drafts.map((draft, index) => {
          const event = {
            id: this.nextId(),
            projectId,
            seq: state.lastSeq + 1,
            type: draft.type,
            v: currentVersions[draft.type],
            at,
            actor: draft.actor,
            correlationId: draft.correlationId ?? correlation,
            causationId: draft.causationId ?? null,
            payload: payloads[index],
          } as OrchestraEvent;
          reduce(state, event, changes);
          return event;
        });
      });
      const events = written.flat();
      const snapshot = this.snapshotDue(projectId, state.lastSeq);
      for (const pending of group) pending.folded?.();
      await this.db.transaction('rw', readModelStores, async () => {
        // No read of the head first: the events' keys are [projectId+seq], so if another
        // writer got there first, adding seq lastSeq + 1 fails on the existing key and the
        // whole transaction is refused. The check costs nothing extra.
        const writes: Promise<unknown>[] = [this.db.events.bulkAdd(events), writeChanges(this.db, state, changes)];
        if (blobs.length > 0) writes.push(this.db.blobs.bulkPut(blobs));
        if (snapshot) writes.push(this.writeSnapshot(state));
        await Promise.all(writes);
      });
      for (const blob of blobs) this.rememberBlob(blob.hash, blob.content);
      this.options.onAppend?.(events);
      group.forEach((pending, index) => pending.resolve(written[index] ?? []));
    } catch (error) {
      // The state was folded in place: whatever happened, it may be ahead of the log now.
      this.states.delete(projectId);
      const failure = storeError(error);
      for (const pending of group) pending.reject(failure);
    }
  }

  /**
   * Stores a whole, already checked log for a project that has none on this device
   * (an imported bundle), with its texts, read models and snapshots, in one transaction.
   * @throws ConcurrencyError when the project already has events here
   */
  async importLog(
    projectId: string,
    events: OrchestraEvent[],
    blobs: { hash: string; content: string }[],
  ): Promise<ProjectState> {
    try {
      const state = await this.db.transaction('rw', readModelStores, async () => {
        if ((await this.headSeq(projectId)) !== 0) {
          throw new ConcurrencyError('This project is already on this device.');
        }
        const state = emptyProjectState(projectId);
        const changes = new Changes();
        const snapshots: { projectId: string; seq: number; state: ProjectState }[] = [];
        for (const event of events) {
          reduce(state, event, changes);
          if (event.seq % this.snapshotEvery === 0)
            snapshots.push({ projectId, seq: event.seq, state: structuredClone(state) });
        }
        await Promise.all([
          this.db.events.bulkAdd(events),
          this.db.blobs.bulkPut(blobs.map((blob) => ({ ...blob, size: blob.content.length }))),
          this.db.snapshots.bulkPut(snapshots),
          writeChanges(this.db, state, changes),
        ]);
        return state;
      });
      this.states.set(projectId, state);
      return state;
    } catch (error) {
      if (error instanceof ConcurrencyError) throw error;
      if (isQuotaError(error))
        throw new StorageFullError('The browser has no room left to import this project; nothing was imported.');
      throw error;
    }
  }

  /** Removes a project's events, snapshots and read-model rows, and the given texts, in one transaction. */
  deleteLog(projectId: string, blobHashes: Iterable<string>): Promise<void> {
    return this.queue.alone(projectId, () => this.deleteNow(projectId, [...blobHashes]));
  }

  private async deleteNow(projectId: string, blobHashes: string[]): Promise<void> {
    await this.db.transaction('rw', readModelStores, async () => {
      await Promise.all([
        this.db.events
          .where('[projectId+seq]')
          .between(...projectRange(projectId))
          .delete(),
        this.db.snapshots.where('projectId').equals(projectId).delete(),
        this.db.blobs.bulkDelete(blobHashes),
        clearReadModels(this.db, projectId),
      ]);
    });
    this.states.delete(projectId);
    this.forgetBlobs(blobHashes);
  }

  private snapshotDue(projectId: string, seq: number): boolean {
    const last = this.snapshotSeqs.get(projectId) ?? 0;
    return seq - last >= Math.max(this.snapshotEvery, Math.floor(seq / 10));
  }

  /** Puts the state as the project's snapshot (IndexedDB copies it at once) and drops older ones. */
  private async writeSnapshot(state: ProjectState): Promise<void> {
    const { projectId, lastSeq } = state;
    this.snapshotSeqs.set(projectId, lastSeq);
    await Promise.all([
      this.db.snapshots.put({ projectId, seq: lastSeq, state }),
      this.db.snapshots
        .where('[projectId+seq]')
        .between(...projectRange(projectId, 0, lastSeq))
        .delete(),
    ]);
  }

  /** The current state of a project, from memory or rebuilt from its latest snapshot and the events after it. */
  async load(projectId: string): Promise<ProjectState> {
    const cached = this.states.get(projectId);
    if (cached) return cached;
    const snapshot = await this.db.snapshots
      .where('[projectId+seq]')
      .between(...projectRange(projectId))
      .last();
    const state = snapshot?.state ?? emptyProjectState(projectId);
    this.snapshotSeqs.set(projectId, state.lastSeq);
    const after = await this.db.events
      .where('[projectId+seq]')
      .between(...projectRange(projectId, state.lastSeq + 1))
      .toArray();
    foldEvents(projectId, after, state);
    this.states.set(projectId, state);
    return state;
  }

  /** Forgets the cached state of a project, e.g. after another tab appended to it. */
  invalidate(projectId: string): void {
    this.states.delete(projectId);
  }

  /** Events of a project with `fromSeq <= seq <= toSeq`, in order. */
  read(projectId: string, fromSeq = 1, toSeq: number = Number.MAX_SAFE_INTEGER): Promise<OrchestraEvent[]> {
    return this.db.events
      .where('[projectId+seq]')
      .between(...projectRange(projectId, fromSeq, toSeq), true, true)
      .toArray();
  }

  /** The project's last sequence number in the log (0 for none). */
  async headSeq(projectId: string): Promise<number> {
    const last = await this.db.events
      .where('[projectId+seq]')
      .between(...projectRange(projectId))
      .last();
    return last?.seq ?? 0;
  }

  async blob(hash: string): Promise<string | undefined> {
    const cached = this.blobCache.get(hash);
    if (cached !== undefined) {
      this.rememberBlob(hash, cached); // most recently used last
      return cached;
    }
    const content = (await this.db.blobs.get(hash))?.content;
    if (content !== undefined) this.rememberBlob(hash, content);
    return content;
  }

  /** Keeps a text in the cache, dropping the least recently used past 8 million characters. */
  private rememberBlob(hash: string, content: string): void {
    const limit = 8_000_000;
    this.forgetBlob(hash);
    if (content.length > limit / 8) return;
    this.blobCache.set(hash, content);
    this.blobCacheChars += content.length;
    for (const [oldest, text] of this.blobCache) {
      if (this.blobCacheChars <= limit) break;
      this.blobCache.delete(oldest);
      this.blobCacheChars -= text.length;
    }
  }

  /** Drops texts from the cache after they were deleted from the blob store (compaction). */
  forgetBlobs(hashes: Iterable<string>): void {
    for (const hash of hashes) this.forgetBlob(hash);
  }

  private forgetBlob(hash: string): void {
    const text = this.blobCache.get(hash);
    if (text === undefined) return;
    this.blobCache.delete(hash);
    this.blobCacheChars -= text.length;
  }
}

/** What a failed write means for the person: a stale view, a full disk, or the error itself. */
function storeError(error: unknown): unknown {
  if (error instanceof ConcurrencyError) return error;
  if (isConstraintError(error)) return new ConcurrencyError(staleMessage);
  if (isQuotaError(error)) {
    return new StorageFullError(
      'The browser has no room left for Orchestra’s data, so this step was not saved. Free space in the Data view (export and delete old projects) and try again; nothing already saved was lost.',
    );
  }
  return error;
}
