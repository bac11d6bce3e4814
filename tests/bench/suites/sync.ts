/**
 * `npm run bench -- sync`: the sync server and the device's sync code, on loopback.
 *
 * - sync_push_events_per_s: a 100k-event project sealed (AES-GCM) and pushed through the
 *   idempotent producer into the server's SQLite file, against raw inserts of the same
 *   sealed rows into a table of the same file (one transaction: the floor of any write).
 * - sync_catch_up_events_per_s: a fresh device pulling and opening those 100k events.
 * - sync_live_p99_ms: an append on one device until another device's long-poll has it,
 *   opened; sync_live_postgres_p99_ms: the same with the two devices on two server
 *   instances sharing one Postgres (needs DATABASE_URL). Not yet through the other
 *   device's engine: the client that folds synced events into the log is not built.
 * SYNC_BENCH_EVENTS changes the project size (default 100,000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DurableStream, IdempotentProducer } from '@durable-streams/client';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { ulid } from 'ulid';
import { createApp } from '../../../server/app.ts';
import type { SyncStore } from '../../../server/sync/store/contract.ts';
import { openPostgresStore } from '../../../server/sync/store/postgres-store.ts';
import { openSqliteStore } from '../../../server/sync/store/sqlite-store.ts';
import type { OrchestraEvent } from '../../../worker/events/catalog.ts';
import { projectStreamUrl, pullProject, pushProject } from '../../../worker/sync/project-stream.ts';
import { type EventEnvelope, openEvent, sealEvent } from '../../../worker/sync/sync-envelope.ts';
import { createSpace, joinSpace, type SpaceConnection } from '../../../worker/sync/sync-space.ts';
import { randomHistory, seeded } from '../../unit/events/random-history.ts';
import { type BenchResult, median, percentile, withBaseline } from '../result.ts';

const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;

function project(count: number): { projectId: string; events: OrchestraEvent[] } {
  const projectId = ulid();
  const drafts = randomHistory(seeded(42), count);
  const events = drafts.map(
    (draft, i) =>
      ({
        id: ulid(),
        projectId,
        seq: i + 1,
        type: draft.type,
        v: 1,
        at: 1_700_000_000_000 + i,
        actor: draft.actor,
        correlationId: 'bench',
        causationId: null,
        payload: draft.payload,
      }) as OrchestraEvent,
  );
  return { projectId, events };
}

async function listen(store: SyncStore): Promise<{ url: string; close: () => Promise<void> }> {
  const dist = mkdtempSync(join(tmpdir(), 'orchestra-bench-dist-'));
  const app = createApp({
    distDir: dist,
    version: 'bench',
    sync: { store, limits: { requestsPerMinute: 10_000_000, longPollMs: 20_000 } },
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
        rmSync(dist, { recursive: true, force: true });
      }),
  };
}

/** Append → the other device's long-poll has it, opened; `samples` times. */
async function liveLatencies(writer: SpaceConnection, reader: SpaceConnection, samples: number): Promise<number[]> {
  const { projectId, events } = project(samples + 1);
  await pushProject(writer, projectId, events.slice(0, 1), [], { producerId: 'bench-writer', epoch: 0 });
  const stream = new DurableStream({
    url: projectStreamUrl(writer, projectId),
    contentType: 'application/json',
    headers: { authorization: `Bearer ${writer.token}` },
  });
  const producer = new IdempotentProducer(stream, 'bench-live', {
    epoch: 0,
    lingerMs: 0,
    headers: { authorization: `Bearer ${writer.token}` },
  });
  const readerStream = new DurableStream({
    url: projectStreamUrl(reader, projectId),
    contentType: 'application/json',
    headers: { authorization: `Bearer ${reader.token}` },
  });
  const response = await readerStream.stream<EventEnvelope>({ offset: '-1', live: 'long-poll' });
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const unsubscribe = response.subscribeJson<EventEnvelope>(async (batch) => {
    for (const envelope of batch.items) {
      const event = await openEvent(reader.key, projectId, envelope);
      const at = sentAt.get(event.seq);
      if (at !== undefined) latencies.push(performance.now() - at);
    }
    if (latencies.length >= samples) resolveDone();
  });
  for (let i = 1; i <= samples; i += 1) {
    const event = events[i]!;
    const sealed = JSON.stringify(await sealEvent(writer.key, event));
    sentAt.set(event.seq, performance.now());
    producer.append(sealed);
    await producer.flush();
    // Spaced out, as a run's events are: each one is a fresh live delivery.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  unsubscribe();
  response.cancel();
  await producer.detach();
  return latencies;
}

export async function syncSuite(): Promise<BenchResult[]> {
  const count = Number(process.env['SYNC_BENCH_EVENTS'] ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'orchestra-bench-sync-'));
  const file = join(dir, 'sync.sqlite');
  const store = openSqliteStore(file);
  const server = await listen(store);
  const results: BenchResult[] = [];
  try {
    const { secret, connection } = await createSpace(server.url);
    const { projectId, events } = project(count);

    // Baseline: the same sealed rows, inserted raw into the same file in one transaction.
    const sealed = await Promise.all(
      events.map(async (event) => JSON.stringify(await sealEvent(connection.key, event))),
    );
    const raw = new Database(file);
    raw.exec('CREATE TABLE IF NOT EXISTS bench_raw (seq INTEGER PRIMARY KEY, data BLOB NOT NULL)');
    const insert = raw.prepare('INSERT INTO bench_raw (seq, data) VALUES (?, ?)');
    const rawStart = performance.now();
    raw.transaction(() => {
      for (let i = 0; i < sealed.length; i += 1) insert.run(i, Buffer.from(sealed[i]!));
    })();
    const rawSeconds = (performance.now() - rawStart) / 1000;
    raw.exec('DROP TABLE bench_raw');
    raw.close();

    const pushStart = performance.now();
    await pushProject(connection, projectId, events, [], { producerId: 'bench-laptop', epoch: 0 });
    const pushSeconds = (performance.now() - pushStart) / 1000;
    results.push(
      withBaseline({
        metric: 'sync_push_events_per_s',
        value: round(count / pushSeconds),
        unit: 'events/s',
        baseline: { name: 'raw SQLite inserts of the same sealed rows, events/s', value: round(count / rawSeconds) },
        target: 'ratio ≥ 0.5',
      }),
    );

    const device = await joinSpace(server.url, secret);
    const pullStart = performance.now();
    const pulled = await pullProject(device, projectId);
    const pullSeconds = (performance.now() - pullStart) / 1000;
    if (pulled.events.length !== count) throw new Error(`Pulled ${pulled.events.length} of ${count} events.`);
    results.push({ metric: 'sync_catch_up_events_per_s', value: round(count / pullSeconds), unit: 'events/s' });

    const latencies = await liveLatencies(connection, device, 200);
    results.push({ metric: 'sync_live_p50_ms', value: round(median(latencies), 1), unit: 'ms' });
    results.push({
      metric: 'sync_live_p99_ms',
      value: round(percentile(latencies, 99), 1),
      unit: 'ms',
      target: '≤ 100 ms',
    });
  } finally {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const databaseUrl = process.env['DATABASE_URL'];
  if (databaseUrl) {
    const schema = `bench_${Date.now().toString(36)}`;
    const first = await openPostgresStore({ connectionString: databaseUrl, schema });
    const second = await openPostgresStore({ connectionString: databaseUrl, schema });
    const a = await listen(first);
    const b = await listen(second);
    try {
      const { secret, connection } = await createSpace(a.url);
      const onB = await joinSpace(b.url, secret);
      const latencies = await liveLatencies(connection, onB, 200);
      results.push({ metric: 'sync_live_postgres_p50_ms', value: round(median(latencies), 1), unit: 'ms' });
      results.push({
        metric: 'sync_live_postgres_p99_ms',
        value: round(percentile(latencies, 99), 1),
        unit: 'ms',
        target: '≤ 250 ms',
      });
    } finally {
      await a.close();
      await b.close();
      await first.close();
      await second.close();
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    }
  } else {
    process.stderr.write('sync: DATABASE_URL is not set, so sync_live_postgres_p99_ms is not measured.\n');
  }
  return results;
}
