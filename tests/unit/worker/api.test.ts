import 'fake-indexeddb/auto';
import { type Remote, expose, proxy, wrap } from 'comlink';
import { afterEach, expect, test } from 'vitest';
import { type ProjectUpdate, type WorkerApi, createWorkerApi } from '../../../worker/api.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import { MemoryLocks } from '../events/memory-locks.ts';

let counter = 0;
const channels: MessageChannel[] = [];

/**
 * Comlink releases an endpoint when its proxy is garbage-collected (a FinalizationRegistry),
 * so a proxy used once, as in `connect(db).health()`, could lose its reply mid-call: held here.
 */
const remotes: Remote<WorkerApi>[] = [];

/** The engine's API behind a real Comlink channel, as the UI sees it. */
function connect(db: OrchestraDb, storage?: Parameters<typeof createWorkerApi>[0]['storage']): Remote<WorkerApi> {
  const channel = new MessageChannel();
  channels.push(channel);
  expose(createWorkerApi({ db, engine: createEngine(db), storage }), channel.port1);
  const remote = wrap<WorkerApi>(channel.port2);
  remotes.push(remote);
  return remote;
}

afterEach(() => {
  remotes.length = 0;
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

test('health reports the open database and the storage figures', async () => {
  const engine = connect(new OrchestraDb(`api-${++counter}`), {
    estimate: () => Promise.resolve({ usage: 2048, quota: 1_000_000 }),
    persisted: () => Promise.resolve(false),
  });
  const health = await engine.health();
  expect(health).toMatchObject({
    status: 'ready',
    database: {
      open: true,
      version: 10,
      tables: expect.arrayContaining(['meta', 'settings', 'commits', 'providerKeys', 'deviceEvents']) as string[],
    },
    storage: { usageBytes: 2048, quotaBytes: 1_000_000 },
    persisted: false,
  });
});

test('health says so when the browser reports no storage figures', async () => {
  const health = await connect(new OrchestraDb(`api-${++counter}`)).health();
  expect(health.storage).toBe(null);
  expect(health.persisted).toBe(null);
});

const npmRegistry = 'https://registry.npmjs.org';

test('settings round-trip, and a bad value or unknown key is refused with a clear message', async () => {
  const db = new OrchestraDb(`api-${++counter}`);
  const engine = connect(db);
  expect(await engine.getSettings()).toEqual({
    ok: true,
    value: { theme: 'system', checkTimeoutSeconds: 60, npmRegistry },
  });
  expect(await engine.updateSettings({ theme: 'dark' })).toEqual({
    ok: true,
    value: { theme: 'dark', checkTimeoutSeconds: 60, npmRegistry },
  });
  expect(await engine.updateSettings({ checkTimeoutSeconds: 30, npmRegistry })).toEqual({
    ok: true,
    value: { theme: 'dark', checkTimeoutSeconds: 30, npmRegistry },
  });
  expect(await engine.getSettings()).toEqual({
    ok: true,
    value: { theme: 'dark', checkTimeoutSeconds: 30, npmRegistry },
  });

  const badValue = await engine.updateSettings({ theme: 'neon' as 'dark' });
  expect(badValue).toMatchObject({ ok: false, kind: 'bad_input', retryable: false });
  expect(!badValue.ok && badValue.message).toMatch(/^These settings cannot be saved: /);
  // A test run's time limit is 5 s to 10 min, in whole seconds.
  for (const seconds of [0, 4, 601, 1.5])
    expect(await engine.updateSettings({ checkTimeoutSeconds: seconds })).toMatchObject({
      ok: false,
      kind: 'bad_input',
    });
  // The npm registry: https, or http on this machine only (a mirror, the tests' registry).
  for (const npmRegistry of ['http://registry.example.com', 'ftp://127.0.0.1', 'not a url'])
    expect(await engine.updateSettings({ npmRegistry })).toMatchObject({ ok: false, kind: 'bad_input' });
  expect(await engine.updateSettings({ npmRegistry: 'http://127.0.0.1:4873' })).toMatchObject({
    ok: true,
    value: { npmRegistry: 'http://127.0.0.1:4873' },
  });
  await engine.updateSettings({ npmRegistry });
  const unknownKey = await engine.updateSettings({ apiKey: 'sk-secret' } as never);
  expect(unknownKey).toMatchObject({ ok: false, kind: 'bad_input' });
  expect(await db.settings.get('apiKey')).toBeUndefined();
  expect(await engine.getSettings()).toEqual({
    ok: true,
    value: { theme: 'dark', checkTimeoutSeconds: 30, npmRegistry },
  });
});

test('a stored value that no longer fits falls back to its default', async () => {
  const db = new OrchestraDb(`api-${++counter}`);
  await db.settings.put({ key: 'theme', value: 'sepia', updatedAt: 1 });
  await db.settings.put({ key: 'checkTimeoutSeconds', value: -3, updatedAt: 1 });
  await db.settings.put({ key: 'npmRegistry', value: 'javascript:alert(1)', updatedAt: 1 });
  expect(await connect(db).getSettings()).toEqual({
    ok: true,
    value: { theme: 'system', checkTimeoutSeconds: 60, npmRegistry },
  });
});

test('when IndexedDB cannot be opened, health is degraded and commands fail as data', async () => {
  const blocked = {
    open: () => {
      throw new DOMException('IndexedDB is disabled in this browser', 'InvalidStateError');
    },
  } as unknown as IDBFactory;
  const db = new OrchestraDb(`api-${++counter}`, { indexedDB: blocked, IDBKeyRange });
  const engine = connect(db);
  const health = await engine.health();
  expect(health.status).toBe('degraded');
  expect(health.database).toMatchObject({
    open: false,
    message: expect.stringContaining('could not open its storage') as string,
  });
  const result = await engine.updateSettings({ theme: 'light' });
  expect(result).toMatchObject({ ok: false, kind: 'storage', retryable: true });
});

test('a project is created, listed, opened, written to and watched through the door', async () => {
  const engine = connect(new OrchestraDb(`api-${++counter}`));
  const created = await engine.createProject({ name: 'Todo app', description: 'A list of things to do' });
  expect(created.ok).toBe(true);
  const projectId = created.ok ? created.value.projectId : '';

  const listed = await engine.listProjects();
  expect(listed.ok && listed.value.map((project) => project.name)).toEqual(['Todo app']);
  const opened = await engine.openProject(projectId);
  expect(opened).toMatchObject({
    ok: true,
    value: { role: 'writer', view: { lastSeq: 1, project: { name: 'Todo app' } } },
  });

  const updates: ProjectUpdate[] = [];
  let arrived = () => {};
  await engine.watchProject(
    projectId,
    0,
    proxy((update: ProjectUpdate) => {
      updates.push(update);
      arrived();
    }),
  );
  expect(await engine.sendMessage(projectId, 'Use TypeScript, please.')).toEqual({ ok: true, value: { seq: 2 } });
  await new Promise<void>((resolve) => {
    arrived = () =>
      updates.flatMap((update) => (update.kind === 'events' ? update.events : [])).length >= 2 && resolve();
    arrived();
  });
  const events = updates.flatMap((update) => (update.kind === 'events' ? update.events : []));
  expect(events.map((event) => [event.seq, event.type])).toEqual([
    [1, 'project-create'],
    [2, 'user-message'],
  ]);

  expect(await engine.sendMessage(projectId, '   ')).toMatchObject({ ok: false, kind: 'bad_input' });
  expect(await engine.openProject('01HZY3W4D9Q8Y6X7V5T3S1R0PA')).toMatchObject({ ok: false, kind: 'not_found' });
  expect(await engine.projectAt(projectId, 1)).toMatchObject({
    ok: true,
    value: { lastSeq: 1, project: { messages: 0 } },
  });
});

test('a tab that becomes the writer between opening a project and watching it is told so when it watches', async () => {
  const name = `api-${++counter}`;
  const locks = new MemoryLocks() as unknown as LockManager;
  const tab = (db: OrchestraDb) => createWorkerApi({ db, engine: createEngine(db, { locks }), storage: undefined });
  const first = createEngine(new OrchestraDb(name), { locks });
  const writer = createWorkerApi({ db: new OrchestraDb(name), engine: first, storage: undefined });
  const created = await writer.createProject({ name: 'Hand-over', description: 'A tab closes mid-open' });
  const projectId = created.ok ? created.value.projectId : '';
  expect(await writer.openProject(projectId)).toMatchObject({ ok: true, value: { role: 'writer' } });

  const observer = tab(new OrchestraDb(name));
  expect(await observer.openProject(projectId)).toMatchObject({ ok: true, value: { role: 'observer' } });
  // The writer's tab closes after the page heard "observer" and before it watches.
  first.locks.release(projectId);
  await new Promise((resolve) => setTimeout(resolve, 0));

  const updates: ProjectUpdate[] = [];
  let arrived = () => {};
  observer.watchProject(projectId, 0, (update) => {
    updates.push(update);
    arrived();
  });
  // Its first message as the writer is proof it writes; by then the page must know its role.
  expect(await observer.sendMessage(projectId, 'Still here.')).toMatchObject({ ok: true });
  await new Promise<void>((resolve) => {
    arrived = () =>
      updates.some(
        (update) => update.kind === 'events' && update.events.some((event) => event.type === 'user-message'),
      ) && resolve();
    arrived();
  });
  expect(updates.filter((update) => update.kind === 'role')).toEqual([{ kind: 'role', role: 'writer' }]);
});
