import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createApp } from '../../../../server/app.ts';
import { openSqliteStore } from '../../../../server/sync/store/sqlite-store.ts';
import type { SyncLimits } from '../../../../server/sync/sync-options.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** The real app over a fresh SQLite file, driven through `app.request`. */
function makeServer(limits: Partial<SyncLimits> = {}, now: () => number = Date.now) {
  const dir = mkdtempSync(join(tmpdir(), 'orchestra-sync-sec-'));
  const store = openSqliteStore(join(dir, 'sync.sqlite'));
  const app = createApp({ distDir: dir, version: 'test', sync: { store, limits, now } });
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const request = (path: string, init: RequestInit = {}) => app.request(`http://sync.test${path}`, init);
  const space = async () => {
    const id = randomBytes(16).toString('base64url');
    const token = randomBytes(32).toString('base64url');
    const response = await request('/sync/spaces', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': id },
      body: JSON.stringify({ id, token }),
    });
    expect(response.status).toBe(201);
    const auth = { authorization: `Bearer ${token}` };
    const stream = (path: string, init: RequestInit = {}) =>
      request(`/sync/spaces/${id}/streams/${path}`, {
        ...init,
        headers: { ...auth, ...(init.headers as Record<string, string>) },
      });
    return { id, token, auth, stream };
  };
  return { request, space, dir };
}

const put = (body?: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'PUT',
  headers: { 'content-type': 'text/plain', ...headers },
  ...(body === undefined ? {} : { body }),
});
const post = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'text/plain', ...headers },
  body,
});

describe('sync access', () => {
  test('a request without the token, with a wrong one, or for an unknown space is refused', async () => {
    const { request, space } = makeServer();
    const a = await space();
    expect((await a.stream('p', put('x'))).status).toBe(201);
    const bare = await request(`/sync/spaces/${a.id}/streams/p`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await request(`/sync/spaces/${a.id}/streams/p`, {
      headers: { authorization: `Bearer ${randomBytes(32).toString('base64url')}` },
    });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { message: string }).message).toBe('This secret does not open this space.');
    const unknown = await request(`/sync/spaces/${randomBytes(16).toString('base64url')}/streams/p`, {
      headers: a.auth,
    });
    expect(unknown.status).toBe(404);
  });

  test("one space's token neither reads nor writes another space's streams, whatever the path says", async () => {
    const { request, space } = makeServer();
    const a = await space();
    const b = await space();
    expect((await a.stream('project/1', put('secret of a'))).status).toBe(201);

    // B's token on A's URL: refused.
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE']) {
      const init: RequestInit = { method, headers: { ...b.auth, 'content-type': 'text/plain' } };
      if (method === 'POST' || method === 'PUT') init.body = 'from b';
      expect((await request(`/sync/spaces/${a.id}/streams/project/1`, init)).status).toBe(403);
    }
    // The same path in B's own namespace is another stream: absent.
    expect((await b.stream('project/1')).status).toBe(404);
    // Paths that try to climb out are refused before any store access.
    expect((await b.stream(`..%2F..%2F${a.id}%2Fstreams%2Fproject%2F1`)).status).toBe(400);
    expect((await b.stream(`../../${a.id}/streams/project/1`)).status).not.toBe(200);
    // A fork names its source inside the caller's space only: A's full URL path resolves in B.
    const fork = await b.stream(
      'stolen',
      put(undefined, { 'stream-forked-from': `/sync/spaces/${a.id}/streams/project/1` }),
    );
    expect(fork.status).toBe(404);
    const relative = await b.stream('stolen', put(undefined, { 'stream-forked-from': '/project/1' }));
    expect(relative.status).toBe(404);
    // A's data is intact and still only A's.
    const read = await a.stream('project/1');
    expect(await read.text()).toBe('secret of a');
  });

  test('creating a space validates its id and token and refuses a taken id', async () => {
    const { request } = makeServer();
    const create = (body: unknown) =>
      request('/sync/spaces', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await create({ id: 'short', token: 'x'.repeat(43) })).status).toBe(400);
    expect((await create({ id: 'a'.repeat(22), token: 'too-short' })).status).toBe(400);
    expect((await create({ id: 'a'.repeat(22) })).status).toBe(400);
    expect((await create({ id: 'a'.repeat(22), token: 'b'.repeat(43) })).status).toBe(201);
    expect((await create({ id: 'a'.repeat(22), token: 'c'.repeat(43) })).status).toBe(409);
  });

  test('the server stores a hash of the token, never the token', async () => {
    const { space, dir } = makeServer();
    const a = await space();
    expect((await a.stream('p', put('x'))).status).toBe(201);
    const files = readdirSync(dir).filter((f) => f.startsWith('sync.sqlite'));
    const text = files.map((f) => readFileSync(join(dir, f)).toString('latin1')).join('');
    expect(text).not.toContain(a.token);
    expect(text).toContain(a.id);
  });
});

describe('sync quotas and malformed appends', () => {
  test('a space past its stream quota is refused with a clear 507', async () => {
    const { space } = makeServer({ maxSpaceStreams: 2 });
    const a = await space();
    expect((await a.stream('one', put())).status).toBe(201);
    expect((await a.stream('two', put())).status).toBe(201);
    const third = await a.stream('three', put());
    expect(third.status).toBe(507);
    expect(await third.json()).toEqual({
      error: 'quota_streams',
      message: 'This space holds its limit of 2 streams; delete some first.',
    });
    // Deleting one frees its place.
    expect((await a.stream('one', { method: 'DELETE' })).status).toBe(204);
    expect((await a.stream('three', put())).status).toBe(201);
  });

  test('a space past its byte quota is refused, and other spaces are not affected', async () => {
    const { space } = makeServer({ maxSpaceBytes: 10 });
    const a = await space();
    const b = await space();
    expect((await a.stream('s', put('12345678'))).status).toBe(201);
    const over = await a.stream('s', post('abc'));
    expect(over.status).toBe(507);
    expect(((await over.json()) as { error: string }).error).toBe('quota_bytes');
    expect((await a.stream('s', post('ab'))).status).toBe(204);
    expect((await b.stream('s', put('1234567890'))).status).toBe(201);
  });

  test('requests past the per-space rate are refused with 429 and Retry-After', async () => {
    let clock = 1_000_000;
    const { space } = makeServer({ requestsPerMinute: 3 }, () => clock);
    const a = await space();
    const b = await space();
    for (let i = 0; i < 3; i += 1) expect((await a.stream('s', { method: 'HEAD' })).status).toBe(404);
    const limited = await a.stream('s', { method: 'HEAD' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await b.stream('s', { method: 'HEAD' })).status).toBe(404);
    clock += 60_000;
    expect((await a.stream('s', { method: 'HEAD' })).status).toBe(404);
  });

  test('oversized, empty and malformed appends are refused', async () => {
    const { space } = makeServer({ maxAppendBytes: 1024 });
    const a = await space();
    expect((await a.stream('t', put())).status).toBe(201);
    expect((await a.stream('t', post(new Uint8Array(1025)))).status).toBe(413);
    expect((await a.stream('t', put('x'.repeat(1025)))).status).toBe(413);
    expect((await a.stream('t', post(''))).status).toBe(400);
    expect((await a.stream('t', post('x', { 'content-type': 'application/json' }))).status).toBe(409);
    expect((await a.stream('j', put(undefined, { 'content-type': 'application/json' }))).status).toBe(201);
    const json = { 'content-type': 'application/json' };
    expect((await a.stream('j', post('{"unterminated": ', json))).status).toBe(400);
    expect((await a.stream('j', post('[]', json))).status).toBe(400);
    expect((await a.stream('j', post('[{"ok":1}]', json))).status).toBe(204);
    const partial = await a.stream('j', post('[1]', { ...json, 'producer-id': 'dev' }));
    expect(partial.status).toBe(400);
    expect((await a.stream('__ds/subscriptions/x')).status).toBe(404);
  });

  test('space creation is rate limited per client address', async () => {
    const { request } = makeServer({ spacesPerMinute: 2 });
    const create = () =>
      request('/sync/spaces', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
        body: JSON.stringify({
          id: randomBytes(16).toString('base64url'),
          token: randomBytes(32).toString('base64url'),
        }),
      });
    expect((await create()).status).toBe(201);
    expect((await create()).status).toBe(201);
    expect((await create()).status).toBe(429);
  });
});
