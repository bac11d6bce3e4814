import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../../../../server/app.ts';
import type { SyncStore } from '../../../../server/sync/store/contract.ts';
import { openPostgresStore } from '../../../../server/sync/store/postgres-store.ts';
import { openSqliteStore } from '../../../../server/sync/store/sqlite-store.ts';
import type { SyncLimits } from '../../../../server/sync/sync-options.ts';

export type StoreKind = 'sqlite' | 'postgres';

const howToStart =
  "Start one with `export DATABASE_URL=$(sudo bash .ci/postgres | tail -n 1)` (installs and starts Debian's postgresql).";

/**
 * The Postgres the tests use. CI (`CI` or `ORCHESTRA_REQUIRE_POSTGRES` set) fails loudly
 * without one; a developer machine skips those tests and says how to start it.
 */
export function postgresUrl(): string | undefined {
  const url = process.env['DATABASE_URL'];
  if (url) return url;
  if (process.env['CI'] || process.env['ORCHESTRA_REQUIRE_POSTGRES']) {
    throw new Error(`The sync tests need Postgres and DATABASE_URL is not set. ${howToStart}`);
  }
  process.stderr.write(`\n[sync tests] DATABASE_URL is not set: skipping the Postgres store. ${howToStart}\n\n`);
  return undefined;
}

export const storeKinds = (): StoreKind[] => (postgresUrl() ? ['sqlite', 'postgres'] : ['sqlite']);

export interface TestStore {
  store: SyncStore;
  dispose: () => Promise<void>;
  /** Another store on the same data (Postgres: another instance on the same schema). */
  share: () => Promise<SyncStore>;
  /** SQLite: the folder of the database files ('' for Postgres). */
  dir: string;
}

/** A fresh store: a temporary SQLite file, or a schema of its own in the test Postgres. */
export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-sync-'));
    const file = join(dir, 'sync.sqlite');
    const store = openSqliteStore(file);
    return {
      store,
      dir,
      share: () => Promise.resolve(openSqliteStore(file)),
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const connectionString = postgresUrl();
  if (!connectionString) throw new Error('No Postgres for this test.');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const store = await openPostgresStore({ connectionString, schema, max: 8 });
  const others: SyncStore[] = [];
  return {
    store,
    dir: '',
    share: async () => {
      const other = await openPostgresStore({ connectionString, schema, max: 8 });
      others.push(other);
      return other;
    },
    dispose: async () => {
      for (const other of others) await other.close();
      await store.close();
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

export interface TestServer {
  url: string;
  close: () => Promise<void>;
}

/** The real app (security headers, /sync) on a loopback port, with the given store. */
export async function startTestServer(store: SyncStore, limits: Partial<SyncLimits> = {}): Promise<TestServer> {
  const distDir = mkdtempSync(join(tmpdir(), 'orchestra-dist-'));
  const app = createApp({ distDir, version: 'test', sync: { store, limits } });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  // Idle connections are closed by the client (Node's fetch lets one go after 4 s), never
  // by the server: when the server's keep-alive timeout (5 s) closes one just as the
  // client reuses it, the request fails with ECONNRESET, a race a busy machine loses.
  if ('keepAliveTimeout' in server) server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
        rmSync(distDir, { recursive: true, force: true });
      }),
  };
}

/** Registers a new space with random credentials (the client derives them from a secret). */
export async function createTestSpace(url: string): Promise<{ id: string; token: string; base: string }> {
  const id = randomBytes(16).toString('base64url');
  const token = randomBytes(32).toString('base64url');
  const response = await fetch(`${url}/sync/spaces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': id },
    body: JSON.stringify({ id, token }),
  });
  if (response.status !== 201)
    throw new Error(`Creating a space answered ${response.status}: ${await response.text()}`);
  return { id, token, base: `${url}/sync/spaces/${id}/streams` };
}

/**
 * Makes every `fetch` to `origin` carry the space's token, as our client does; the
 * conformance suite calls the global fetch with no auth of its own.
 */
export function authorizeFetch(origin: () => string, token: () => string): () => void {
  const original = globalThis.fetch;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(origin())) return original(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token()}`);
    return original(input, { ...init, headers });
  };
  return () => {
    globalThis.fetch = original;
  };
}
