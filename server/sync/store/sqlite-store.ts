import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { EntryRecord, NewStream, ProducerRecord, SpaceRecord, StoreTx, SyncStore } from './contract.ts';
import { readWithinBytes, spaceFromRow, streamCells, streamFromRow } from './rows.ts';

const schema = `
CREATE TABLE IF NOT EXISTS spaces (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  bytes_used INTEGER NOT NULL DEFAULT 0,
  stream_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS streams (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  space_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  content_type TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  ttl_seconds INTEGER,
  expires_at INTEGER,
  last_access_at INTEGER NOT NULL,
  closed INTEGER NOT NULL,
  closed_by TEXT,
  tail_seq INTEGER NOT NULL,
  last_writer_seq TEXT,
  bytes INTEGER NOT NULL,
  forked_from TEXT,
  fork_offset TEXT,
  fork_sub_offset INTEGER NOT NULL,
  source_id INTEGER,
  ref_count INTEGER NOT NULL,
  soft_deleted INTEGER NOT NULL,
  UNIQUE (space_id, path)
);
CREATE TABLE IF NOT EXISTS entries (
  stream_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  count INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (stream_id, seq)
);
CREATE TABLE IF NOT EXISTS producers (
  stream_id INTEGER NOT NULL,
  producer_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  PRIMARY KEY (stream_id, producer_id)
) WITHOUT ROWID;
`;

/**
 * Entries used to be a WITHOUT ROWID table. Rows of a megabyte are what such a table is
 * worst at: `length(data)` read every blob, so each read of a stream read the data of
 * every entry after its offset just to size its page (a 100k-event push, read back live,
 * spent more time there than inserting). A rowid table with the blob last keeps the
 * size in the record header. Old files are moved over once, at open.
 */
function migrateEntries(db: Database.Database): void {
  const row = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'entries'").get() as
    { sql: string } | undefined;
  if (!row || !/WITHOUT\s+ROWID/i.test(row.sql)) return;
  db.transaction(() => {
    db.exec('ALTER TABLE entries RENAME TO entries_without_rowid');
    db.exec(schema);
    db.exec(
      'INSERT INTO entries (stream_id, seq, count, data) SELECT stream_id, seq, count, data FROM entries_without_rowid',
    );
    db.exec('DROP TABLE entries_without_rowid');
  })();
}

type Row = Record<string, unknown>;
const bool = (value: boolean) => (value ? 1 : 0);

function entryFromRow(row: Row): EntryRecord {
  const data = row['data'] as Buffer;
  return {
    seq: Number(row['seq']),
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    count: Number(row['count']),
  };
}

/**
 * The default store: one SQLite file (WAL), written through one connection and read
 * through a second, so a reader never sees a transaction that is still open. Writes
 * are serialized in-process by a promise chain, the single-writer model SQLite has anyway.
 *
 * @example const store = openSqliteStore(join(dataDir, 'sync.sqlite'));
 */
export function openSqliteStore(file: string): SyncStore {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const writer = new Database(file);
  writer.pragma('journal_mode = WAL');
  writer.pragma('synchronous = NORMAL');
  writer.pragma('foreign_keys = ON');
  writer.pragma('busy_timeout = 5000');
  migrateEntries(writer);
  writer.exec(schema);
  // An in-memory database is private to its connection: read through the writer then.
  const reader = file === ':memory:' ? writer : new Database(file, { readonly: true });
  if (reader !== writer) reader.pragma('busy_timeout = 5000');

  const listeners = new Set<(streamId: number) => void>();
  let queue: Promise<unknown> = Promise.resolve();

  const getStreamStmt = (db: Database.Database) => db.prepare('SELECT * FROM streams WHERE space_id = ? AND path = ?');
  const readStream = getStreamStmt(reader);
  const readSpace = reader.prepare('SELECT * FROM spaces WHERE id = ?');
  // length() of a blob comes from the record header: sizes are read without the data.
  const readSizesFrom = reader.prepare(
    'SELECT seq, length(data) AS size FROM entries WHERE stream_id = ? AND seq >= ? ORDER BY seq LIMIT ?',
  );
  const readRange = reader.prepare(
    'SELECT seq, data, count FROM entries WHERE stream_id = ? AND seq >= ? AND seq < ? ORDER BY seq',
  );

  const w = {
    stream: getStreamStmt(writer),
    streamById: writer.prepare('SELECT * FROM streams WHERE id = ?'),
    space: writer.prepare('SELECT * FROM spaces WHERE id = ?'),
    insertEntry: writer.prepare('INSERT INTO entries (stream_id, seq, data, count) VALUES (?, ?, ?, ?)'),
    entries: writer.prepare(
      'SELECT seq, data, count FROM entries WHERE stream_id = ? AND seq >= ? AND seq < ? ORDER BY seq',
    ),
    copy: writer.prepare(
      'INSERT INTO entries (stream_id, seq, data, count) SELECT ?, seq, data, count FROM entries WHERE stream_id = ? AND seq < ?',
    ),
    copiedBytes: writer.prepare('SELECT COALESCE(SUM(length(data)), 0) AS bytes FROM entries WHERE stream_id = ?'),
    producer: writer.prepare('SELECT epoch, last_seq FROM producers WHERE stream_id = ? AND producer_id = ?'),
    putProducer: writer.prepare(
      'INSERT INTO producers (stream_id, producer_id, epoch, last_seq) VALUES (?, ?, ?, ?) ON CONFLICT (stream_id, producer_id) DO UPDATE SET epoch = excluded.epoch, last_seq = excluded.last_seq',
    ),
    addUsage: writer.prepare(
      'UPDATE spaces SET bytes_used = bytes_used + ?, stream_count = stream_count + ? WHERE id = ?',
    ),
    deleteEntries: writer.prepare('DELETE FROM entries WHERE stream_id = ?'),
    deleteProducers: writer.prepare('DELETE FROM producers WHERE stream_id = ?'),
    deleteStream: writer.prepare('DELETE FROM streams WHERE id = ?'),
  };

  function makeTx(pending: Set<number>): StoreTx {
    return {
      getStream: (spaceId, path) => {
        const row = w.stream.get(spaceId, path) as Row | undefined;
        return Promise.resolve(row ? streamFromRow(row) : undefined);
      },
      getStreamById: (id) => {
        const row = w.streamById.get(id) as Row | undefined;
        return Promise.resolve(row ? streamFromRow(row) : undefined);
      },
      insertStream: (stream: NewStream) => {
        const cells = streamCells(stream, bool);
        const sql = `INSERT INTO streams (${cells.map(([c]) => c).join(', ')}) VALUES (${cells.map(() => '?').join(', ')}) RETURNING *`;
        const row = writer.prepare(sql).get(...cells.map(([, v]) => v)) as Row;
        return Promise.resolve(streamFromRow(row));
      },
      updateStream: (id, patch) => {
        const cells = streamCells(patch, bool);
        if (cells.length > 0) {
          const sql = `UPDATE streams SET ${cells.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`;
          writer.prepare(sql).run(...cells.map(([, v]) => v), id);
        }
        return Promise.resolve();
      },
      deleteStream: (id) => {
        w.deleteEntries.run(id);
        w.deleteProducers.run(id);
        w.deleteStream.run(id);
        return Promise.resolve();
      },
      appendEntries: (streamId, entries) => {
        for (const entry of entries) w.insertEntry.run(streamId, entry.seq, entry.data, entry.count);
        return Promise.resolve();
      },
      readEntries: (streamId, fromSeq, toSeq) =>
        Promise.resolve((w.entries.all(streamId, fromSeq, toSeq) as Row[]).map(entryFromRow)),
      copyEntries: (sourceId, targetId, beforeSeq) => {
        w.copy.run(targetId, sourceId, beforeSeq);
        return Promise.resolve(Number((w.copiedBytes.get(targetId) as Row)['bytes']));
      },
      getProducer: (streamId, producerId) => {
        const row = w.producer.get(streamId, producerId) as Row | undefined;
        return Promise.resolve(row ? { epoch: Number(row['epoch']), lastSeq: Number(row['last_seq']) } : undefined);
      },
      putProducer: (streamId, producerId, state: ProducerRecord) => {
        w.putProducer.run(streamId, producerId, state.epoch, state.lastSeq);
        return Promise.resolve();
      },
      addUsage: (spaceId, bytes, streams) => {
        w.addUsage.run(bytes, streams, spaceId);
        return Promise.resolve();
      },
      getSpace: (spaceId) => {
        const row = w.space.get(spaceId) as Row | undefined;
        return Promise.resolve(row ? spaceFromRow(row) : undefined);
      },
      notify: (streamId) => {
        pending.add(streamId);
      },
    };
  }

  return {
    kind: 'sqlite',
    createSpace: (space: SpaceRecord) => {
      const result = writer
        .prepare(
          'INSERT INTO spaces (id, token_hash, created_at, bytes_used, stream_count) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
        )
        .run(space.id, space.tokenHash, space.createdAt, space.bytesUsed, space.streamCount);
      return Promise.resolve(result.changes === 1);
    },
    getSpace: (spaceId) => {
      const row = readSpace.get(spaceId) as Row | undefined;
      return Promise.resolve(row ? spaceFromRow(row) : undefined);
    },
    deleteSpace: (spaceId) =>
      new Promise<void>((resolve, reject) => {
        queue = queue.then(() => {
          try {
            writer.transaction(() => {
              writer
                .prepare('DELETE FROM entries WHERE stream_id IN (SELECT id FROM streams WHERE space_id = ?)')
                .run(spaceId);
              writer
                .prepare('DELETE FROM producers WHERE stream_id IN (SELECT id FROM streams WHERE space_id = ?)')
                .run(spaceId);
              writer.prepare('DELETE FROM streams WHERE space_id = ?').run(spaceId);
              writer.prepare('DELETE FROM spaces WHERE id = ?').run(spaceId);
            })();
            resolve();
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      }),
    getStream: (spaceId, path) => {
      const row = readStream.get(spaceId, path) as Row | undefined;
      return Promise.resolve(row ? streamFromRow(row) : undefined);
    },
    readEntries: (streamId, fromSeq, maxBytes) =>
      readWithinBytes(
        fromSeq,
        maxBytes,
        (from, limit) =>
          Promise.resolve(
            (readSizesFrom.all(streamId, from, limit) as Row[]).map((row) => ({
              seq: Number(row['seq']),
              size: Number(row['size']),
            })),
          ),
        (from, to) => Promise.resolve((readRange.all(streamId, from, to) as Row[]).map(entryFromRow)),
      ),
    transact<T>(_spaceId: string, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      const run = async (): Promise<T> => {
        const pending = new Set<number>();
        writer.exec('BEGIN IMMEDIATE');
        let result: T;
        try {
          result = await fn(makeTx(pending));
          writer.exec('COMMIT');
        } catch (error) {
          if (writer.inTransaction) writer.exec('ROLLBACK');
          throw error;
        }
        for (const streamId of pending) for (const listener of listeners) listener(streamId);
        return result;
      };
      const next = queue.then(run, run);
      queue = next.catch(() => undefined);
      return next;
    },
    onAppend: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      await queue;
      if (reader !== writer) reader.close();
      writer.close();
    },
  };
}
