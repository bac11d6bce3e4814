import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { ulid } from 'ulid';
import { afterEach, expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { latestVersion, schemaHistory } from '../../../worker/db/schema.ts';
import type { EventDraft } from '../../../worker/events/catalog.ts';
import { EventStore } from '../../../worker/events/event-store.ts';
import { foldEvents } from '../../../worker/events/fold.ts';
import {
  type ReadModelPage,
  pageRows,
  pagedTables,
  pagesOf,
  rowsOf,
} from '../../../worker/events/projections/materialize.ts';
import { emptyProjectState, readModelTables } from '../../../worker/events/projections/project-state.ts';
import { rebuildReadModels } from '../../../worker/events/replay.ts';
import { randomHistory, seeded } from './random-history.ts';

let counter = 0;
const freshName = () => `read-model-pages-${++counter}`;

const file = (
  path: string,
  contentHash = 'a'.repeat(64),
  type: 'artifact-create' | 'artifact-version' = 'artifact-create',
): EventDraft => ({
  type,
  actor: { kind: 'agent', role: 'code-generator' },
  payload: { path, kind: 'source', language: 'typescript', contentHash, size: 10, provenance: { source: 'ai' } },
});

/** Counts the puts each object store receives, however they are made (Dexie or plain requests). */
function countPuts(): { counts: Map<string, number>; restore: () => void } {
  const counts = new Map<string, number>();
  const prototype = IDBObjectStore.prototype;
  const descriptor = Object.getOwnPropertyDescriptor(prototype, 'put') as PropertyDescriptor;
  const put = descriptor.value as (
    this: IDBObjectStore,
    ...args: Parameters<IDBObjectStore['put']>
  ) => IDBRequest<IDBValidKey>;
  prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    counts.set(this.name, (counts.get(this.name) ?? 0) + 1);
    return put.apply(this, args);
  };
  return { counts, restore: () => Object.defineProperty(prototype, 'put', descriptor) };
}
let restorePuts: (() => void) | undefined;
afterEach(() => restorePuts?.());

async function everyTable(db: OrchestraDb, projectId: string): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {};
  for (const table of readModelTables) tables[table] = await rowsOf(db, table, projectId);
  return tables;
}

test('rows are stored a page at a time, in the order they appeared, and an append writes only the pages it touched', async () => {
  const db = new OrchestraDb(freshName());
  const store = new EventStore(db);
  const projectId = ulid();
  const paths = Array.from(
    { length: pageRows('artifacts') * 3 + 5 },
    (_, index) => `src/f${String(index).padStart(3, '0')}.ts`,
  );
  await store.append(
    projectId,
    paths.map((path) => file(path)),
  );

  const pages = await db.artifacts.where('projectId').equals(projectId).sortBy('page');
  expect(pages.map((page) => [page.page, page.rows.length])).toEqual([
    [0, pageRows('artifacts')],
    [1, pageRows('artifacts')],
    [2, pageRows('artifacts')],
    [3, 5],
  ]);
  expect(((await rowsOf(db, 'artifacts', projectId)) as { path: string }[]).map((row) => row.path)).toEqual(paths);

  // A new version of one file in the second page, and one new file: two pages of each table.
  const puts = countPuts();
  restorePuts = puts.restore;
  await store.append(projectId, [
    file(paths[pageRows('artifacts') + 3] as string, 'b'.repeat(64), 'artifact-version'),
    file('src/new.ts'),
  ]);
  puts.restore();
  expect(puts.counts.get('artifacts')).toBe(2);
  expect(puts.counts.get('artifactVersions')).toBe(1); // the new version and the new file both land in the last page
  const state = await store.saved(projectId);
  expect(await rowsOf(db, 'artifacts', projectId)).toEqual([...state.artifacts.values()]);
  expect(await rowsOf(db, 'artifactVersions', projectId)).toEqual([...state.artifactVersions.values()]);
  db.close();
});

test('paged tables read back exactly the rows of the state, and a rebuild from the log writes the same pages (random histories)', async () => {
  const db = new OrchestraDb(freshName());
  const store = new EventStore(db);
  const random = seeded(5);
  for (let round = 0; round < 6; round++) {
    const projectId = ulid();
    const history = [
      ...randomHistory(random, 300),
      ...Array.from({ length: 40 }, (_, index) => file(`gen/${round}-${index}.ts`)),
    ];
    for (let at = 0; at < history.length; at += 1 + Math.floor(random() * 30)) {
      await store.append(projectId, history.slice(at, at + 1 + Math.floor(random() * 30)));
    }
    const state = await store.saved(projectId);
    for (const table of pagedTables) {
      expect(await rowsOf(db, table, projectId)).toEqual([...(state[table] as Map<string, unknown>).values()]);
    }
    const live = await everyTable(db, projectId);
    await rebuildReadModels(db, projectId);
    expect(await everyTable(db, projectId)).toEqual(live);
  }
  db.close();
});

test('a row leaving a paged table is refused loudly: the pages would no longer match the state', () => {
  const state = emptyProjectState('p');
  for (const key of ['a', 'b', 'c']) {
    state.sessions.set(key, { runId: key } as never);
  }
  expect(pagesOf(state, 'sessions', ['b'])).toEqual([{ projectId: 'p', page: 0, rows: [...state.sessions.values()] }]);
  state.sessions.delete('a');
  expect(() => pagesOf(state, 'sessions', ['b'])).toThrow(/A row left the sessions/);
});

test('a database of version 7 gets its read models as pages, folded from its log, and goes on from there', async () => {
  // Logs written by this version's store, then laid out as version 7 kept them: the same
  // commits, and one row per read-model row.
  const scratchDb = new OrchestraDb(freshName());
  const scratch = new EventStore(scratchDb, { now: () => 1_000 });
  const random = seeded(31);
  const projects: string[] = [];
  for (const length of [600, 40]) {
    const projectId = ulid();
    const history = [
      ...randomHistory(random, length),
      ...Array.from({ length: 50 }, (_, index) => file(`lib/${index}.ts`)),
    ];
    for (let at = 0; at < history.length; at += 50) await scratch.append(projectId, history.slice(at, at + 50));
    projects.push(projectId);
  }
  const name = freshName();
  const v7 = new Dexie(name);
  for (const entry of schemaHistory.filter((entry) => entry.version <= 7)) {
    const version = v7.version(entry.version).stores(entry.stores);
    if (entry.upgrade) version.upgrade(entry.upgrade);
  }
  await v7.open();
  await v7.table('commits').bulkAdd(await scratchDb.commits.toArray());
  for (const projectId of projects) {
    await v7.table('costs').bulkAdd(await rowsOf(scratchDb, 'costs', projectId));
    const state = foldEvents(projectId, await scratch.read(projectId));
    for (const table of pagedTables)
      await v7.table(table).bulkAdd([...(state[table] as Map<string, unknown>).values()]);
  }
  v7.close();

  const db = new OrchestraDb(name);
  await db.open();
  expect(db.verno).toBe(latestVersion);
  for (const projectId of projects) {
    expect(await everyTable(db, projectId)).toEqual(await everyTable(scratchDb, projectId));
    const pages = (await db.tasks.where('projectId').equals(projectId).toArray()) as ReadModelPage[];
    expect(pages.every((page) => page.rows.length <= pageRows('tasks'))).toBe(true);
  }
  // The upgraded tables take appends where they ended.
  const [first] = projects;
  if (!first) throw new Error('no project');
  const store = new EventStore(db, { now: () => 1_000 });
  await store.append(first, [file('after/upgrade.ts')]);
  await scratch.append(first, [file('after/upgrade.ts')]);
  expect(await rowsOf(db, 'artifacts', first)).toEqual(await rowsOf(scratchDb, 'artifacts', first));
  db.close();
  scratchDb.close();
});

test('costs: page 0 holds the open reservations, and each transaction puts the ones it closed in one page of their own', async () => {
  const db = new OrchestraDb(freshName());
  const store = new EventStore(db);
  const projectId = ulid();
  const system = { kind: 'system', component: 'test' } as const;
  const reserve = (reservationId: string): EventDraft => ({
    type: 'cost-reserve',
    actor: system,
    payload: { reservationId, taskId: 't1', armId: 'openai/gpt', maxUsd: 0.5 },
  });
  const settle = (reservationId: string): EventDraft => ({
    type: 'cost-settle',
    actor: system,
    payload: { reservationId, actualUsd: 0.1, inputTokens: 10, outputTokens: 5, latencyMs: 20 },
  });
  const ids = Array.from({ length: 30 }, (_, index) => `r${String(index).padStart(2, '0')}`);
  await store.append(
    projectId,
    ids.map((id) => reserve(id)),
  );
  const puts = countPuts();
  restorePuts = puts.restore;
  await store.append(
    projectId,
    ids.slice(0, 20).map((id) => settle(id)),
  );
  puts.restore();
  expect(puts.counts.get('costs')).toBe(2);
  const pages = await db.costs.where('projectId').equals(projectId).sortBy('page');
  expect(pages.map((page) => [page.page, page.rows.length])).toEqual([
    [0, 10],
    [50, 20],
  ]);
  const rows = (await rowsOf(db, 'costs', projectId)) as { reservationId: string; status: string }[];
  expect(rows.map((row) => [row.reservationId, row.status])).toEqual(
    ids.map((id, index) => [id, index < 20 ? 'settled' : 'reserved']),
  );
  db.close();
});
