import 'fake-indexeddb/auto';
import { ulid } from 'ulid';
import { afterEach, describe, expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { type Engine, createEngine } from '../../../worker/engine.ts';
import type { EventDraft, OrchestraEvent } from '../../../worker/events/catalog.ts';
import { sha256Hex } from '../../../worker/events/hash.ts';
import { createHousekeeping } from '../../../worker/projects/housekeeping.ts';
import { DeviceSyncState } from '../../../worker/sync/device-sync-state.ts';
import { projectStreamUrl } from '../../../worker/sync/space-streams.ts';
import { SyncService } from '../../../worker/sync/sync-service.ts';
import { joinSpace } from '../../../worker/sync/sync-space.ts';
import { openTestStore, startTestServer } from '../server/sync/harness.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function server() {
  const opened = await openTestStore('sqlite');
  const running = await startTestServer(opened.store);
  cleanups.push(async () => {
    await running.close();
    await opened.dispose();
  });
  return { ...running, opened };
}

interface Device {
  name: string;
  engine: Engine;
  sync: SyncService;
  /** While true, every request of this device fails as with no network. */
  offline: { value: boolean };
  /** Requests this says to refuse fail as with no network (the others go through). */
  deny: { value: ((method: string, url: string) => boolean) | undefined };
  /** Requests this says to lose the answer of reach the server, then fail as with no network. */
  loseAnswer: { value: ((method: string, url: string) => boolean) | undefined };
  /** Every request this device made, in order. */
  requests: Array<{ method: string; url: string }>;
  /** Reads (GET) of each stream waiting for their answer now, and the most there ever were at once. */
  reads: { open: Map<string, number>; most: Map<string, number> };
  /** Long-polls (live reads) waiting for their answer now, and the most there ever were at once. */
  longPolls: { open: number; most: number };
}

function device(
  name: string,
  options: {
    release?: (projectId: string) => Promise<void>;
    remove?: (projectId: string) => Promise<boolean>;
    maxLive?: number;
    pollMs?: number;
  } = {},
): Device {
  const db = new OrchestraDb(`sync-${name}-${ulid()}`);
  const engine = createEngine(db);
  const offline = { value: false };
  const deny: Device['deny'] = { value: undefined };
  const loseAnswer: Device['loseAnswer'] = { value: undefined };
  const requests: Array<{ method: string; url: string }> = [];
  const reads = { open: new Map<string, number>(), most: new Map<string, number>() };
  const longPolls = { open: 0, most: 0 };
  const fetcher: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    requests.push({ method, url });
    if (offline.value || deny.value?.(method, url)) return Promise.reject(new TypeError('Failed to fetch'));
    if (loseAnswer.value?.(method, url))
      return fetch(input, init).then(() => Promise.reject(new TypeError('Failed to fetch')));
    if (method !== 'GET' || !url.includes('/streams/')) return fetch(input, init);
    const stream = url.split('?')[0]!;
    const open = (reads.open.get(stream) ?? 0) + 1;
    reads.open.set(stream, open);
    reads.most.set(stream, Math.max(open, reads.most.get(stream) ?? 0));
    const live = url.includes('live=long-poll');
    if (live) longPolls.most = Math.max(longPolls.most, (longPolls.open += 1));
    return fetch(input, init).finally(() => {
      reads.open.set(stream, (reads.open.get(stream) ?? 1) - 1);
      if (live) longPolls.open -= 1;
    });
  };
  // As the worker wires it: another device deleted a project from the space.
  const housekeeping = createHousekeeping(engine);
  const remove = async (projectId: string) => {
    const result = await housekeeping.deleteProject(projectId);
    return result.ok || result.kind === 'not_found';
  };
  const sync = new SyncService(engine, { scanMs: 100, fetch: fetcher, remove, ...options });
  // The database stays open: stop() ends the loops but does not wait for a scan or a fold
  // already under way, and what that reads next from a closed database is an unhandled
  // DatabaseClosedError, which fails the whole run. (Each test file's IndexedDB is in memory.)
  cleanups.push(() => sync.stop());
  return { name, engine, sync, offline, deny, loseAnswer, requests, reads, longPolls };
}

const message = (text: string): EventDraft => ({
  type: 'user-message',
  actor: { kind: 'user' },
  payload: { messageId: ulid(), text },
});

async function newProject(on: Device, name: string): Promise<string> {
  const projectId = ulid();
  const content = `export const answer = 42; // ${name}\n`;
  await on.engine.store.append(
    projectId,
    [
      {
        type: 'project-create',
        actor: { kind: 'user' },
        payload: { name, description: `Built on ${on.name}`, template: null, budgetUsd: 5 },
      },
      {
        type: 'artifact-create',
        actor: { kind: 'agent', role: 'code-generator' },
        payload: {
          path: 'src/answer.ts',
          kind: 'source',
          language: 'typescript',
          contentHash: await sha256Hex(content),
          size: content.length,
          provenance: { source: 'ai', taskId: 't1' },
        },
      },
    ],
    { blobs: [content] },
  );
  return projectId;
}

async function until<T>(what: () => Promise<T>, ok: (value: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await what();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`Timed out; last value: ${JSON.stringify(value)?.slice(0, 400)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A server, laptop A with a project "Shop" in a new space, and phone B holding it too. */
async function pairedOnShop() {
  const { url } = await server();
  const a = device('laptop');
  const b = device('phone');
  const projectId = await newProject(a, 'Shop');
  const secret = await a.sync.create(url, 'laptop');
  await b.sync.join(url, secret, 'phone');
  await until(
    () => log(b, projectId),
    (events) => events.length === 2,
  );
  return { url, a, b, projectId, secret };
}

/** A wrote the project while stopped (offline), B wrote it too and synced first; then A syncs again. */
async function writeApart(a: Device, b: Device, projectId: string, laptop: string[], phone: string[]): Promise<void> {
  a.sync.stop();
  await a.engine.store.append(projectId, laptop.map(message));
  await b.engine.store.append(projectId, phone.map(message));
  await until(
    () => Promise.resolve(b.sync.current()),
    (status) => status.waiting === 0,
  );
  await a.sync.resume();
}

/** As the worker's deleteProject does with "on every device": sync forgets it, the log goes, the space hears. */
async function deleteEverywhere(on: Device, projectId: string, name: string): Promise<void> {
  await on.sync.forget(projectId);
  expect((await createHousekeeping(on.engine).deleteProject(projectId)).ok).toBe(true);
  await on.sync.retire(projectId, name);
}

const ids = (events: OrchestraEvent[]) => events.map((event) => `${event.seq}:${event.id}`);
const log = (on: Device, projectId: string) => on.engine.store.read(projectId);
const names = async (on: Device) => (await on.engine.db.projects.toArray()).map((row) => row.name).sort();

describe('a device syncs its projects with the others of its space', () => {
  test('a project made on A appears on B whole, then each event A appends reaches B live', async () => {
    const { url } = await server();
    const a = device('laptop');
    const b = device('phone');
    const projectId = await newProject(a, 'Shop');
    const secret = await a.sync.create(url, 'laptop');
    await b.sync.join(url, secret, 'phone');

    await until(
      () => log(b, projectId),
      (events) => events.length === 2,
    );
    expect(ids(await log(b, projectId))).toEqual(ids(await log(a, projectId)));
    const [, artifact] = await log(b, projectId);
    expect(artifact?.type).toBe('artifact-create');
    if (artifact?.type === 'artifact-create')
      expect(await b.engine.store.blob(artifact.payload.contentHash)).toContain('answer = 42');
    expect(await b.sync.isRemote(projectId)).toBe(true);
    expect(await a.sync.isRemote(projectId)).toBe(false);

    for (let i = 0; i < 5; i += 1) {
      await a.engine.store.append(projectId, [message(`step ${i}`)]);
      await until(
        () => log(b, projectId),
        (events) => events.length === 3 + i,
        5_000,
      );
    }
    expect(ids(await log(b, projectId))).toEqual(ids(await log(a, projectId)));
    await until(
      () => Promise.resolve(a.sync.current()),
      (status) => status.state === 'connected' && status.waiting === 0,
    );
    expect(b.sync.current().lastSyncedAt).not.toBeNull();
  });

  test('events written on B after it takes the project over come back to A; A then watches', async () => {
    const { a, b, projectId } = await pairedOnShop();
    await b.sync.takeOver(projectId);
    await b.engine.store.append(projectId, [message('from the phone')]);
    await until(
      () => log(a, projectId),
      (events) => events.length === 3,
    );
    expect(ids(await log(a, projectId))).toEqual(ids(await log(b, projectId)));
    expect(await a.sync.isRemote(projectId)).toBe(true);
    expect(await b.sync.isRemote(projectId)).toBe(false);
  });

  test('two devices that wrote a project apart keep both sides: the later one becomes a copy', async () => {
    const { url, a, b, projectId, secret } = await pairedOnShop();

    // A goes offline and keeps working; B writes too, and syncs first.
    a.sync.stop();
    await a.engine.store.append(projectId, [message('laptop 1'), message('laptop 2')]);
    await b.engine.store.append(projectId, [message('phone 1')]);
    await until(
      () => Promise.resolve(b.sync.current()),
      (status) => status.waiting === 0,
    );
    const laptopSide = (await log(a, projectId)).slice(2).map((event) => event.id);

    await a.sync.resume();
    // A: the project is B's version again, and A's own work is a copy of it.
    await until(names.bind(null, a), (list) => list.join() === 'Shop,Shop (from laptop)');
    await until(
      () => log(a, projectId),
      (events) => events.length === 3,
    );
    expect(ids(await log(a, projectId))).toEqual(ids(await log(b, projectId)));
    const copy = (await a.engine.db.projects.toArray()).find((row) => row.name.endsWith('(from laptop)'))!;
    const copyLog = await log(a, copy.id);
    expect(copyLog.map((event) => event.id)).toEqual(expect.arrayContaining(laptopSide));
    expect(copyLog).toHaveLength(5); // the shared start, the laptop's two, the rename

    // The copy's stream is a fork of the project's: it starts with the very envelope of
    // their shared start (not sealed again), and A pushed only what it wrote apart.
    const reader = await joinSpace(url, secret);
    const messages = async (id: string) => {
      const response = await fetch(`${projectStreamUrl(reader, id)}?offset=-1`, {
        headers: { authorization: `Bearer ${reader.token}` },
      });
      return ((await response.json()) as Array<{ kind: string; seq?: number; ids?: string[]; ct: string }>).filter(
        (envelope) => envelope.kind === 'events',
      );
    };
    await until(
      () => messages(copy.id),
      (list) => list.reduce((sum, envelope) => sum + envelope.ids!.length, 0) === 5,
    );
    const [shared, ...own] = await messages(copy.id);
    expect(shared).toEqual((await messages(projectId))[0]);
    expect([shared!.seq, shared!.ids!.length]).toEqual([1, 2]);
    expect(own.map((envelope) => envelope.seq)).toEqual([3]);

    // B gets the copy too: nothing is lost on either device.
    await until(names.bind(null, b), (list) => list.join() === 'Shop,Shop (from laptop)');
    await until(
      () => log(b, copy.id),
      (events) => events.length === 5,
    );
    expect(ids(await log(b, copy.id))).toEqual(ids(copyLog));
  });

  test('a copy whose fork the server made but whose answer was lost is pushed whole under another id', async () => {
    const { url, a, b, projectId, secret } = await pairedOnShop();
    let lost = 0;
    a.loseAnswer.value = (method, url) =>
      method === 'PUT' && url.includes('/streams/projects/') && !url.includes(projectId) && (lost += 1) === 1;
    await writeApart(a, b, projectId, ['laptop 1', 'laptop 2'], ['phone 1']);
    await until(names.bind(null, a), (list) => list.join() === 'Shop,Shop (from laptop)');
    expect(lost).toBeGreaterThanOrEqual(1);
    const copy = (await a.engine.db.projects.toArray()).find((row) => row.name.endsWith('(from laptop)'))!;
    // B gets the copy whole; its stream is a plain one, sealed under the copy from seq 1.
    await until(
      () => log(b, copy.id),
      (events) => events.length === 5,
    );
    const reader = await joinSpace(url, secret);
    const response = await fetch(`${projectStreamUrl(reader, copy.id)}?offset=-1`, {
      headers: { authorization: `Bearer ${reader.token}` },
    });
    const runs = ((await response.json()) as Array<{ kind: string; seq?: number; ids?: string[] }>).filter(
      (envelope) => envelope.kind === 'events',
    );
    expect(runs.map((envelope) => [envelope.seq, envelope.ids!.length])).toEqual([[1, 5]]);
    expect(a.sync.current().state).toBe('connected');
  });

  test('a project a copy was forked from is deleted everywhere even when the first answer was lost (then 410)', async () => {
    const { a, b, projectId } = await pairedOnShop();
    await writeApart(a, b, projectId, ['laptop 1'], ['phone 1']);
    await until(names.bind(null, a), (list) => list.join() === 'Shop,Shop (from laptop)');
    await until(names.bind(null, b), (list) => list.join() === 'Shop,Shop (from laptop)');
    await until(
      () => log(a, projectId),
      (events) => events.length === 3,
    );
    let lost = 0;
    a.loseAnswer.value = (method) => method === 'DELETE' && (lost += 1) === 1;
    await deleteEverywhere(a, projectId, 'Shop');
    // The copy still reads the project's start, so the server keeps it (soft-deleted): a
    // second DELETE is answered 410, which is as good as done.
    const state = new DeviceSyncState(a.engine.db);
    await until(
      () => state.toRetire(),
      (pending) => pending.length === 0,
    );
    expect(lost, 'the DELETE whose answer was lost, then the one answered 410').toBeGreaterThanOrEqual(2);
    expect(a.sync.current().message).toBeNull();
    await until(names.bind(null, b), (list) => list.join() === 'Shop (from laptop)');
  });

  test('while a diverged project is split in two, the device counts it as written elsewhere', async () => {
    const { url } = await server();
    const remoteDuringSplit: boolean[] = [];
    let proceed: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (proceed = resolve));
    const a: Device = device('laptop', {
      // The runner is let go here; the app attaches it again to a project it writes
      // (opening it, a lock handed over) unless the sync says another device writes it.
      release: async (projectId) => {
        remoteDuringSplit.push(a.sync.isRemoteNow(projectId), await a.sync.isRemote(projectId));
        await held;
      },
    });
    const b = device('phone');
    const projectId = await newProject(a, 'Shop');
    const secret = await a.sync.create(url, 'laptop');
    await b.sync.join(url, secret, 'phone');
    await until(
      () => log(b, projectId),
      (events) => events.length === 2,
    );
    await writeApart(a, b, projectId, ['laptop 1'], ['phone 1']);
    await until(
      () => Promise.resolve(remoteDuringSplit.length),
      (count) => count === 2,
    );
    expect(remoteDuringSplit).toEqual([true, true]);
    proceed();
    await until(names.bind(null, a), (list) => list.join() === 'Shop,Shop (from laptop)');
    await until(
      () => log(a, projectId),
      (events) => events.length === 3,
    );
    expect(a.sync.isRemoteNow(projectId)).toBe(true);
  });

  test('work done offline waits on the device, says so, and is pushed when the server is back', async () => {
    const { a, b, projectId } = await pairedOnShop();

    a.offline.value = true;
    await a.engine.store.append(projectId, [message('on the train 1'), message('on the train 2')]);
    const waiting = await until(
      () => Promise.resolve(a.sync.current()),
      (status) => status.state === 'unreachable' && status.waiting === 2,
    );
    expect(waiting.message).toContain('unreachable');
    a.offline.value = false;
    await until(
      () => log(b, projectId),
      (events) => events.length === 4,
    );
    expect(ids(await log(b, projectId))).toEqual(ids(await log(a, projectId)));
    await until(
      () => Promise.resolve(a.sync.current()),
      (status) => status.state === 'connected' && status.waiting === 0,
    );
  });

  test('a device that takes a project over fences the one that ran it: its late events become a copy', async () => {
    const { a, b, projectId } = await pairedOnShop();

    // A loses the network while running; B takes the project over and goes on.
    a.offline.value = true;
    await b.sync.takeOver(projectId);
    await b.engine.store.append(projectId, [message('phone takes over')]);
    await until(
      () => Promise.resolve(b.sync.current()),
      (status) => status.waiting === 0,
    );
    await a.engine.store.append(projectId, [message('laptop, late')]);
    a.offline.value = false;

    await until(names.bind(null, a), (list) => list.join() === 'Shop,Shop (from laptop)');
    const bLog = ids(await log(b, projectId));
    await until(
      async () => ids(await log(a, projectId)),
      (list) => list.join() === bLog.join(),
    );
    expect((await log(b, projectId)).map((event) => event.type === 'user-message' && event.payload.text)).toContain(
      'phone takes over',
    );
    await until(names.bind(null, b), (list) => list.join() === 'Shop,Shop (from laptop)');
  });

  test('a project deleted on A stays deleted there while B goes on writing it', async () => {
    const { url } = await server();
    const a = device('laptop');
    const b = device('phone');
    const projectId = await newProject(a, 'Shop');
    const kept = await newProject(a, 'Kept');
    const secret = await a.sync.create(url, 'laptop');
    await b.sync.join(url, secret, 'phone');
    await until(
      () => log(b, projectId),
      (events) => events.length === 2,
    );
    await until(
      () => log(b, kept),
      (events) => events.length === 2,
    );
    await b.sync.takeOver(projectId);
    await b.sync.takeOver(kept);

    // As the worker's deleteProject does: sync forgets it, then the log goes.
    await a.sync.forget(projectId);
    await a.engine.store.deleteLog(projectId, []);
    await b.engine.store.append(projectId, [message('phone goes on')]);
    await until(
      () => Promise.resolve(b.sync.current()),
      (status) => status.state === 'connected' && status.waiting === 0,
    );
    await b.engine.store.append(kept, [message('after the delete')]);
    await until(
      () => log(a, kept),
      (events) => events.length === 3,
    );
    // Long enough for a tail that read past the emptied log to read the stream again.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await log(a, projectId)).toEqual([]);
    expect(await names(a)).toEqual(['Kept']);
    expect(await b.sync.isRemote(projectId)).toBe(false);

    // Nor after a restart: the index names it, but this device deleted it.
    a.sync.stop();
    await a.sync.resume();
    await until(
      () => Promise.resolve(a.sync.current()),
      (status) => status.state === 'connected' && status.projects === 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await log(a, projectId)).toEqual([]);
    expect(await names(a)).toEqual(['Kept']);
  });

  test('a project deleted on every device goes from the others and from the server, and stays gone', async () => {
    const { url } = await server();
    const a = device('laptop');
    const b = device('phone');
    const projectId = await newProject(a, 'Shop');
    const kept = await newProject(a, 'Kept');
    const secret = await a.sync.create(url, 'laptop');
    await b.sync.join(url, secret, 'phone');
    await until(names.bind(null, b), (list) => list.join() === 'Kept,Shop');
    await until(
      () => log(b, projectId),
      (events) => events.length === 2,
    );

    await deleteEverywhere(a, projectId, 'Shop');
    await until(names.bind(null, b), (list) => list.join() === 'Kept');
    expect(await log(b, projectId)).toEqual([]);
    // The server let go of its stream; the other project is untouched.
    const connection = await joinSpace(url, secret);
    const read = await fetch(projectStreamUrl(connection, projectId), {
      headers: { authorization: `Bearer ${connection.token}` },
    });
    expect(read.status).toBe(404);
    await a.engine.store.append(kept, [message('still synced')]);
    await until(
      () => log(b, kept),
      (events) => events.length === 3,
    );

    // Neither device brings it back on a restart, nor does a third that joins later.
    for (const on of [a, b]) {
      on.sync.stop();
      await on.sync.resume();
    }
    const c = device('tablet');
    await c.sync.join(url, secret, 'tablet');
    await until(names.bind(null, c), (list) => list.join() === 'Kept');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const on of [a, b, c]) expect(await names(on)).toEqual(['Kept']);
    expect(await log(c, projectId)).toEqual([]);
    // Reading the index from its start, C did not make the deleted project's stream again.
    const again = await fetch(projectStreamUrl(connection, projectId), {
      headers: { authorization: `Bearer ${connection.token}` },
    });
    expect(again.status).toBe(404);
  });

  test('a device that holds work on a project the server never had keeps it when another deletes it everywhere', async () => {
    const { a, b, projectId } = await pairedOnShop();
    // B works on it offline; A deletes it on every device meanwhile.
    b.offline.value = true;
    await b.sync.takeOver(projectId);
    await b.engine.store.append(projectId, [message('written on the phone, offline')]);
    await deleteEverywhere(a, projectId, 'Shop');
    b.offline.value = false;
    b.sync.retryNow();
    // B heard (its index read the deletion), and kept its copy, no longer synced.
    await until(
      async () => (await b.sync.projectStatus(projectId)).synced,
      (synced) => !synced,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await log(b, projectId)).toHaveLength(3);
    expect(await names(b)).toEqual(['Shop']);
    expect(await names(a)).toEqual([]);
    // B says why it kept the copy, until the person dismisses it, across a restart too.
    await until(
      () => b.sync.projectStatus(projectId),
      (status) => status.kept === true,
    );
    b.sync.stop();
    await b.sync.resume();
    expect((await b.sync.projectStatus(projectId)).kept).toBe(true);
    expect((await b.sync.dismissKept(projectId)).kept).toBeUndefined();
  });

  test('a copy another tab runs is not deleted under it: what it writes meanwhile keeps the copy', async () => {
    const { url } = await server();
    const a = device('laptop');
    // B's attempts to delete are refused while another of its tabs runs the project.
    let attempts = 0;
    const otherTab = { runs: true };
    const b = device('phone', {
      remove: async (projectId) => {
        attempts += 1;
        if (otherTab.runs) return false;
        return (await createHousekeeping(b.engine).deleteProject(projectId)).ok;
      },
    });
    const projectId = await newProject(a, 'Shop');
    const secret = await a.sync.create(url, 'laptop');
    await b.sync.join(url, secret, 'phone');
    await until(
      () => log(b, projectId),
      (events) => events.length === 2,
    );
    await deleteEverywhere(a, projectId, 'Shop');
    await until(
      () => Promise.resolve(attempts),
      (count) => count > 0,
    );
    // That tab writes on (never pushed: the space deleted the project), then lets go.
    await b.engine.store.append(projectId, [message('the other tab goes on')]);
    otherTab.runs = false;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await log(b, projectId)).toHaveLength(3);
    expect(await names(b)).toEqual(['Shop']);
  });

  test('a copy still to delete when the device restarts is deleted after it, once nothing holds it', async () => {
    const { url } = await server();
    const a = device('laptop');
    const otherTab = { runs: true };
    const b = device('phone', {
      remove: async (projectId) => !otherTab.runs && (await createHousekeeping(b.engine).deleteProject(projectId)).ok,
    });
    const projectId = await newProject(a, 'Shop');
    const secret = await a.sync.create(url, 'laptop');
    await b.sync.join(url, secret, 'phone');
    await until(
      () => log(b, projectId),
      (events) => events.length === 2,
    );
    await deleteEverywhere(a, projectId, 'Shop');
    await until(
      async () => (await b.sync.projectStatus(projectId)).synced,
      (synced) => !synced,
    );
    // B restarts while another tab still holds the project; then that tab lets go, having written nothing.
    b.sync.stop();
    await b.sync.resume();
    otherTab.runs = false;
    await until(names.bind(null, b), (list) => list.length === 0);
    expect(await log(b, projectId)).toEqual([]);
  });

  test('a deletion the server cannot carry out yet says so in the index once and backs off', async () => {
    const { url } = await server();
    const a = device('laptop');
    const projectId = await newProject(a, 'Shop');
    await a.sync.create(url, 'laptop');
    await until(
      () => Promise.resolve(a.sync.current()),
      (status) => status.state === 'connected' && status.waiting === 0,
    );
    // The project's own announcement has gone to the index (the count below starts after it).
    await until(
      () =>
        Promise.resolve(
          a.requests.some((request) => request.method === 'POST' && request.url.includes('/streams/index')),
        ),
      (sent) => sent,
    );
    a.deny.value = (method) => method === 'DELETE';
    const before = a.requests.length;
    await deleteEverywhere(a, projectId, 'Shop');
    // Scans every 100 ms for 2.5 s: the tombstone went once, the DELETE waits its backoff.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const since = a.requests.slice(before);
    const toIndex = since.filter((request) => request.method === 'POST' && request.url.includes('/streams/index'));
    const deletes = since.filter((request) => request.method === 'DELETE');
    expect(toIndex).toHaveLength(1);
    expect(deletes.length).toBeGreaterThan(0);
    expect(deletes.length).toBeLessThanOrEqual(5);
    a.deny.value = undefined;
    a.sync.retryNow();
    const connection = await joinSpace(url, (await a.sync.secret())!);
    await until(
      async () =>
        (
          await fetch(projectStreamUrl(connection, projectId), {
            headers: { authorization: `Bearer ${connection.token}` },
          })
        ).status,
      (status) => status === 404,
    );
  });

  test('a device keeps one read open per stream, and long-polls the index and at most three projects', async () => {
    const { url } = await server();
    const a = device('laptop', { pollMs: 300 });
    const b = device('phone', { pollMs: 300 });
    const projects = [
      await newProject(a, 'One'),
      await newProject(a, 'Two'),
      await newProject(a, 'Three'),
      await newProject(a, 'Four'),
    ];
    const secret = await a.sync.create(url, 'laptop');
    // Joining while a start of the same space is still on its way: one sync, not two.
    await Promise.all([b.sync.join(url, secret, 'phone'), b.sync.resume()]);
    const holds = (on: Device, count: number) =>
      until(
        async () => Promise.all(projects.map(async (projectId) => (await log(on, projectId)).length)),
        (lengths) => lengths.every((length) => length === count),
      );
    await holds(b, 2);
    for (const projectId of projects) await a.engine.store.append(projectId, [message('live')]);
    await holds(b, 3);
    // Cut off and back: every read that failed is made again, once.
    b.offline.value = true;
    for (const projectId of projects) await a.engine.store.append(projectId, [message('while B is away')]);
    await until(
      () => Promise.resolve(b.sync.current()),
      (status) => status.state === 'unreachable',
    );
    b.offline.value = false;
    await holds(b, 4);
    // A restart of A's sync racing a second start.
    a.sync.stop();
    await Promise.all([a.sync.resume(), a.sync.resume()]);
    for (const projectId of projects) await a.engine.store.append(projectId, [message('after the restart')]);
    await holds(b, 5);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    for (const on of [a, b]) {
      const streams = [...on.reads.most.keys()].map((stream) => stream.replace(/^.*\/streams\//, ''));
      expect(streams.sort()).toEqual([...projects.map((projectId) => `projects/${projectId}`), 'index'].sort());
      expect(Object.fromEntries(on.reads.most)).toEqual(
        Object.fromEntries([...on.reads.most.keys()].map((k) => [k, 1])),
      );
      // Settled: a long-poll waits on the index and on three of the four projects; the
      // fourth is polled, so at most one read of it is open.
      const open = [...on.reads.open.values()].reduce((sum, count) => sum + count, 0);
      expect(open).toBeGreaterThanOrEqual(4);
      expect(open).toBeLessThanOrEqual(5);
      expect(on.longPolls.most).toBeLessThanOrEqual(4);
    }
  });

  test('with many projects, a device holds few long-polls, polls the rest, and makes live the ones another device writes', async () => {
    const { url } = await server();
    const a = device('laptop', { pollMs: 300 });
    const b = device('phone', { pollMs: 300 });
    const projects: string[] = [];
    for (let i = 0; i < 8; i += 1) projects.push(await newProject(a, `Project ${i}`));
    const secret = await a.sync.create(url, 'laptop');
    // A has pushed every project before B joins: what B reads of A's first push is then a
    // catch-up. (Read while A still pushes, the rest comes as news and rightly goes live.)
    await until(
      () => Promise.resolve(a.sync.current()),
      (status) => status.state === 'connected' && status.projects === 8 && status.waiting === 0,
    );
    await b.sync.join(url, secret, 'phone');
    const holds = (count: number) =>
      until(
        async () => Promise.all(projects.map(async (projectId) => (await log(b, projectId)).length)),
        (lengths) => lengths.every((length) => length === count),
      );
    // Every project arrives, each one's tail live or polled.
    await holds(2);
    const liveReads = (projectId: string) =>
      b.requests.filter((request) => request.url.includes(projectId) && request.url.includes('live=long-poll')).length;
    // A project B polls (a catch-up is no sign of activity, so none went live yet)…
    const busy = projects.find((projectId) => liveReads(projectId) === 0)!;
    expect(busy).toBeDefined();
    // …that A writes steadily goes live on B.
    for (let i = 0; i < 4; i += 1) {
      await a.engine.store.append(busy, [message(`busy ${i}`)]);
      await until(
        () => log(b, busy),
        (events) => events.length === 3 + i,
      );
    }
    expect(liveReads(busy)).toBeGreaterThan(0);
    // Every project still gets what A writes, polled or live.
    for (const projectId of projects) await a.engine.store.append(projectId, [message('to every project')]);
    await until(
      async () => Promise.all(projects.map(async (projectId) => (await log(b, projectId)).length)),
      (lengths) => lengths.every((length, i) => length === (projects[i] === busy ? 7 : 3)),
    );
    // Over HTTP/1.1 a browser has six connections to the server: one long-poll per project
    // would take them all. The index and three projects are long-polled, at most.
    expect(b.longPolls.most).toBeLessThanOrEqual(4);
    expect(a.longPolls.most).toBeLessThanOrEqual(4);
    expect(ids(await log(b, busy))).toEqual(ids(await log(a, busy)));
  });

  test('restarting a device adds nothing to the index: its projects are announced once', async () => {
    const { url } = await server();
    const a = device('laptop');
    await newProject(a, 'Shop');
    await newProject(a, 'Notes');
    await a.sync.create(url, 'laptop');
    const appends = () =>
      a.requests.filter((request) => request.method === 'POST' && request.url.endsWith('/streams/index')).length;
    const settled = async () => {
      await until(
        () => Promise.resolve(a.sync.current()),
        (status) => status.state === 'connected' && status.projects === 2,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
    };
    await settled();
    expect(appends()).toBe(2);

    for (let restart = 0; restart < 2; restart += 1) {
      a.sync.stop();
      await a.sync.resume();
      await settled();
    }
    expect(appends()).toBe(2);
  });
});
