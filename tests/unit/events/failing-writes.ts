import type { OrchestraDb } from '../../../worker/db/database.ts';
import { interceptWrites } from './intercept-writes.ts';

/**
 * Makes writes to one table fail on demand, the way the browser fails them (a rejected
 * request with a DOMException), through a Dexie middleware.
 * @example failWrites(db, 'commits', () => full, 'QuotaExceededError')
 */
export function failWrites(db: OrchestraDb, table: string, when: () => boolean, errorName: string): void {
  interceptWrites(db, table, 'fail', (proceed) =>
    when() ? Promise.reject(new DOMException(`${errorName} (simulated)`, errorName)) : proceed(),
  );
}
