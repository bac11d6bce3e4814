import type { EventDraft, OrchestraEvent } from '../catalog.ts';
import { ConcurrencyError, StorageFullError, staleMessage, storageFullMessage } from '../errors.ts';
import { foldEvents } from '../fold.ts';
import { sha256Hex } from '../hash.ts';
import { eventIds } from '../ids.ts';
import { type ProjectState, cloneState, emptyProjectState } from '../projections/project-state.ts';
import { SerialByKey } from '../serial-by-key.ts';
import { parsePayload } from '../validate.ts';
import type { AppendOptions, BlobText, EventLog, StoredText } from './contract.ts';
import { stampAndFold } from './stamp.ts';

export interface MemoryEventLogOptions {
  now?: () => number;
  /**
   * How much it may hold, in characters of events (as JSON) and texts: past it, a write
   * fails with StorageFullError as a full disk does. Unlimited by default.
   */
  quotaChars?: number;
  /** Called after each written append, with its events in order. */
  onAppend?: (events: OrchestraEvent[]) => void;
  /** Called when a write of a project fails, with what its appends fail with. */
  onWriteFailed?: (projectId: string, error: unknown) => void;
}

/** A project's state as its log holds it (`durable`), and with the appends folded but not written (`ahead`). */
interface States {
  durable: ProjectState;
  ahead: ProjectState;
}

/**
 * The event log kept in memory, to the same contract as the IndexedDB store (see
 * `contract.ts`): appends fold at once and are written one at a time per project, a turn
 * of the event loop later, so callers see the same fold-before-write order; a failed
 * write fails what was folded on top of it. For tests and benchmarks that need the
 * engine without a database; nothing outlives the object.
 */
export class MemoryEventLog implements EventLog {
  private readonly logs = new Map<string, OrchestraEvent[]>();
  private readonly texts = new Map<string, string>();
  /** Texts of appends made but not written, readable from the moment of the append. */
  private readonly unwritten = new Map<string, string>();
  private readonly hashing = new Set<Promise<unknown>>();
  private readonly states = new Map<string, States>();
  /** Why an `ahead` state was dropped: appends folded on it fail with that. */
  private readonly dropped = new WeakMap<ProjectState, Error>();
  /** Each project's writes: one at a time, in order. */
  private readonly writes = new SerialByKey();
  /** Appends waiting behind a conditional one (or a delete) to fold: later appends wait too. */
  private readonly waiting = new Map<string, number>();
  private readonly nextId = eventIds();
  private readonly now: () => number;
  private quotaChars: number;
  private storedChars = 0;

  constructor(private readonly options: MemoryEventLogOptions = {}) {
    this.now = options.now ?? Date.now;
    this.quotaChars = options.quotaChars ?? Number.POSITIVE_INFINITY;
  }

  /** Changes how much it may hold (a device filling up, or space freed). */
  setQuota(chars: number): void {
    this.quotaChars = chars;
  }

  /** What it holds now, in the characters `quotaChars` counts. */
  get usedChars(): number {
    return this.storedChars;
  }

  append(projectId: string, drafts: EventDraft[], options: AppendOptions = {}): Promise<OrchestraEvent[]> {
    if (drafts.length === 0) return Promise.resolve([]);
    let payloads: unknown[];
    try {
      payloads = drafts.map((draft) => parsePayload(draft.type, draft.payload));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const texts = this.hash(options.blobs ?? []);
    const { expectedSeq } = options;
    // Folded now unless something before it still waits to fold; then at its turn.
    let folded: { events: OrchestraEvent[]; basis: ProjectState } | Error | undefined;
    const fold = (): { events: OrchestraEvent[]; basis: ProjectState } | Error => {
      const basis = this.statesOf(projectId).ahead;
      if (options.requires && !options.requires.holds(basis)) return new ConcurrencyError(options.requires.message);
      const events = stampAndFold(basis, drafts, payloads, this.now(), this.nextId);
      options.folded?.();
      return { events, basis };
    };
    const waits = expectedSeq !== undefined || (this.waiting.get(projectId) ?? 0) > 0;
    if (waits) this.wait(projectId, 1);
    else folded = fold();
    return this.enqueue(projectId, async () => {
      try {
        if (waits) {
          this.wait(projectId, -1);
          if (expectedSeq !== undefined && expectedSeq !== this.statesOf(projectId).durable.lastSeq) {
            throw new ConcurrencyError(staleMessage);
          }
          folded = fold();
        }
        if (folded instanceof Error) throw folded;
        const { events, basis } = folded as { events: OrchestraEvent[]; basis: ProjectState };
        const states = this.states.get(projectId);
        if (!states || states.ahead !== basis) throw this.dropped.get(basis) ?? new ConcurrencyError(staleMessage);
        this.write(projectId, events, await texts, states);
        return events;
      } finally {
        for (const text of await texts) this.unwritten.delete(text.hash);
      }
    });
  }

  appendStamped(projectId: string, events: OrchestraEvent[], blobs: StoredText[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    this.wait(projectId, 1);
    return this.enqueue(projectId, () => {
      this.wait(projectId, -1);
      const durable = cloneState(this.statesOf(projectId).durable);
      if (events[0]!.seq !== durable.lastSeq + 1) throw new ConcurrencyError(staleMessage);
      foldEvents(projectId, events, durable);
      // Appends folded ahead meanwhile follow a state that is gone: they fail as stale.
      this.write(projectId, events, blobs, { durable, ahead: cloneState(durable) }, true);
      return Promise.resolve();
    });
  }

  importLog(projectId: string, events: OrchestraEvent[], blobs: StoredText[]): Promise<ProjectState> {
    return this.enqueue(projectId, () => {
      if ((this.logs.get(projectId)?.length ?? 0) > 0) {
        throw new ConcurrencyError('This project is already on this device.');
      }
      const durable = foldEvents(projectId, events);
      try {
        this.write(projectId, events, blobs, { durable, ahead: cloneState(durable) }, true);
      } catch (error) {
        if (error instanceof StorageFullError) {
          throw new StorageFullError('The browser has no room left to import this project; nothing was imported.');
        }
        throw error;
      }
      return Promise.resolve(durable);
    });
  }

  deleteLog(projectId: string, blobHashes: Iterable<string>): Promise<void> {
    const hashes = [...blobHashes];
    this.wait(projectId, 1);
    return this.enqueue(projectId, () => {
      this.wait(projectId, -1);
      for (const event of this.logs.get(projectId) ?? []) this.storedChars -= JSON.stringify(event).length;
      this.logs.delete(projectId);
      for (const hash of hashes) {
        const text = this.texts.get(hash);
        if (text === undefined) continue;
        this.texts.delete(hash);
        this.storedChars -= text.length;
      }
      this.drop(projectId, new ConcurrencyError('This project was deleted.'));
      return Promise.resolve();
    });
  }

  load(projectId: string): Promise<ProjectState> {
    return Promise.resolve(this.statesOf(projectId).ahead);
  }

  saved(projectId: string): Promise<ProjectState> {
    return Promise.resolve(this.statesOf(projectId).durable);
  }

  invalidate(projectId: string): void {
    this.drop(projectId, new ConcurrencyError(staleMessage));
  }

  read(projectId: string, fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER): Promise<OrchestraEvent[]> {
    const log = this.logs.get(projectId) ?? [];
    return Promise.resolve(log.filter((event) => event.seq >= fromSeq && event.seq <= toSeq));
  }

  headSeq(projectId: string): Promise<number> {
    return Promise.resolve(this.logs.get(projectId)?.at(-1)?.seq ?? 0);
  }

  async blob(hash: string): Promise<string | undefined> {
    if (!this.unwritten.has(hash) && !this.texts.has(hash)) await Promise.allSettled([...this.hashing]);
    return this.unwritten.get(hash) ?? this.texts.get(hash);
  }

  forgetBlobs(): void {
    // Nothing is cached apart from what is stored: a deleted text is gone already.
  }

  /** The project's states, rebuilt from its log when dropped (the log is the truth). */
  private statesOf(projectId: string): States {
    let states = this.states.get(projectId);
    if (!states) {
      const durable = foldEvents(projectId, this.logs.get(projectId) ?? [], emptyProjectState(projectId));
      states = { durable, ahead: cloneState(durable) };
      this.states.set(projectId, states);
    }
    return states;
  }

  /**
   * Writes events and their texts, all or nothing, and folds them into `durable`. With
   * `replace`, `states` become the project's states (stamped or imported events).
   * @throws StorageFullError when they do not fit in the quota (nothing is written)
   */
  private write(
    projectId: string,
    events: OrchestraEvent[],
    texts: StoredText[],
    states: States,
    replace = false,
  ): void {
    try {
      const fresh = texts.filter((text) => !this.texts.has(text.hash));
      const size =
        events.reduce((total, event) => total + JSON.stringify(event).length, 0) +
        fresh.reduce((total, text) => total + text.content.length, 0);
      if (this.storedChars + size > this.quotaChars) throw new StorageFullError(storageFullMessage);
      this.storedChars += size;
      for (const text of fresh) this.texts.set(text.hash, text.content);
      this.logs.set(projectId, [...(this.logs.get(projectId) ?? []), ...events]);
      if (replace) {
        this.drop(projectId, new ConcurrencyError(staleMessage));
        this.states.set(projectId, states);
      } else {
        foldEvents(projectId, events, states.durable);
      }
    } catch (error) {
      this.drop(projectId, error);
      this.options.onWriteFailed?.(projectId, error);
      throw error;
    }
    this.options.onAppend?.(events);
  }

  /** Runs `work` after the project's earlier writes, a turn of the event loop later (a write takes time). */
  private enqueue<T>(projectId: string, work: () => Promise<T>): Promise<T> {
    return this.writes.after(projectId, async () => {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      return work();
    });
  }

  private hash(texts: BlobText[]): Promise<StoredText[]> {
    const hashed = texts.map((text) =>
      typeof text === 'string'
        ? sha256Hex(text).then((hash) => ({ hash, content: text }))
        : Promise.resolve({ hash: text.hash, content: text.content }),
    );
    // Readable at once when the caller gave the hash; once hashed otherwise.
    for (const text of texts) if (typeof text !== 'string') this.unwritten.set(text.hash, text.content);
    const all = Promise.all(hashed).then((rows) => {
      for (const row of rows) this.unwritten.set(row.hash, row.content);
      return rows;
    });
    this.hashing.add(all);
    void all.finally(() => this.hashing.delete(all));
    return all;
  }

  private wait(projectId: string, change: number): void {
    const count = (this.waiting.get(projectId) ?? 0) + change;
    if (count > 0) this.waiting.set(projectId, count);
    else this.waiting.delete(projectId);
  }

  /** Forgets a project's states; appends already folded on them fail with `reason`. */
  private drop(projectId: string, reason: unknown): void {
    const states = this.states.get(projectId);
    if (states) this.dropped.set(states.ahead, reason instanceof Error ? reason : new Error(String(reason)));
    this.states.delete(projectId);
  }
}
