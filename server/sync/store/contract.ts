/**
 * The storage door of the sync server. The Durable Streams protocol lives in
 * `server/sync/protocol/`; a store only keeps rows and takes locks. Two implementations
 * (`sqlite-store.ts`, the default; `postgres-store.ts`, to scale out) pass the same
 * contract suite, `tests/unit/server/sync/store-contract.ts`.
 *
 * Writes go through `transact(spaceId, fn)`, which holds the space's write lock for the
 * whole transaction: every append, create, close and delete of one space is serialized,
 * on one process (SQLite) or across every instance on one database (Postgres, a row
 * lock on the space). Reads take no lock and see committed rows only.
 */

/** A space: one person's devices. The server keeps a hash of its access token, never the token. */
export interface SpaceRecord {
  id: string;
  /** SHA-256 of the access token, hex. */
  tokenHash: string;
  createdAt: number;
  /** Bytes of stream data stored for the space (forks count their copied prefix). */
  bytesUsed: number;
  /** Streams that exist in the space, soft-deleted ones included. */
  streamCount: number;
}

/** A stream's row. Offsets are entry numbers: `tailSeq` is the number the next append gets. */
export interface StreamRecord {
  id: number;
  spaceId: string;
  path: string;
  contentType: string;
  createdAt: number;
  /** Sliding expiry window in seconds, or null. */
  ttlSeconds: number | null;
  /** Absolute expiry, ms since the epoch, or null. */
  expiresAt: number | null;
  /** Last read or write, for the sliding window. */
  lastAccessAt: number;
  closed: boolean;
  /** The `producerId epoch seq` whose append closed the stream, for idempotent retries. */
  closedBy: string | null;
  tailSeq: number;
  /** The last `Stream-Seq` accepted, compared byte-wise. */
  lastWriterSeq: string | null;
  /** Bytes of data held by this stream. */
  bytes: number;
  /** The fork's source as the creating request named it (path in the space), offset and sub-offset. */
  forkedFrom: string | null;
  forkOffset: string | null;
  forkSubOffset: number;
  /** The source stream's id while this fork lives (the source's refCount counts it). */
  sourceId: number | null;
  /** Live forks that name this stream as their source. */
  refCount: number;
  /** Deleted while forks still referenced it: 410 to every direct request. */
  softDeleted: boolean;
}

export type NewStream = Omit<StreamRecord, 'id'>;

/** One append's data: bytes, or for JSON streams the messages joined by commas (`count` of them). */
export interface EntryRecord {
  seq: number;
  data: Uint8Array;
  count: number;
}

export interface ProducerRecord {
  epoch: number;
  lastSeq: number;
}

/** The writes one transaction may make. */
export interface StoreTx {
  getStream(spaceId: string, path: string): Promise<StreamRecord | undefined>;
  getStreamById(id: number): Promise<StreamRecord | undefined>;
  insertStream(stream: NewStream): Promise<StreamRecord>;
  updateStream(id: number, patch: Partial<NewStream>): Promise<void>;
  /** Removes the stream, its entries and its producers. */
  deleteStream(id: number): Promise<void>;
  appendEntries(streamId: number, entries: readonly EntryRecord[]): Promise<void>;
  /** Entries with `fromSeq <= seq < toSeq`, in order. */
  readEntries(streamId: number, fromSeq: number, toSeq: number): Promise<EntryRecord[]>;
  /** Copies the source's entries below `beforeSeq` into the target; returns the bytes copied. */
  copyEntries(sourceId: number, targetId: number, beforeSeq: number): Promise<number>;
  getProducer(streamId: number, producerId: string): Promise<ProducerRecord | undefined>;
  putProducer(streamId: number, producerId: string, state: ProducerRecord): Promise<void>;
  /** Adds to the space's usage counters. */
  addUsage(spaceId: string, bytes: number, streams: number): Promise<void>;
  getSpace(spaceId: string): Promise<SpaceRecord | undefined>;
  /** Wakes live readers of the stream once the transaction commits (on every instance). */
  notify(streamId: number): void;
}

export interface SyncStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Returns false when a space with this id already exists. */
  createSpace(space: SpaceRecord): Promise<boolean>;
  getSpace(spaceId: string): Promise<SpaceRecord | undefined>;
  /** Removes the space and every stream in it. */
  deleteSpace(spaceId: string): Promise<void>;
  getStream(spaceId: string, path: string): Promise<StreamRecord | undefined>;
  /** Committed entries from `fromSeq` on, at least one when any exist, stopping past `maxBytes`. */
  readEntries(streamId: number, fromSeq: number, maxBytes: number): Promise<EntryRecord[]>;
  /** Runs `fn` in one transaction holding the space's write lock; rolls back if it throws. */
  transact<T>(spaceId: string, fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Called with a stream id after every committed `notify`, from this or another instance. */
  onAppend(listener: (streamId: number) => void): () => void;
  close(): Promise<void>;
}
