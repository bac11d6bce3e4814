import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { ulid } from 'ulid';
import { expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { schemaHistory } from '../../../worker/db/schema.ts';
import type { EventDraft } from '../../../worker/events/catalog.ts';
import { ConcurrencyError } from '../../../worker/events/errors.ts';
import { EventStore } from '../../../worker/events/event-store.ts';
import { eventsOfType, logHead, readLog } from '../../../worker/events/log-table.ts';
import { randomHistory, seeded } from './random-history.ts';

let counter = 0;
const freshName = () => `log-table-${++counter}`;
const message = (text: string): EventDraft => ({
  type: 'user-message',
  actor: { kind: 'user' },
  payload: { messageId: ulid(), text },
});

/** A project whose log was appended in commits of the given sizes. */
async function projectIn(store: EventStore, sizes: number[]): Promise<string> {
  const projectId = ulid();
  let written = 0;
  for (const size of sizes) {
    await store.append(
      projectId,
      Array.from({ length: size }, () => message(`m${++written}`)),
    );
  }
  return projectId;
}

test('each append is one commit row, and any range of the log reads back exactly, across commits', async () => {
  const db = new OrchestraDb(freshName());
  const store = new EventStore(db);
  const projectId = await projectIn(store, [1, 5, 3, 1, 10]);
  const other = await projectIn(store, [4, 4]);
  expect(await db.commits.where('projectId').equals(projectId).count()).toBe(5);
  expect((await db.commits.toArray()).map((row) => [row.first, row.last])).toEqual(
    expect.arrayContaining([
      [1, 1],
      [2, 6],
      [7, 9],
      [10, 10],
      [11, 20],
    ]),
  );
  const all = await readLog(db, projectId);
  expect(all.map((event) => event.seq)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
  expect(all.every((event) => event.projectId === projectId)).toBe(true);
  const random = seeded(5);
  for (let round = 0; round < 200; round++) {
    const from = 1 + Math.floor(random() * 22);
    const to = from - 2 + Math.floor(random() * 24);
    const expected = all.filter((event) => event.seq >= from && event.seq <= to);
    expect(await readLog(db, projectId, from, to), `${from}..${to}`).toEqual(expected);
  }
  expect(await logHead(db, projectId)).toBe(20);
  expect(await logHead(db, other)).toBe(8);
  expect(await logHead(db, ulid())).toBe(0);
  expect(await readLog(db, ulid())).toEqual([]);
});

test('a stale writer is refused on the commit key even when the commits are of other sizes', async () => {
  const db = new OrchestraDb(freshName());
  const store = new EventStore(db);
  const projectId = await projectIn(store, [3]);
  // Another tab writes two commits; this store has not seen them and its cached state says 3.
  const elsewhere = new EventStore(db);
  await elsewhere.append(projectId, [message('a'), message('b')]);
  await elsewhere.append(projectId, [message('c')]);
  await expect(store.append(projectId, [message('stale')])).rejects.toBeInstanceOf(ConcurrencyError);
  expect((await readLog(db, projectId)).map((event) => (event.payload as { text: string }).text)).toEqual([
    'm1',
    'm2',
    'm3',
    'a',
    'b',
    'c',
  ]);
  // Reloaded, it writes after them.
  await store.append(projectId, [message('fresh')]);
  expect(await logHead(db, projectId)).toBe(7);
});

test('events of one type are found across projects, each project in order', async () => {
  const db = new OrchestraDb(freshName());
  const store = new EventStore(db);
  const random = seeded(9);
  const projects = [ulid(), ulid(), ulid()];
  for (const projectId of projects) {
    const history = randomHistory(random, 120);
    for (let at = 0; at < history.length; at += 7) await store.append(projectId, history.slice(at, at + 7));
  }
  const expected = (await Promise.all(projects.sort().map((projectId) => readLog(db, projectId))))
    .flat()
    .filter((event) => event.type === 'task-start');
  expect(expected.length).toBeGreaterThan(5);
  expect(await eventsOfType(db, 'task-start')).toEqual(expected);
});

test('a database of version 5 moves its events into commits when it upgrades, and they read back unchanged', async () => {
  const name = freshName();
  // The same logs written by this version's store, then laid out as version 5 kept them.
  const scratch = new EventStore(new OrchestraDb(freshName()));
  const random = seeded(21);
  const logs = [];
  for (const length of [2500, 40]) {
    const projectId = ulid();
    const history = randomHistory(random, length);
    for (let at = 0; at < history.length; at += 100) await scratch.append(projectId, history.slice(at, at + 100));
    logs.push({ projectId, events: await scratch.read(projectId) });
  }
  const v5 = new Dexie(name);
  for (const entry of schemaHistory.filter((entry) => entry.version <= 5))
    v5.version(entry.version).stores(entry.stores);
  await v5.open();
  for (const { events } of logs) await v5.table('events').bulkAdd(events);
  v5.close();

  const db = new OrchestraDb(name);
  await db.open();
  expect(db.tables.map((table) => table.name)).not.toContain('events');
  for (const { projectId, events } of logs) {
    expect(await readLog(db, projectId)).toEqual(events);
    expect(await logHead(db, projectId)).toBe(events.length);
    expect(await readLog(db, projectId, 999, 1001)).toEqual(events.slice(998, 1001));
  }
  // At most a thousand events a row.
  expect((await db.commits.toArray()).map((row) => row.events.length).sort((a, b) => b - a)[0]).toBe(1000);
  // The upgraded log takes appends where it ended.
  const [first] = logs;
  if (!first) throw new Error('no log');
  await new EventStore(db).append(first.projectId, [message('after the upgrade')]);
  expect(await logHead(db, first.projectId)).toBe(first.events.length + 1);
  db.close();
});
