/**
 * The engine benchmark's page: the real event store on the browser's real IndexedDB,
 * with raw IndexedDB measured beside it as the ceiling. Driven from Node by
 * tests/bench/suites/engine.ts through `window.engineBench`.
 */
import { ulid } from 'ulid';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import type { EventDraft, OrchestraEvent } from '../../../worker/events/catalog.ts';
import { foldEvents } from '../../../worker/events/fold.ts';
import { type CommitRow, commitOf } from '../../../worker/events/log-table.ts';
import { costPages, pagedTables, pagesOf } from '../../../worker/events/projections/materialize.ts';
import { Changes, emptyProjectState } from '../../../worker/events/projections/project-state.ts';
import { reduce } from '../../../worker/events/projections/reduce.ts';
import { seeded } from '../../unit/events/random-history.ts';
import { runProject } from './orchestration.ts';
import { simulatedRun } from './workload.ts';

const channel = new BroadcastChannel('orchestra-bench');
const db = new OrchestraDb('orchestra-bench');
const engine = createEngine(db, { channel });
const received: number[] = [];

const now = () => performance.timeOrigin + performance.now();

function drafts(count: number): EventDraft[] {
  return simulatedRun(count);
}

/** What one raw transaction puts: rows by table. */
type RawWrite = { table: string; rows: unknown[] }[];

/** Opens a scratch database whose stores are made by `setup`. */
function openRaw(name: string, setup: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  return new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => setup(open.result);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(new Error(open.error?.message));
  });
}

/** The envelopes the store would give `drafts` from sequence number `firstSeq` on. */
function envelopes(projectId: string, drafts: EventDraft[], firstSeq: number): OrchestraEvent[] {
  return drafts.map((draft, index) => ({
    ...draft,
    id: ulid(),
    projectId,
    seq: firstSeq + index,
    v: 1,
    at: Date.now(),
    correlationId: 'bench',
    causationId: null,
  }));
}

/** Puts each write in a transaction of its own, one after another: `count` events per second. */
async function timeRawWrites(raw: IDBDatabase, writes: RawWrite[], count: number): Promise<number> {
  const start = performance.now();
  for (const write of writes) {
    await new Promise<void>((resolve, reject) => {
      const tx = raw.transaction(
        write.map((entry) => entry.table),
        'readwrite',
      );
      for (const entry of write) {
        const store = tx.objectStore(entry.table);
        for (const row of entry.rows) store.put(row);
      }
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(new Error(tx.error?.message));
    });
  }
  const seconds = (performance.now() - start) / 1000;
  raw.close();
  indexedDB.deleteDatabase(raw.name);
  return count / seconds;
}

/**
 * One record per event, put with nothing in between: the layout an event log in
 * IndexedDB starts from, and the ceiling the issue names for appends.
 */
async function rawPut(count: number, batch: number): Promise<number> {
  const raw = await openRaw(`raw-${ulid()}`, (database) => {
    const store = database.createObjectStore('events', { keyPath: ['projectId', 'seq'] });
    store.createIndex('id', 'id', { unique: true });
    store.createIndex('type', 'type');
  });
  const records = envelopes(ulid(), drafts(count), 1);
  const writes: RawWrite[] = [];
  for (let i = 0; i < records.length; i += batch) writes.push([{ table: 'events', rows: records.slice(i, i + batch) }]);
  return timeRawWrites(raw, writes, count);
}

/**
 * The very records the store writes for the same batches — each batch's commit row and
 * the read-model pages its fold touched, into tables with the same keys and indexes —
 * put with nothing in between: validation, folding and Dexie are what the store adds.
 */
async function rawPutSameRecords(count: number, batch: number): Promise<number> {
  const raw = await openRaw(`raw-same-${ulid()}`, (database) => {
    for (const table of db.tables) {
      const store = database.createObjectStore(table.name, { keyPath: table.schema.primKey.keyPath ?? null });
      for (const index of table.schema.indexes) {
        store.createIndex(index.name, index.keyPath ?? index.name, {
          unique: index.unique ?? false,
          multiEntry: index.multi ?? false,
        });
      }
    }
  });
  const projectId = ulid();
  const all = drafts(count);
  const state = emptyProjectState(projectId);
  const writes: RawWrite[] = [];
  for (let i = 0; i < all.length; i += batch) {
    const changes = new Changes();
    const events = envelopes(projectId, all.slice(i, i + batch), i + 1);
    for (const event of events) reduce(state, event, changes);
    const write: RawWrite = [{ table: 'commits', rows: [commitOf(events)] }];
    if (changes.project && state.project) write.push({ table: 'projects', rows: [structuredClone(state.project)] });
    for (const table of pagedTables) {
      if (changes.keys[table].size > 0)
        write.push({ table, rows: structuredClone(pagesOf(state, table, changes.keys[table])) });
    }
    if (changes.keys.costs.size > 0) write.push({ table: 'costs', rows: structuredClone(costPages(state, changes)) });
    writes.push(write);
  }
  return timeRawWrites(raw, writes, count);
}

/** Appends through the event store (validation, fold, read models, one transaction per batch). */
async function append(
  count: number,
  batch: number,
  projectId = ulid(),
): Promise<{ projectId: string; perSecond: number }> {
  const all = drafts(count);
  const start = performance.now();
  for (let i = 0; i < all.length; i += batch) await engine.store.append(projectId, all.slice(i, i + batch));
  return { projectId, perSecond: count / ((performance.now() - start) / 1000) };
}

/** Reads a project's log through the store, and with a raw `getAll` on the same object store. */
async function readLog(projectId: string): Promise<{ storeMs: number; rawMs: number; events: number }> {
  engine.store.invalidate(projectId);
  let start = performance.now();
  const events = await engine.store.read(projectId);
  const storeMs = performance.now() - start;
  const raw = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open('orchestra-bench');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(new Error(open.error?.message));
  });
  start = performance.now();
  const rows = await new Promise<CommitRow[]>((resolve, reject) => {
    const request = raw
      .transaction('commits')
      .objectStore('commits')
      .getAll(IDBKeyRange.bound([projectId, -Infinity], [projectId, Infinity]));
    request.onsuccess = () => resolve(request.result as CommitRow[]);
    request.onerror = () => reject(new Error(request.error?.message));
  });
  const rawMs = performance.now() - start;
  raw.close();
  const rawEvents = rows.reduce((sum, row) => sum + row.events.length, 0);
  if (rawEvents !== events.length) throw new Error(`raw read ${rawEvents} events, the store ${events.length}`);
  return { storeMs, rawMs, events: events.length };
}

/** Folds the whole log in memory: events per second. */
async function fold(projectId: string): Promise<number> {
  const events: OrchestraEvent[] = await engine.store.read(projectId);
  foldEvents(projectId, events.slice(0, 1000)); // warm up the JIT
  const start = performance.now();
  foldEvents(projectId, events);
  return events.length / ((performance.now() - start) / 1000);
}

/** Opens time travel on a project (reads and folds its log once), then visits `points` random sequence numbers. */
async function timeTravel(projectId: string, points: number): Promise<{ openMs: number; times: number[] }> {
  const head = await engine.store.headSeq(projectId);
  engine.timeTravel.close();
  let start = performance.now();
  await engine.timeTravel.stateAt(projectId, 1);
  const openMs = performance.now() - start;
  const random = seeded(3);
  const times: number[] = [];
  for (let i = 0; i < points; i++) {
    const seq = 1 + Math.floor(random() * head);
    start = performance.now();
    const state = await engine.timeTravel.stateAt(projectId, seq);
    times.push(performance.now() - start);
    if (state.lastSeq !== seq) throw new Error(`time travel to ${seq} landed on ${state.lastSeq}`);
  }
  return { openMs, times };
}

/** In the watching tab: subscribe, and note when each message (stamped with its send time) arrives. */
function listen(projectId: string): void {
  engine.feed.subscribe(projectId, 0, (events) => {
    const at = now();
    for (const event of events) {
      if (event.type === 'user-message' && event.payload.text.startsWith('sent:'))
        received.push(at - Number(event.payload.text.slice(5)));
    }
  });
}

/** In the writing tab: append `count` stamped messages, one at a time. */
async function speak(projectId: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await engine.store.append(projectId, [
      { type: 'user-message', actor: { kind: 'user' }, payload: { messageId: ulid(), text: `sent:${now()}` } },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function createProject(): Promise<string> {
  const projectId = ulid();
  await engine.store.append(projectId, drafts(1));
  return projectId;
}

const api = {
  rawPut,
  rawPutSameRecords,
  append,
  readLog,
  fold,
  timeTravel,
  listen,
  speak,
  createProject,
  runProject,
  latencies: () => received,
};
(window as unknown as { engineBench: typeof api }).engineBench = api;
document.body.dataset['ready'] = 'true';
export type EngineBench = typeof api;
