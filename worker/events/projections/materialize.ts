import Dexie from 'dexie';
import type { OrchestraDb } from '../../db/database.ts';
import { type Changes, type ProjectState, type ReadModelTable, joinKey, readModelTables } from './project-state.ts';
import type { CostRow } from './rows.ts';

/*
 * The read models live in IndexedDB, next to the log, and move with it: every append's
 * transaction writes the rows its events touched. IndexedDB charges by the request —
 * about 50 µs of the writer's thread and 100–150 µs in all per put here, whatever the
 * size up to tens of kilobytes — and a run touches a dozen rows a task. So the rows of a
 * table are stored a page at a time: up to `pageRows` rows of one project, in the order
 * the rows first appeared, under the key [projectId+page]. A transaction writes each page
 * it touched once, whole, from the state it folded.
 *
 * A row's page is fixed by its place in the state's map, which only ever grows at the
 * end (insertion order; a snapshot or a copy keeps it, and a fold from the first event
 * makes the same order again). `costs` is the exception, since a settled reservation
 * leaves the state: its page 0 holds the open reservations, and the reservations a
 * transaction closes go into a page of their own, keyed by that transaction's last
 * sequence number, never written again.
 */

export type PagedTable = Exclude<ReadModelTable, 'costs'>;
export const pagedTables = readModelTables.filter((table): table is PagedTable => table !== 'costs');

/**
 * Rows per page: a page stays under the 64 KB past which Chromium stores a value as a
 * file beside the database, at three to four times the cost per byte of a put. A task
 * row carries its instructions, so its pages hold fewer.
 */
export const pageRows = (table: PagedTable): number => (table === 'tasks' ? 16 : 32);

/** One page of a paged read-model table. */
export interface ReadModelPage<Row = unknown> {
  projectId: string;
  page: number;
  rows: Row[];
}

/** The keys of a state map in insertion order, as far as they have been read, and each key's place. */
interface Order {
  keys: string[];
  places: Map<string, number>;
}

const orders = new WeakMap<Map<string, unknown>, Order>();

/** The insertion order of `rows`, brought up to date with rows added since it was last read. */
function orderOf(table: PagedTable, rows: Map<string, unknown>): Order {
  let order = orders.get(rows);
  if (!order) {
    order = { keys: [], places: new Map() };
    orders.set(rows, order);
  }
  if (rows.size < order.keys.length) {
    throw new Error(`A row left the ${table} of a project's state; its pages would no longer match it.`);
  }
  if (rows.size > order.keys.length) {
    let place = 0;
    for (const key of rows.keys()) {
      if (place >= order.keys.length) {
        order.places.set(key, place);
        order.keys.push(key);
      }
      place += 1;
    }
  }
  return order;
}

/** The pages of `table` that hold the rows `keys`, whole, as the state has them now. */
export function pagesOf(state: ProjectState, table: PagedTable, keys: Iterable<string>): ReadModelPage[] {
  const rows = state[table] as Map<string, unknown>;
  const order = orderOf(table, rows);
  const size = pageRows(table);
  const pages = new Set<number>();
  for (const key of keys) {
    const place = order.places.get(key);
    if (place === undefined) throw new Error(`The ${table} row ${JSON.stringify(key)} is not in the state.`);
    pages.add(Math.floor(place / size));
  }
  return [...pages].map((page) => ({
    projectId: state.projectId,
    page,
    rows: order.keys.slice(page * size, (page + 1) * size).map((key) => rows.get(key)),
  }));
}

/**
 * Writes what a fold touched: the project row, the plan, and each touched page whole. Run inside the append's transaction, so the read models move
 * with the log, never ahead or behind.
 *
 * The rows go to IndexedDB as plain requests on the transaction Dexie opened: Dexie's
 * write path (middleware, key extraction, a promise per row) cost more than the requests
 * themselves. An error still fails the transaction, and with it the append.
 */
export async function writeChanges(db: OrchestraDb, state: ProjectState, changes: Changes): Promise<void> {
  const writes: Promise<unknown>[] = [];
  if (changes.project && state.project) writes.push(putRows(db, 'projects', [state.project]));
  if (changes.plan && state.plan) writes.push(db.plans.put({ ...state.plan, projectId: state.projectId }));
  for (const table of pagedTables) {
    const keys = changes.keys[table];
    if (keys.size > 0) writes.push(putRows(db, table, pagesOf(state, table, keys)));
  }
  if (changes.keys.costs.size > 0) writes.push(putRows(db, 'costs', costPages(state, changes)));
  await Promise.all(writes);
}

/** The most closed reservations in one page of `costs` (a rebuild closes them all at once). */
const closedPerPage = 128;

/**
 * The pages of `costs` a fold wrote: page 0, the open reservations as they are now, and
 * the reservations it closed, in pages keyed by the state's last sequence number (and the
 * numbers below it, when they fill more than one).
 */
export function costPages(state: ProjectState, changes: Changes): ReadModelPage<CostRow>[] {
  const closed: CostRow[] = [];
  for (const key of changes.keys.costs) {
    const row = changes.retired.get(joinKey('costs', key)) as CostRow | undefined;
    if (row && !state.costs.has(key)) closed.push(row);
  }
  const pages = [{ projectId: state.projectId, page: 0, rows: [...state.costs.values()] }];
  for (let at = 0; at < closed.length; at += closedPerPage) {
    pages.push({
      projectId: state.projectId,
      page: state.lastSeq - at / closedPerPage,
      rows: closed.slice(at, at + closedPerPage),
    });
  }
  return pages;
}

/**
 * Puts rows into a table as plain requests on the current Dexie transaction (through
 * Dexie when there is none), settling with the last request: they run in order.
 */
export function putRows(db: OrchestraDb, table: string, rows: unknown[]): Promise<unknown> {
  const transaction = Dexie.currentTransaction?.idbtrans;
  return transaction ? putAll(transaction.objectStore(table), rows) : db.table(table).bulkPut(rows);
}

function putAll(store: IDBObjectStore, rows: unknown[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let request: IDBRequest | undefined;
    for (const row of rows) request = store.put(row);
    if (!request) return resolve();
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error('A read-model row could not be written.'));
  });
}

/** Every row of one project in one read-model table: in the order they first appeared (costs: by reservation). */
export async function rowsOf(db: OrchestraDb, table: ReadModelTable, projectId: string): Promise<unknown[]> {
  const pages = (await db.table(table).where('projectId').equals(projectId).toArray()) as ReadModelPage[];
  pages.sort((a, b) => a.page - b.page);
  if (table !== 'costs') return pages.flatMap((page) => page.rows);
  // A reservation's latest row: open (page 0) before closed, a later close before an earlier.
  const latest = new Map<string, CostRow>();
  const open = pages.filter((page) => page.page === 0);
  const closed = pages.filter((page) => page.page !== 0).reverse();
  for (const page of [...open, ...closed]) {
    for (const row of page.rows as CostRow[]) if (!latest.has(row.reservationId)) latest.set(row.reservationId, row);
  }
  return [...latest.values()].sort((a, b) =>
    a.reservationId < b.reservationId ? -1 : a.reservationId > b.reservationId ? 1 : 0,
  );
}

/** Calls `visit` with every row of a read-model table, of every project. */
export async function eachRow<Row>(db: OrchestraDb, table: ReadModelTable, visit: (row: Row) => void): Promise<void> {
  await db.table(table).each((page: ReadModelPage<Row>) => page.rows.forEach(visit));
}

/** Removes every read-model row of a project (before a rebuild, or when deleting it). */
export async function clearReadModels(db: OrchestraDb, projectId: string): Promise<void> {
  await Promise.all([
    db.projects.delete(projectId),
    db.plans.delete(projectId),
    ...readModelTables.map((table) => db.table(table).where('projectId').equals(projectId).delete()),
  ]);
}

/** The key range of one project's rows in a table keyed `[projectId+…]`. */
export function projectRange(
  projectId: string,
  fromSeq: unknown = Dexie.minKey,
  toSeq: unknown = Dexie.maxKey,
): [unknown[], unknown[]] {
  return [
    [projectId, fromSeq],
    [projectId, toSeq],
  ];
}
