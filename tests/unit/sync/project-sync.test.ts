import 'fake-indexeddb/auto';
import { ulid } from 'ulid';
import { afterEach, describe, expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import type { EventDraft, OrchestraEvent } from '../../../worker/events/catalog.ts';
import { sha256Hex } from '../../../worker/events/hash.ts';
import { MemoryEventLog } from '../../../worker/events/store/memory-store.ts';
import { DeviceSyncState, freshCursor } from '../../../worker/sync/device-sync-state.ts';
import { ProjectSync } from '../../../worker/sync/project-sync.ts';
import { ensureStream, projectStreamUrl, spaceStream } from '../../../worker/sync/space-streams.ts';
import type { SyncError } from '../../../worker/sync/sync-errors.ts';
import { sealEvents } from '../../../worker/sync/sync-envelope.ts';
import { SyncRetry } from '../../../worker/sync/sync-retry.ts';
import { createSpace, type SpaceConnection } from '../../../worker/sync/sync-space.ts';
import { randomHistory, seeded } from '../events/random-history.ts';
import { openTestStore, startTestServer } from '../server/sync/harness.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function space(): Promise<SpaceConnection> {
  const opened = await openTestStore('sqlite');
  const running = await startTestServer(opened.store);
  cleanups.push(async () => {
    await running.close();
    await opened.dispose();
  });
  return (await createSpace(running.url)).connection;
}

const message = (text: string): EventDraft => ({
  type: 'user-message',
  actor: { kind: 'user' },
  payload: { messageId: ulid(), text },
});

/** A project's sync over a log whose `headSeq` can be held, with every failure it reports. */
async function projectSync(connection: SpaceConnection, projectId: string) {
  const db = new OrchestraDb(`project-sync-${ulid()}`);
  const state = new DeviceSyncState(db);
  const log = new MemoryEventLog();
  const gate = { held: false, waiting: [] as Array<() => void> };
  const headSeq = log.headSeq.bind(log);
  log.headSeq = async (id: string) => {
    if (gate.held) await new Promise<void>((resolve) => gate.waiting.push(resolve));
    return headSeq(id);
  };
  const failures: SyncError[] = [];
  let changed = () => undefined as void;
  const sync = await ProjectSync.open(
    {
      connection,
      store: log,
      state,
      retry: new SyncRetry(),
      changed: () => changed(),
      reachable: () => undefined,
      failed: (error) => failures.push(error),
      diverged: () => undefined,
    },
    projectId,
  );
  // The database stays open: stop() does not wait for a read already under way, and
  // that read failing on a closed database is an unhandled rejection (sync-service.test.ts).
  cleanups.push(() => sync.stop());
  const until = async (ok: () => boolean | Promise<boolean>) => {
    const end = Date.now() + 10_000;
    while (!(await ok())) {
      if (Date.now() > end) throw new Error('Timed out');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { sync, log, state, gate, failures, until, onChange: (listener: () => void) => (changed = listener) };
}

describe('one project’s sync with its stream', () => {
  test('a sync stopped mid-push never writes its old place over a fresh one', async () => {
    const connection = await space();
    const projectId = ulid();
    const { sync, log, state, gate, until } = await projectSync(connection, projectId);
    sync.start();
    // Caught up with an empty stream and nothing to push.
    await until(async () => (await state.cursor(projectId)).offset !== '-1');

    // The log grows; the push is held while it reads the log's head…
    gate.held = true;
    await log.append(projectId, [
      {
        type: 'project-create',
        actor: { kind: 'user' },
        payload: { name: 'P', description: 'd', template: null, budgetUsd: 1 },
      },
      message('one'),
    ]);
    sync.grew();
    await until(() => gate.waiting.length > 0);
    // …and meanwhile the project is split: the sync is stopped and a fresh place written.
    sync.stop();
    const fresh = { ...freshCursor(), remote: true };
    await state.saveCursor(projectId, fresh);
    gate.held = false;
    for (const resume of gate.waiting.splice(0)) resume();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The stopped push claimed no epoch over the fresh place (it used to write its own).
    expect(await state.cursor(projectId)).toEqual(fresh);
  });

  test('the writer knows its own events read back by their ids: it reads its log only to push', async () => {
    const connection = await space();
    const projectId = ulid();
    const { sync, log, state, until } = await projectSync(connection, projectId);
    await log.append(projectId, randomHistory(seeded(3), 10_000));
    const reads: Array<[number | undefined, number | undefined]> = [];
    const read = log.read.bind(log);
    log.read = (id, from, to) => {
      reads.push([from, to]);
      return read(id, from, to);
    };
    sync.start();
    await until(async () => (await state.cursor(projectId)).remoteSeq === 10_000);
    // Three slices of 4096 read to be sealed; none read again to compare with the stream.
    expect(reads).toEqual([
      [1, 4096],
      [4097, 8192],
      [8193, 10_000],
    ]);
    expect(sync.syncedSeq).toBe(10_000);
  });

  test('the writer keeps none of its own texts once read back; a reader keeps none once their events are folded', async () => {
    const connection = await space();
    const projectId = ulid();
    const writer = await projectSync(connection, projectId);
    const contents = ['a.ts', 'b.ts', 'c.ts'].map((path) => ({ path, content: `export const file = '${path}';\n` }));
    await writer.log.append(
      projectId,
      await Promise.all(
        contents.map(async ({ path, content }): Promise<EventDraft> => ({
          type: 'artifact-create',
          actor: { kind: 'agent', role: 'code-generator' },
          payload: {
            path,
            kind: 'source',
            language: 'typescript',
            contentHash: await sha256Hex(content),
            size: content.length,
            provenance: { source: 'ai', taskId: 't1' },
          },
        })),
      ),
      { blobs: contents.map(({ content }) => content) },
    );
    writer.sync.start();
    await writer.until(async () => (await writer.state.cursor(projectId)).remoteSeq === 3);
    expect(writer.sync.heldTexts).toBe(0);

    const reader = await projectSync(connection, projectId);
    reader.sync.start();
    await reader.until(async () => (await reader.log.headSeq(projectId)) === 3);
    expect(await reader.log.blob(await sha256Hex(contents[1]!.content))).toBe(contents[1]!.content);
    expect(reader.sync.heldTexts).toBe(0);
  });

  test('an event this version cannot read (a newer device’s) stops the sync with a sentence; it is not retried', async () => {
    const connection = await space();
    const projectId = ulid();
    const url = projectStreamUrl(connection, projectId);
    await ensureStream(connection, url, new AbortController().signal);
    const fromTheFuture = {
      id: ulid(),
      projectId,
      seq: 1,
      type: 'hologram-render',
      v: 1,
      at: Date.now(),
      actor: { kind: 'user' },
      correlationId: 'c',
      causationId: null,
      payload: {},
    } as unknown as OrchestraEvent;
    const [envelope] = await sealEvents(connection.key, [fromTheFuture]);
    await spaceStream(connection, url).append(JSON.stringify(envelope));

    const requests: string[] = [];
    const counted = {
      ...connection,
      fetch: ((input, init) => {
        requests.push(String(input instanceof Request ? input.url : input));
        return connection.fetch(input, init);
      }) as typeof fetch,
    };
    const { sync, failures, until } = await projectSync(counted, projectId);
    sync.start();
    await until(() => failures.length > 0);
    expect(failures[0]).toMatchObject({ kind: 'unreadable', retryable: false });
    expect(failures[0]!.message).toContain('newer version');
    // Stopped until the person says Try again: no read loop.
    const made = requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(requests.length).toBe(made);
    expect(failures).toHaveLength(1);
  });
});
