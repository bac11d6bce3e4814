import { join } from 'node:path';
import type { SyncStore } from './store/contract.ts';
import { openPostgresStore } from './store/postgres-store.ts';
import { openSqliteStore } from './store/sqlite-store.ts';

/**
 * The store the environment asks for: Postgres when `DATABASE_URL` is set (scale out),
 * else SQLite in `<ORCHESTRA_DATA_DIR>/sync.sqlite` (`defaultDataDir` when unset).
 */
export async function openStoreFromEnv(
  env: Record<string, string | undefined>,
  defaultDataDir: string,
): Promise<SyncStore> {
  const databaseUrl = env['DATABASE_URL'];
  const schema = env['DATABASE_SCHEMA'];
  if (databaseUrl) return openPostgresStore({ connectionString: databaseUrl, ...(schema ? { schema } : {}) });
  return openSqliteStore(join(env['ORCHESTRA_DATA_DIR'] || defaultDataDir, 'sync.sqlite'));
}
