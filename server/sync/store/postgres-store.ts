import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { EntryRecord, NewStream, SpaceRecord, StoreTx, SyncStore } from './contract.ts';
import { readWithinBytes, spaceFromRow, streamCells, streamFromRow } from './rows.ts';

const schemaSql = `
CREATE TABLE IF NOT EXISTS spaces (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  bytes_used BIGINT NOT NULL DEFAULT 0,
  stream_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS streams (
  id BIGSERIAL PRIMARY KEY,
  space_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  content_type TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  ttl_seconds BIGINT,
  expires_at BIGINT,
  last_access_at BIGINT NOT NULL,
  closed BOOLEAN NOT NULL,
  closed_by TEXT,
  tail_seq BIGINT NOT NULL,
  last_writer_seq TEXT,
  bytes BIGINT NOT NULL,
  forked_from TEXT,
  fork_offset TEXT,
  fork_sub_offset BIGINT NOT NULL,
  source_id BIGINT,
  ref_count INTEGER NOT NULL,
  soft_deleted BOOLEAN NOT NULL,
  UNIQUE (space_id, path)
);
CREATE TABLE IF NOT EXISTS entries (
  stream_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  data BYTEA NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (stream_id, seq)
);
CREATE TABLE IF NOT EXISTS producers (
  stream_id BIGINT NOT NULL,
  producer_id TEXT NOT NULL,
  epoch BIGINT NOT NULL,
  last_seq BIGINT NOT NULL,
  PRIMARY KEY (stream_id, producer_id)
);
`;

/** The channel every instance LISTENs on; payload `<instance>:<stream id>`. */
const channel = 'orchestra_sync';
const migrationLock = 0x0c5e_5e01;

type Row = Record<string, unknown>;

function entryFromRow(row: Row): EntryRecord {
  const data = row['data'] as Buffer;
  return {
    seq: Number(row['seq']),
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    count: Number(row['count']),
  };
}

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` */
  connectionString: string;
  /** Tables live in this schema (created if missing); `public` by default. */
  schema?: string;
  /** Pool size; 10 by default. */
  max?: number;
}

/**
 * The scale-out store: any number of server instances on one Postgres database. A write
 * transaction locks its space's row (`SELECT … FOR UPDATE`), so appends to a space are
 * serialized across instances; `pg_notify` in the same transaction wakes the live readers
 * of every instance when it commits (LISTEN/NOTIFY).
 *
 * @example const store = await openPostgresStore({ connectionString: process.env.DATABASE_URL });
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<SyncStore> {
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Not a schema name: ${schema}`);
  const config: pg.ClientConfig = { connectionString: options.connectionString, options: `-c search_path=${schema}` };
  const pool = new pg.Pool({ ...config, max: options.max ?? 10 });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);

  const setup = await pool.connect();
  try {
    await setup.query('SELECT pg_advisory_lock($1)', [migrationLock]);
    await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await setup.query(schemaSql);
  } finally {
    await setup.query('SELECT pg_advisory_unlock($1)', [migrationLock]).catch(() => undefined);
    setup.release();
  }

  const instance = randomUUID();
  const listeners = new Set<(streamId: number) => void>();
  const emit = (streamId: number) => {
    for (const listener of listeners) listener(streamId);
  };

  // One connection held open for LISTEN; reconnects with backoff if the database drops it.
  let listener: pg.Client | undefined;
  let closed = false;
  const listen = async (): Promise<void> => {
    const client = new pg.Client(config);
    client.on('notification', (message) => {
      const [from, id] = (message.payload ?? '').split(':');
      if (from !== instance && id) emit(Number(id));
    });
    client.on('error', () => {
      listener = undefined;
      void client.end().catch(() => undefined);
      if (!closed) setTimeout(() => void listen().catch(() => undefined), 500).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${channel}`);
    listener = client;
  };
  await listen();

  function makeTx(client: pg.PoolClient, pending: Set<number>): StoreTx {
    const one = async (sql: string, values: unknown[]) => (await client.query(sql, values)).rows[0] as Row | undefined;
    return {
      getStream: async (spaceId, path) => {
        const row = await one('SELECT * FROM streams WHERE space_id = $1 AND path = $2', [spaceId, path]);
        return row ? streamFromRow(row) : undefined;
      },
      getStreamById: async (id) => {
        const row = await one('SELECT * FROM streams WHERE id = $1', [id]);
        return row ? streamFromRow(row) : undefined;
      },
      insertStream: async (stream: NewStream) => {
        const cells = streamCells(stream, (value) => value);
        const sql = `INSERT INTO streams (${cells.map(([c]) => c).join(', ')}) VALUES (${cells.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`;
        return streamFromRow(
          (await one(
            sql,
            cells.map(([, v]) => v),
          ))!,
        );
      },
      updateStream: async (id, patch) => {
        const cells = streamCells(patch, (value) => value);
        if (cells.length === 0) return;
        const sql = `UPDATE streams SET ${cells.map(([c], i) => `${c} = $${i + 1}`).join(', ')} WHERE id = $${cells.length + 1}`;
        await client.query(sql, [...cells.map(([, v]) => v), id]);
      },
      deleteStream: async (id) => {
        await client.query('DELETE FROM entries WHERE stream_id = $1', [id]);
        await client.query('DELETE FROM producers WHERE stream_id = $1', [id]);
        await client.query('DELETE FROM streams WHERE id = $1', [id]);
      },
      appendEntries: async (streamId, entries) => {
        if (entries.length === 0) return;
        // One statement per batch: arrays unnest into rows.
        await client.query(
          'INSERT INTO entries (stream_id, seq, data, count) SELECT $1, * FROM unnest($2::bigint[], $3::bytea[], $4::int[])',
          [streamId, entries.map((e) => e.seq), entries.map((e) => Buffer.from(e.data)), entries.map((e) => e.count)],
        );
      },
      readEntries: async (streamId, fromSeq, toSeq) =>
        (
          await client.query(
            'SELECT seq, data, count FROM entries WHERE stream_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq',
            [streamId, fromSeq, toSeq],
          )
        ).rows.map(entryFromRow),
      copyEntries: async (sourceId, targetId, beforeSeq) => {
        await client.query(
          'INSERT INTO entries (stream_id, seq, data, count) SELECT $1, seq, data, count FROM entries WHERE stream_id = $2 AND seq < $3',
          [targetId, sourceId, beforeSeq],
        );
        const row = await one(
          'SELECT COALESCE(SUM(octet_length(data)), 0) AS bytes FROM entries WHERE stream_id = $1',
          [targetId],
        );
        return Number(row?.['bytes'] ?? 0);
      },
      getProducer: async (streamId, producerId) => {
        const row = await one('SELECT epoch, last_seq FROM producers WHERE stream_id = $1 AND producer_id = $2', [
          streamId,
          producerId,
        ]);
        return row ? { epoch: Number(row['epoch']), lastSeq: Number(row['last_seq']) } : undefined;
      },
      putProducer: async (streamId, producerId, state) => {
        await client.query(
          'INSERT INTO producers (stream_id, producer_id, epoch, last_seq) VALUES ($1, $2, $3, $4) ON CONFLICT (stream_id, producer_id) DO UPDATE SET epoch = EXCLUDED.epoch, last_seq = EXCLUDED.last_seq',
          [streamId, producerId, state.epoch, state.lastSeq],
        );
      },
      addUsage: async (spaceId, bytes, streams) => {
        await client.query(
          'UPDATE spaces SET bytes_used = bytes_used + $1, stream_count = stream_count + $2 WHERE id = $3',
          [bytes, streams, spaceId],
        );
      },
      getSpace: async (spaceId) => {
        const row = await one('SELECT * FROM spaces WHERE id = $1', [spaceId]);
        return row ? spaceFromRow(row) : undefined;
      },
      notify: (streamId) => {
        pending.add(streamId);
      },
    };
  }

  return {
    kind: 'postgres',
    createSpace: async (space: SpaceRecord) => {
      const result = await pool.query(
        'INSERT INTO spaces (id, token_hash, created_at, bytes_used, stream_count) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING',
        [space.id, space.tokenHash, space.createdAt, space.bytesUsed, space.streamCount],
      );
      return result.rowCount === 1;
    },
    getSpace: async (spaceId) => {
      const row = (await pool.query('SELECT * FROM spaces WHERE id = $1', [spaceId])).rows[0] as Row | undefined;
      return row ? spaceFromRow(row) : undefined;
    },
    deleteSpace: async (spaceId) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT 1 FROM spaces WHERE id = $1 FOR UPDATE', [spaceId]);
        await client.query('DELETE FROM entries WHERE stream_id IN (SELECT id FROM streams WHERE space_id = $1)', [
          spaceId,
        ]);
        await client.query('DELETE FROM producers WHERE stream_id IN (SELECT id FROM streams WHERE space_id = $1)', [
          spaceId,
        ]);
        await client.query('DELETE FROM streams WHERE space_id = $1', [spaceId]);
        await client.query('DELETE FROM spaces WHERE id = $1', [spaceId]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    getStream: async (spaceId, path) => {
      const row = (await pool.query('SELECT * FROM streams WHERE space_id = $1 AND path = $2', [spaceId, path]))
        .rows[0] as Row | undefined;
      return row ? streamFromRow(row) : undefined;
    },
    readEntries: (streamId, fromSeq, maxBytes) =>
      readWithinBytes(
        fromSeq,
        maxBytes,
        async (from, limit) =>
          (
            (
              await pool.query(
                'SELECT seq, octet_length(data) AS size FROM entries WHERE stream_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3',
                [streamId, from, limit],
              )
            ).rows as Row[]
          ).map((row) => ({ seq: Number(row['seq']), size: Number(row['size']) })),
        async (from, to) =>
          (
            (
              await pool.query(
                'SELECT seq, data, count FROM entries WHERE stream_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq',
                [streamId, from, to],
              )
            ).rows as Row[]
          ).map(entryFromRow),
      ),
    async transact<T>(spaceId: string, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const pending = new Set<number>();
      try {
        await client.query('BEGIN');
        await client.query('SELECT 1 FROM spaces WHERE id = $1 FOR UPDATE', [spaceId]);
        const result = await fn(makeTx(client, pending));
        for (const streamId of pending)
          await client.query('SELECT pg_notify($1, $2)', [channel, `${instance}:${streamId}`]);
        await client.query('COMMIT');
        for (const streamId of pending) emit(streamId);
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    onAppend: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close: async () => {
      closed = true;
      await listener?.end().catch(() => undefined);
      await pool.end();
    },
  };
}
