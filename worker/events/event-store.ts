import type { OrchestraDb } from '../db/database.ts';
import type { EventDraft, OrchestraEvent } from './catalog.ts';
import { ConcurrencyError, StorageFullError, isQuotaError, staleMessage, writeFailure } from './errors.ts';
import { foldEvents } from './fold.ts';
import { eventIds } from './ids.ts';
import { commitOf, commitsOf, deleteLogRows, logHead, readLog } from './log-table.ts';
import { clearReadModels } from './projections/materialize.ts';
import { Changes, type ProjectState, cloneState, emptyProjectState } from './projections/project-state.ts';
import { reduce } from './projections/reduce.ts';
import { parsePayload } from './validate.ts';
import { deleteTexts } from './text-table.ts';
import { WriteQueue } from './write-queue.ts';
import type { AppendOptions, EventLog, StoredText } from './store/contract.ts';
import { logStores, writeFolded } from './store/write-folded.ts';
import { stampAndFold } from './store/stamp.ts';
import { Snapshots } from './store/snapshots.ts';
import { TextCache } from './store/text-cache.ts';

export interface EventStoreOptions {
  now?: () => number;
  /**
   * The least number of events between two snapshots of a project's state. The gap
   * also grows to a tenth of the log, so snapshots stay a small share of storage;
   * only the latest is kept: it is where loading a project starts folding. 5,000 by
   * default: folding them takes about 3 ms, and a snapshot of a 200-task project costs
   * the writer's thread about 20 ms.
   */
  snapshotEvery?: number;
  /**
   * How far the state may run ahead of the log: past this many events folded but not
   * yet written, an append waits to be folded until the write in flight lands. Bounds
   * what a closed tab loses (it is redone from the log), and gives the writes their turn
   * when the engine never waits on anything else (a model that answers at once). 1,024
   * by default (about 80 tasks of a run whose model answers at once; a model with any
   * latency never gets near it).
   */
  maxUnwrittenEvents?: number;
  /** Called after each committed append, with the new events in order. */
  onAppend?: (events: OrchestraEvent[]) => void;
  /**
   * Called when a write of a project fails, with what its appends fail with: a full disk
   * must be told at once, by whoever can (the log cannot say it).
   */
  onWriteFailed?: (projectId: string, error: unknown) => void;
}

/** One caller's append, waiting for the write that takes it. */
interface PendingAppend {
  drafts: EventDraft[];
  folded: (() => void) | undefined;
  payloads: unknown[];
  blobs: Promise<StoredText[]>;
  resolve: (events: OrchestraEvent[]) => void;
  reject: (error: unknown) => void;
  requires: AppendOptions['requires'];
  /** Its events, once folded into `basis` (the project's state ahead of the log). */
  events?: OrchestraEvent[];
  basis?: ProjectState;
  /** Its `requires` did not hold when it was to be folded: refused, nothing folded. */
  refused?: boolean;
}

/**
 * A project's state twice over: `durable` is the fold of the log as written, and the
 * rows and snapshots are written from it; `ahead` also holds the appends folded but not
 * yet written, and is what `load` shows. Appends fold into `ahead` as they are made, so
 * callers go on while earlier writes are in flight, and appends made meanwhile share the
 * next transaction; each commit then folds its events into `durable` to write them.
 */
interface Cached {
  durable: ProjectState;
  ahead: ProjectState;
}

/**
 * The append-only event log and the read models it feeds, kept in step: one Dexie
 * transaction adds a commit of events and writes the rows they touched. An append is
 * folded into the project's state ahead of the log as it is made (see `Cached`), and
 * appends made while a transaction is in flight are written together in the next one
 * (group commit): each caller still gets its own events, in order. The states of each
 * open project are cached in memory; anything that goes wrong drops them, and the next
 * use rebuilds them from the latest snapshot and the log.
 */
export class EventStore implements EventLog {
  private readonly states = new Map<string, Cached>();
  private readonly loading = new Map<string, Promise<Cached>>();
  /** Appends (and deletes) queued per project that have not folded yet: while any wait, later appends wait too. */
  private readonly waiting = new Map<string, number>();
  /** Why an `ahead` state was dropped: appends folded on it fail with that. */
  private readonly dropped = new WeakMap<ProjectState, Error>();
  /**
   * One write at a time per project: appends fold ahead of their transaction; were two in
   * flight and the first failed, the second would write after events that never were.
   */
  private readonly queue = new WriteQueue<PendingAppend>((projectId, group) => this.commit(projectId, group));
  private readonly nextId = eventIds();
  private readonly texts: TextCache;
  private readonly now: () => number;
  private readonly snapshots: Snapshots;
  private readonly maxUnwrittenEvents: number;

  constructor(
    private readonly db: OrchestraDb,
    private readonly options: EventStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.snapshots = new Snapshots(db, options.snapshotEvery ?? 5000);
    this.maxUnwrittenEvents = options.maxUnwrittenEvents ?? 1024;
    this.texts = new TextCache(db);
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
    const blobs = this.texts.hash(options.blobs ?? []);
    return new Promise<OrchestraEvent[]>((resolve, reject) => {
      const pending: PendingAppend = {
        drafts,
        folded: options.folded,
        requires: options.requires,
        payloads,
        blobs,
        resolve,
        reject,
      };
      const { expectedSeq } = options;
      if (expectedSeq !== undefined) {
        this.wait(projectId, 1);
        void this.queue.alone(projectId, () => this.commit(projectId, [pending], expectedSeq));
        return;
      }
      // Folded now when nothing before it is still to fold; otherwise when its write begins.
      const cached = this.states.get(projectId);
      const room = cached && cached.ahead.lastSeq - cached.durable.lastSeq < this.maxUnwrittenEvents;
      if (cached && room && !this.waiting.get(projectId)) this.foldAhead(projectId, cached.ahead, pending);
      else this.wait(projectId, 1);
      this.queue.join(projectId, pending);
    });
  }

  private wait(projectId: string, change: number): void {
    const count = (this.waiting.get(projectId) ?? 0) + change;
    if (count > 0) this.waiting.set(projectId, count);
    else this.waiting.delete(projectId);
  }

  /** Gives an append its envelopes (ids, sequence numbers, time) and folds it into `ahead`. */
  private foldAhead(projectId: string, ahead: ProjectState, pending: PendingAppend): void {
    if (pending.requires && !pending.requires.holds(ahead)) {
      pending.refused = true;
      pending.events = [];
      pending.basis = ahead;
      pending.reject(new ConcurrencyError(pending.requires.message));
      return;
    }
    pending.events = stampAndFold(ahead, pending.drafts, pending.payloads, this.now(), this.nextId);
    pending.basis = ahead;
    pending.folded?.();
  }

  /**
   * Writes a group of appends in one transaction, in order, and settles each: with its
   * own events, or all with the same error (nothing of the group is written then).
   */
  private async commit(projectId: string, group: PendingAppend[], expectedSeq?: number): Promise<void> {
    let pendingHashes: string[] = [];
    let unfolded = group.filter((pending) => !pending.events).length;
    let live = group;
    try {
      const texts = await Promise.all(group.map((pending) => pending.blobs));
      pendingHashes = texts.flat().map((blob) => blob.hash);
      const { durable, ahead } = await this.cached(projectId);
      if (expectedSeq !== undefined && expectedSeq !== durable.lastSeq) throw new ConcurrencyError(staleMessage);
      // Appends folded on a state dropped since (an earlier write failed, or another tab
      // wrote) would follow events that never were: they fail, with the reason it was
      // dropped. The appends made after the drop are folded now and written.
      live = [];
      const blobs: StoredText[] = [];
      group.forEach((pending, index) => {
        const own = texts[index] ?? [];
        if (pending.events && pending.basis !== ahead) {
          const reason = pending.basis ? this.dropped.get(pending.basis) : undefined;
          pending.reject(reason ?? new ConcurrencyError(staleMessage));
        } else {
          if (!pending.events) {
            this.foldAhead(projectId, ahead, pending);
            this.wait(projectId, -1);
            unfolded -= 1;
          }
          if (!pending.refused) {
            live.push(pending);
            blobs.push(...own);
            return;
          }
        }
        this.texts.abandoned(own.map((blob) => blob.hash));
      });
      if (live.length === 0) return;
      const events = live.flatMap((pending) => pending.events ?? []);
      if (events[0]?.seq !== durable.lastSeq + 1) throw new Error('The log and the state of this project disagree.');
      const changes = new Changes();
      for (const event of events) reduce(durable, event, changes);
      await writeFolded(this.db, this.snapshots, {
        commits: [commitOf(events)],
        state: durable,
        changes,
        blobs,
        snapshot: this.snapshots.due(projectId, durable.lastSeq) ? durable : undefined,
      });
      this.texts.written(blobs);
      this.options.onAppend?.(events);
      for (const pending of live) pending.resolve(pending.events ?? []);
    } catch (error) {
      // Folded in place: whatever happened, the states may be ahead of the log now.
      const failure = writeFailure(error);
      this.drop(projectId, failure);
      this.wait(projectId, -unfolded);
      this.texts.abandoned(pendingHashes);
      this.options.onWriteFailed?.(projectId, failure);
      for (const pending of live) pending.reject(failure);
    }
  }

  /** Forgets a project's cached states; appends already folded on them fail with `reason`. */
  private drop(projectId: string, reason: unknown): void {
    const cached = this.states.get(projectId);
    if (cached) this.dropped.set(cached.ahead, reason instanceof Error ? reason : new Error(String(reason)));
    this.states.delete(projectId);
  }

  /**
   * Stores a whole, already checked log for a project that has none on this device
   * (an imported bundle), with its texts, read models and snapshots, in one transaction.
   * @throws ConcurrencyError when the project already has events here
   */
  async importLog(projectId: string, events: OrchestraEvent[], blobs: StoredText[]): Promise<ProjectState> {
    try {
      const state = emptyProjectState(projectId);
      const changes = new Changes();
      // Only the latest snapshot is kept, as appends keep it: the state at the last
      // multiple of the snapshot gap, folded on the way.
      let snapshot: ProjectState | undefined;
      const snapshotSeq = this.snapshots.importSeq(events.at(-1)?.seq ?? 0);
      for (const event of events) {
        reduce(state, event, changes);
        if (event.seq === snapshotSeq) snapshot = structuredClone(state);
      }
      // The head is read in the same transaction as the write (Dexie nests it): no other import slips between.
      await this.db.transaction('rw', logStores, async () => {
        if ((await this.headSeq(projectId)) !== 0)
          throw new ConcurrencyError('This project is already on this device.');
        await writeFolded(this.db, this.snapshots, { commits: commitsOf(events), state, changes, blobs, snapshot });
      });
      this.states.set(projectId, { durable: state, ahead: cloneState(state) });
      return state;
    } catch (error) {
      if (error instanceof ConcurrencyError) throw error;
      if (isQuotaError(error))
        throw new StorageFullError('The browser has no room left to import this project; nothing was imported.');
      throw error;
    }
  }

  /**
   * Appends events stamped elsewhere (another device's, through sync) as they are: ids,
   * sequence numbers and times kept. They must follow this log's head exactly; texts
   * they refer to come with them. Subscribers hear them as any append.
   * @throws ConcurrencyError when the first event does not follow the log's head
   */
  appendStamped(projectId: string, events: OrchestraEvent[], blobs: StoredText[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    this.wait(projectId, 1);
    return this.queue
      .alone(projectId, async () => {
        try {
          const { durable } = await this.cached(projectId);
          if (events[0]!.seq !== durable.lastSeq + 1) throw new ConcurrencyError(staleMessage);
          const changes = new Changes();
          for (const event of events) reduce(durable, event, changes);
          await writeFolded(this.db, this.snapshots, {
            commits: commitsOf(events),
            state: durable,
            changes,
            blobs,
            snapshot: this.snapshots.due(projectId, durable.lastSeq) ? durable : undefined,
          });
          // Appends folded ahead meanwhile (this device writing too) follow a state that
          // is gone: they fail as stale, as when another tab wrote.
          this.drop(projectId, new ConcurrencyError(staleMessage));
          this.states.set(projectId, { durable, ahead: cloneState(durable) });
          this.texts.written(blobs);
          this.options.onAppend?.(events);
        } catch (error) {
          this.drop(projectId, error);
          throw writeFailure(error);
        }
      })
      .finally(() => this.wait(projectId, -1));
  }

  /** Removes a project's events, snapshots and read-model rows, and the given texts, in one transaction. */
  deleteLog(projectId: string, blobHashes: Iterable<string>): Promise<void> {
    this.wait(projectId, 1);
    return this.queue
      .alone(projectId, () => this.deleteNow(projectId, [...blobHashes]))
      .finally(() => this.wait(projectId, -1));
  }

  private async deleteNow(projectId: string, blobHashes: string[]): Promise<void> {
    await this.db.transaction('rw', logStores, async () => {
      await Promise.all([
        deleteLogRows(this.db, projectId),
        this.snapshots.delete(projectId),
        deleteTexts(this.db, blobHashes),
        clearReadModels(this.db, projectId),
      ]);
    });
    this.drop(projectId, new ConcurrencyError('This project was deleted.'));
    this.texts.forget(blobHashes);
  }

  /**
   * The current state of a project, from memory or rebuilt from its latest snapshot and
   * the events after it. It includes appends folded but still being written.
   */
  async load(projectId: string): Promise<ProjectState> {
    return (this.states.get(projectId) ?? (await this.cached(projectId))).ahead;
  }

  /**
   * The state of a project as its log holds it: without appends still being written.
   * What the person is shown, so a screen never shows what a failed write then takes back.
   */
  async saved(projectId: string): Promise<ProjectState> {
    return (this.states.get(projectId) ?? (await this.cached(projectId))).durable;
  }

  private cached(projectId: string): Promise<Cached> {
    const cached = this.states.get(projectId);
    if (cached) return Promise.resolve(cached);
    let loading = this.loading.get(projectId);
    if (!loading) {
      loading = this.rebuild(projectId).finally(() => this.loading.delete(projectId));
      this.loading.set(projectId, loading);
    }
    return loading;
  }

  private async rebuild(projectId: string): Promise<Cached> {
    const durable = await this.snapshots.latest(projectId);
    const after = await readLog(this.db, projectId, durable.lastSeq + 1);
    foldEvents(projectId, after, durable);
    const cached = { durable, ahead: cloneState(durable) };
    this.states.set(projectId, cached);
    return cached;
  }

  /** Forgets the cached state of a project, e.g. after another tab appended to it. */
  invalidate(projectId: string): void {
    this.drop(projectId, new ConcurrencyError(staleMessage));
  }

  /**
   * Forgets the cached state of a project if the log is past it (`headSeq`, read by the
   * caller): another tab wrote, and this tab never heard. A state that merely holds
   * appends still being written is not behind.
   */
  dropIfBehind(projectId: string, headSeq: number): void {
    const cached = this.states.get(projectId);
    if (cached && cached.durable.lastSeq < headSeq) this.drop(projectId, new ConcurrencyError(staleMessage));
  }

  /** Events of a project with `fromSeq <= seq <= toSeq`, in order. */
  read(projectId: string, fromSeq = 1, toSeq: number = Number.MAX_SAFE_INTEGER): Promise<OrchestraEvent[]> {
    return readLog(this.db, projectId, fromSeq, toSeq);
  }

  /** The project's last sequence number in the log (0 for none). */
  headSeq(projectId: string): Promise<number> {
    return logHead(this.db, projectId);
  }

  blob(hash: string): Promise<string | undefined> {
    return this.texts.get(hash);
  }

  forgetBlobs(hashes: Iterable<string>): void {
    this.texts.forget(hashes);
  }
}
