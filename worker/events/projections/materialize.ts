import Dexie from 'dexie';
import type { OrchestraDb } from '../../db/database.ts';
import { type Changes, type ProjectState, type ReadModelTable, joinKey, readModelTables } from './project-state.ts';

/**
 * Writes the rows a fold touched into their tables. Run inside the append's
 * transaction, so the read models move with the log, never ahead or behind.
 *
 * The read-model rows go to IndexedDB as plain requests on the transaction Dexie opened:
 * a run writes a dozen rows a task, and Dexie's write path (middleware, key extraction,
 * a promise per row) cost more than the requests themselves. An error still fails the
 * transaction, and with it the append.
 */
export async function writeChanges(db: OrchestraDb, state: ProjectState, changes: Changes): Promise<void> {
  const writes: Promise<unknown>[] = [];
  if (changes.project && state.project) writes.push(putRows(db, 'projects', [state.project]));
  if (changes.plan && state.plan) writes.push(db.plans.put({ ...state.plan, projectId: state.projectId }));
  for (const table of readModelTables) {
    const keys = changes.keys[table];
    if (keys.size === 0) continue;
    const map = state[table] as Map<string, unknown>;
    const rows: unknown[] = [];
    for (const key of keys) {
      const row = map.get(key) ?? changes.retired.get(joinKey(table, key));
      if (row !== undefined) rows.push(row);
    }
    writes.push(putRows(db, table, rows));
  }
  await Promise.all(writes);
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

/** Every row of one project in one read-model table, in key order. */
export function rowsOf(db: OrchestraDb, table: ReadModelTable, projectId: string): Promise<unknown[]> {
  return db.table(table).where('projectId').equals(projectId).sortBy(primaryKeyPath(db, table));
}

function primaryKeyPath(db: OrchestraDb, table: ReadModelTable): string {
  const key = db.table(table).schema.primKey.keyPath;
  return Array.isArray(key) ? (key[1] ?? '') : (key ?? '');
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
