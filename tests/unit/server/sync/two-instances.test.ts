import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { postgresUrl } from './harness.ts';

const repoRoot = join(import.meta.dirname, '../../../..');

/** `server/main.ts` as its own process on any free port; resolves with its URL. */
function startProcess(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'server/main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving (http:\/\/[^\s]+)/.exec(output);
      if (match) resolve({ url: match[1]!, child });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`The server exited (${code}) before serving:\n${output}`)));
  });
}

const url = postgresUrl();

describe.runIf(url)('two server processes on one Postgres', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const dist = mkdtempSync(join(tmpdir(), 'orchestra-dist-'));
  let a: { url: string; child: ChildProcess };
  let b: { url: string; child: ChildProcess };

  beforeAll(async () => {
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>test</title>');
    const env = {
      DATABASE_URL: url!,
      DATABASE_SCHEMA: schema,
      ORCHESTRA_DIST: dist,
      ORCHESTRA_SYNC_LONG_POLL_MS: '10000',
    };
    // One after the other: the first creates the tables.
    a = await startProcess(env);
    b = await startProcess(env);
  }, 60_000);

  afterAll(async () => {
    for (const p of [a, b]) p?.child.kill('SIGTERM');
    rmSync(dist, { recursive: true, force: true });
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: url! });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  test('a live reader on B receives an append made through A, within the long-poll', async () => {
    const id = randomBytes(16).toString('base64url');
    const token = randomBytes(32).toString('base64url');
    const created = await fetch(`${a.url}/sync/spaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, token }),
    });
    expect(created.status).toBe(201);
    const auth = { authorization: `Bearer ${token}` };
    const on = (server: { url: string }, path: string) => `${server.url}/sync/spaces/${id}/streams/${path}`;

    // Created through A, readable through B: one database.
    expect(
      (
        await fetch(on(a, 'project'), {
          method: 'PUT',
          headers: { ...auth, 'content-type': 'text/plain' },
          body: 'one ',
        })
      ).status,
    ).toBe(201);
    const head = await fetch(on(b, 'project'), { method: 'HEAD', headers: auth });
    expect(head.status).toBe(200);
    const tail = head.headers.get('stream-next-offset')!;

    for (let round = 0; round < 3; round += 1) {
      const current = (await fetch(on(b, 'project'), { method: 'HEAD', headers: auth })).headers.get(
        'stream-next-offset',
      )!;
      const waiting = fetch(`${on(b, 'project')}?offset=${current}&live=long-poll`, { headers: auth });
      // Let B's request reach its wait before A appends.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sentAt = performance.now();
      const appended = await fetch(on(a, 'project'), {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/plain' },
        body: `append ${round}`,
      });
      expect(appended.status).toBe(204);
      const live = await waiting;
      const latency = performance.now() - sentAt;
      expect(live.status).toBe(200);
      expect(await live.text()).toBe(`append ${round}`);
      // Far below the 10 s long-poll: B was woken by NOTIFY, not by its timeout.
      expect(latency).toBeLessThan(5_000);
    }
    const all = await fetch(`${on(b, 'project')}?offset=${tail}`, { headers: auth });
    expect(await all.text()).toBe('append 0append 1append 2');
  }, 60_000);

  test('an SSE reader on B streams appends made through A', async () => {
    const id = randomBytes(16).toString('base64url');
    const token = randomBytes(32).toString('base64url');
    await fetch(`${a.url}/sync/spaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, token }),
    });
    const auth = { authorization: `Bearer ${token}` };
    const path = `/sync/spaces/${id}/streams/log`;
    await fetch(`${a.url}${path}`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' } });
    const controller = new AbortController();
    const sse = await fetch(`${b.url}${path}?offset=-1&live=sse`, { headers: auth, signal: controller.signal });
    const reader = sse.body!.getReader();
    let text = '';
    const until = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`SSE ended before ${needle}: ${text}`);
        text += new TextDecoder().decode(value);
      }
    };
    await until('"upToDate":true');
    await fetch(`${a.url}${path}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '[{"n":1},{"n":2}]',
    });
    await until('{"n":2}');
    expect(text).toContain('data:[{"n":1},{"n":2}]');
    controller.abort();
  }, 60_000);
});
