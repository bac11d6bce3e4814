import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createApp } from '../../../../server/app.ts';
import type { SyncStore } from '../../../../server/sync/store/contract.ts';
import { openSqliteStore } from '../../../../server/sync/store/sqlite-store.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/**
 * The real app on a clock the test moves, over a store whose next transaction can be made
 * to wait for its space (the clock moves on while it waits, as under a busy Postgres).
 */
function clockedServer() {
  const clock = { now: 1_700_000_000_000 };
  const dir = mkdtempSync(join(tmpdir(), 'orchestra-sync-ttl-'));
  const real = openSqliteStore(join(dir, 'sync.sqlite'));
  let nextWaitMs = 0;
  const store: SyncStore = Object.assign(Object.create(real) as SyncStore, {
    transact: <T>(spaceId: string, fn: Parameters<SyncStore['transact']>[1]) => {
      clock.now += nextWaitMs;
      nextWaitMs = 0;
      return real.transact(spaceId, fn) as Promise<T>;
    },
  });
  const app = createApp({ distDir: dir, version: 'test', sync: { store, now: () => clock.now } });
  cleanups.push(async () => {
    await real.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const request = (path: string, init: RequestInit = {}) => app.request(`http://sync.test${path}`, init);
  return {
    clock,
    request,
    /** The next write waits this long for its space before it runs. */
    waitNext: (ms: number) => (nextWaitMs = ms),
  };
}

test('a write or read that waited for its space slides the TTL from when it took effect, not from when it came', async () => {
  const { clock, request, waitNext } = clockedServer();
  const id = randomBytes(16).toString('base64url');
  const token = randomBytes(32).toString('base64url');
  const created = await request('/sync/spaces', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': id },
    body: JSON.stringify({ id, token }),
  });
  expect(created.status).toBe(201);
  const stream = (init: RequestInit & { query?: string } = {}) =>
    request(`/sync/spaces/${id}/streams/ttl${init.query ?? ''}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain', ...init.headers },
    });
  const alive = async () => (await stream({ method: 'HEAD' })).status;

  // A two-second window; each access below waits 1.5 s for its space before it is written.
  waitNext(1500);
  expect((await stream({ method: 'PUT', headers: { 'stream-ttl': '2' } })).status).toBe(201);
  clock.now += 1900;
  expect(await alive(), 'alive 1.9 s after the create took effect').toBe(200);

  waitNext(1500);
  expect((await stream({ method: 'POST', body: 'keep alive' })).status).toBe(204);
  clock.now += 1900;
  expect(await alive(), 'alive 1.9 s after the append took effect').toBe(200);

  waitNext(1500);
  expect((await stream({ query: '?offset=now' })).status).toBe(200);
  clock.now += 1900;
  expect(await alive(), 'alive 1.9 s after the read took effect').toBe(200);

  // And it still ends on time: two seconds after the last access took effect.
  clock.now += 100;
  expect(await alive()).toBe(404);
});
