import type { DBCoreMutateRequest, DBCoreMutateResponse } from 'dexie';
import type { OrchestraDb } from '../../../worker/db/database.ts';

/**
 * Puts `intercept` in front of every write (`bulkAdd`/`bulkPut`/…) to one table, through a
 * Dexie middleware: it may count the write, fail it, or pass it on with `proceed`.
 */
export function interceptWrites(
  db: OrchestraDb,
  table: string,
  name: string,
  intercept: (
    proceed: () => Promise<DBCoreMutateResponse>,
    request: DBCoreMutateRequest,
  ) => Promise<DBCoreMutateResponse>,
): void {
  db.use({
    stack: 'dbcore',
    name: `${name}-${table}`,
    create: (down) => ({
      ...down,
      table: (tableName) => {
        const inner = down.table(tableName);
        return {
          ...inner,
          mutate: (request) =>
            tableName === table ? intercept(() => inner.mutate(request), request) : inner.mutate(request),
        };
      },
    }),
  });
}
