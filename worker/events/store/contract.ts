import type { EventDraft, OrchestraEvent } from '../catalog.ts';
import type { ProjectState } from '../projections/project-state.ts';

/**
 * The event log's contract: what the engine may count on from any store of it. Two
 * implementations keep it, and one test suite (`tests/unit/events/store-contract.test.ts`)
 * runs against both: `EventStore` (IndexedDB through Dexie, with the read models the
 * screens query) and `MemoryEventLog` (in memory, for tests and benchmarks that need the
 * engine without a database).
 *
 * ## The write protocol
 *
 * A project's log is written one commit at a time, and every append gets the next
 * sequence numbers, gap-free. An append is *folded* (its events are in the state `load`
 * returns) before it is *written* (in the state `saved` returns, and in the log), so a
 * caller can go on from what it appended without waiting for the disk:
 *
 *     append(A) ──fold──▶ load() has A ──write──▶ saved() has A, A resolves
 *                  │
 *                  └─ options.folded()   (the caller may start what follows A)
 *
 *     append(B, { requires: holds(A) })  ──fold on top of A──▶ … written after A, or not at all
 *
 * - `folded` is called once the events are in the state, as a rule during `append`
 *   itself; never when the append fails before that.
 * - `requires` is checked against the state the events would fold on: if it does not
 *   hold, that append alone is refused (ConcurrencyError with its message) and nothing of
 *   it is folded. This is how the runner appends a task's answer right after its start
 *   without waiting for the start's write: were that write to fail, the state would no
 *   longer hold the start, and the answer is refused rather than written after a gap.
 * - When a write fails, every append folded on top of it fails too (with the same error),
 *   and the state goes back to the log: nothing is ever written after events that were
 *   not. The runner's `completing` chain and its `released` slots lean on this: a task
 *   waiting on another starts once the other's completion is folded, not written.
 * - `expectedSeq` makes an append conditional on the log's head (the caller's last seen
 *   sequence number): it is written alone, and refused if another tab or device wrote.
 *
 * Texts (artifact contents, checkpoints) are stored by their SHA-256 beside the log and
 * read with `blob`, from the moment their append is made.
 */
export interface EventLog {
  /**
   * Appends events to a project's log, all or nothing; resolves with them once written.
   * @throws InvalidEventError when a draft fails its schema (nothing of this append is written)
   * @throws ConcurrencyError when the log moved on since `expectedSeq`, or `requires` did not hold
   * @throws StorageFullError when the device has no room left (every append of that write fails)
   */
  append(projectId: string, drafts: EventDraft[], options?: AppendOptions): Promise<OrchestraEvent[]>;
  /**
   * Appends events stamped elsewhere (another device's, through sync) as they are: ids,
   * sequence numbers and times kept. They must follow the log's head exactly.
   * @throws ConcurrencyError when the first event does not follow the log's head
   */
  appendStamped(projectId: string, events: OrchestraEvent[], blobs: StoredText[]): Promise<void>;
  /**
   * Stores a whole, already checked log for a project that has none here (an imported
   * bundle), with its texts. Returns the project's state.
   * @throws ConcurrencyError when the project already has events here
   */
  importLog(projectId: string, events: OrchestraEvent[], blobs: StoredText[]): Promise<ProjectState>;
  /** Removes a project's events and state, and the given texts. */
  deleteLog(projectId: string, blobHashes: Iterable<string>): Promise<void>;
  /** The project's state with every append folded, written or not. */
  load(projectId: string): Promise<ProjectState>;
  /** The project's state as its log holds it: what a person is shown. */
  saved(projectId: string): Promise<ProjectState>;
  /** Forgets what is cached of a project (another tab wrote); appends folded on it fail as stale. */
  invalidate(projectId: string): void;
  /** Events with `fromSeq <= seq <= toSeq`, in order. */
  read(projectId: string, fromSeq?: number, toSeq?: number): Promise<OrchestraEvent[]>;
  /** The project's last sequence number in the log (0 for none). */
  headSeq(projectId: string): Promise<number>;
  /** A text by its SHA-256 (hex), from the moment the append that brought it was made. */
  blob(hash: string): Promise<string | undefined>;
  /** Forgets cached texts that were deleted from storage (compaction). */
  forgetBlobs(hashes: Iterable<string>): void;
}

export interface AppendOptions {
  /**
   * The sequence number the caller last saw. The append is refused if the log has
   * moved on since (another tab or device wrote): stale writers are never merged.
   */
  expectedSeq?: number;
  /**
   * Texts the events refer to by hash (artifact contents, checkpoints), with their
   * SHA-256 when the caller has just computed it for the events.
   */
  blobs?: BlobText[];
  /** Called once the events are folded into the state `load` returns, before they are written. */
  folded?: () => void;
  /** What must hold of the state the events fold on; otherwise the append is refused with `message`. */
  requires?: { holds: (state: ProjectState) => boolean; message: string };
}

/** A text stored by its SHA-256 (hex). */
export interface StoredText {
  hash: string;
  content: string;
}

/** A text to store by its SHA-256: given as is, or with the hash its caller computed. */
export type BlobText = string | StoredText;
