import type { OrchestraDb } from '../../../worker/db/database.ts';
import { interceptWrites } from './intercept-writes.ts';

/**
 * Counts the writes that reach one table (each `bulkAdd`/`bulkPut` is one), through a
 * Dexie middleware. The store writes the log once per transaction, so on `events` this
 * counts transactions.
 * @example const writes = countWrites(db, 'commits'); …; expect(writes.count).toBe(1)
 */
export function countWrites(db: OrchestraDb, table: string): { count: number } {
  const counter = { count: 0 };
  interceptWrites(db, table, 'count', (proceed) => {
    counter.count += 1;
    return proceed();
  });
  return counter;
}
