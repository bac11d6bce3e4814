import type { OrchestraDb } from '../../../worker/db/database.ts';

/**
 * Makes writes to one table fail on demand, the way the browser fails them (a rejected
 * request with a DOMException), through a Dexie middleware.
 * @example failWrites(db, 'events', () => full, 'QuotaExceededError')
 */
export function failWrites(db: OrchestraDb, table: string, when: () => boolean, errorName: string): void {
  db.use({
    stack: 'dbcore',
    name: `fail-${table}`,
    create: (down) => ({
      ...down,
      table: (name) => {
        const inner = down.table(name);
        return {
          ...inner,
          mutate: (request) =>
            name === table && when()
              ? Promise.reject(new DOMException(`${errorName} (simulated)`, errorName))
              : inner.mutate(request),
        };
      },
    }),
  });
}
