/** /api/proxy against the provider simulator as its upstream. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApp } from '../../../server/app.ts';
import type { ProxyOptions } from '../../../server/proxy/proxy-config.ts';
import { createAdapter } from '../../../worker/providers/create-adapter.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { collect, textOf } from '../providers/collect.ts';

let sim: Simulator;
let distDir: string;
let redirector: Server;
let redirectorOrigin: string;
let redirectsFollowed = 0;

beforeAll(async () => {
  sim = await startSimulator();
  distDir = join(mkdtempSync(join(tmpdir(), 'orchestra-proxy-')), 'dist');
  mkdirSync(distDir);
  writeFileSync(join(distDir, 'index.html'), '<!doctype html>');
  // An upstream that answers with a redirect to a host the proxy must never call.
  redirector = createServer((request, response) => {
    if (request.url?.startsWith('/followed')) redirectsFollowed += 1;
    response.writeHead(302, { location: `${redirectorOrigin}/followed`, 'set-cookie': 'a=b' }).end();
  });
  await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
  redirectorOrigin = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sim.close();
  redirector.close();
});

const upstreams = () => ({
  anthropic: `${sim.origin}/anthropic`,
  openai: `${sim.origin}/openai`,
  gemini: `${sim.origin}/gemini`,
});

function proxyApp(proxy: ProxyOptions = {}) {
  return createApp({
    distDir,
    version: '0.0.0',
    proxy: { upstreams: upstreams(), ownOrigins: ['http://orchestra.test'], ...proxy },
  });
}

const chatBody = JSON.stringify({
  model: 'gpt-4.1-nano',
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: 'user', content: 'hi' }],
});

function post(path: string, headers: Record<string, string> = {}, body = chatBody) {
  return new Request(`http://orchestra.test${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client-key', ...headers },
    body,
  });
}

test('a streamed answer passes through as it arrives, not after it ends', async () => {
  const app = proxyApp();
  sim.enqueue('openai', { kind: 'text', text: 'one two three four five six', tokensPerSecond: 8 });
  const started = performance.now();
  const response = await app.request(post('/api/proxy/openai/v1/chat/completions'));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const arrivals: number[] = [];
  let text = '';
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    arrivals.push(performance.now() - started);
    text += new TextDecoder().decode(chunk.value);
  }
  expect(text).toContain('data: [DONE]');
  // Six tokens at 8 a second take ~600 ms; the first must arrive long before the last.
  expect(arrivals.length).toBeGreaterThan(3);
  expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(300);
});

test('the real OpenAI, Anthropic and Gemini SDKs stream through the proxy on a real socket', async () => {
  // As server/main.ts does: the own origins are known once the port is.
  const ownOrigins: string[] = [];
  const app = proxyApp({ ownOrigins });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ownOrigins.push(origin);
  try {
    const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], maxOutputTokens: 50 };
    sim.enqueue('openai', { kind: 'text', text: 'through the proxy' });
    const openai = createAdapter({ provider: 'openai', apiKey: 'sk-a', baseUrl: `${origin}/api/proxy/openai/v1` });
    expect(textOf(await collect(openai.stream(request, new AbortController().signal)))).toBe('through the proxy');
    sim.enqueue('anthropic', { kind: 'text', text: 'claude via proxy' });
    const claude = createAdapter({ provider: 'anthropic', apiKey: 'sk-b', baseUrl: `${origin}/api/proxy/anthropic` });
    expect(textOf(await collect(claude.stream(request, new AbortController().signal)))).toBe('claude via proxy');
    sim.enqueue('gemini', { kind: 'text', text: 'gemini via proxy' });
    const gemini = createAdapter({ provider: 'gemini', apiKey: 'AIza-c', baseUrl: `${origin}/api/proxy/gemini` });
    expect(textOf(await collect(gemini.stream(request, new AbortController().signal)))).toBe('gemini via proxy');
  } finally {
    server.close();
  }
});

test('a request naming another host, or a path outside the API, is refused and nothing is called', async () => {
  const app = proxyApp();
  const before = sim.requests.length;
  for (const path of [
    '/api/proxy/openai/https://evil.example/v1/chat/completions',
    '/api/proxy/openai//evil.example/v1/chat/completions',
    '/api/proxy/evil.example/v1/chat/completions',
    '/api/proxy/openai/v1/files',
    '/api/proxy/openai/v1/chat/completions/../../../admin',
    '/api/proxy/openai/v1/chat%2fcompletions',
    '/api/proxy/openai-compatible/v1/chat/completions',
  ]) {
    const response = await app.request(post(path));
    expect(response.status, path).toBe(404);
  }
  expect(sim.requests.length).toBe(before);
});

test('a foreign Host is refused; headers that try to pick the upstream are ignored and cookies never go up', async () => {
  const app = proxyApp();
  // A Host naming another server is refused outright (DNS rebinding); the rest are ignored.
  const rebound = await app.request(post('/api/proxy/openai/v1/chat/completions', { host: 'evil.example' }));
  expect(rebound.status).toBe(403);
  sim.enqueue('openai', { kind: 'text', text: 'ok' });
  const response = await app.request(
    post('/api/proxy/openai/v1/chat/completions', {
      'x-forwarded-host': 'evil.example',
      forwarded: 'host=evil.example',
      'x-upstream-url': 'http://evil.example',
      cookie: 'session=secret',
    }),
  );
  expect(response.status).toBe(200);
  await response.text();
  const received = sim.requests.at(-1);
  expect(received?.provider).toBe('openai');
  expect(received?.headers.cookie).toBeUndefined();
  expect(received?.headers['x-forwarded-host']).toBeUndefined();
  expect(received?.headers['x-upstream-url']).toBeUndefined();
  expect(received?.headers.forwarded).toBeUndefined();
  expect(received?.headers.authorization).toBe('Bearer sk-client-key');
});

test('an upstream redirect is refused, not followed, and its cookie is not passed on', async () => {
  const app = proxyApp({ upstreams: { ...upstreams(), openai: redirectorOrigin } });
  const response = await app.request(post('/api/proxy/openai/v1/chat/completions'));
  expect(response.status).toBe(502);
  expect(response.headers.get('set-cookie')).toBeNull();
  expect(redirectsFollowed).toBe(0);
});

test('an oversized body is refused before anything is sent upstream', async () => {
  const app = proxyApp({ maxBodyBytes: 1024 });
  const before = sim.requests.length;
  const response = await app.request(post('/api/proxy/openai/v1/chat/completions', {}, 'x'.repeat(4096)));
  expect(response.status).toBe(413);
  expect(sim.requests.length).toBe(before);
});

test('with keys on the server, a missing or wrong client token is refused', async () => {
  const app = proxyApp({ serverKeys: { openai: 'sk-server-held-key-123456' }, clientToken: 'token-abc' });
  const before = sim.requests.length;
  expect((await app.request(post('/api/proxy/openai/v1/chat/completions'))).status).toBe(401);
  const wrong = post('/api/proxy/openai/v1/chat/completions', { 'x-orchestra-token': 'token-abd' });
  expect((await app.request(wrong)).status).toBe(401);
  expect(sim.requests.length).toBe(before);
});

test('with keys on the server, the server key goes upstream and never comes back', async () => {
  const key = 'sk-server-held-key-123456';
  const app = proxyApp({
    serverKeys: { openai: key, gemini: 'AIzaServerHeldGeminiKey000000' },
    clientToken: 'token-abc',
  });
  sim.enqueue('openai', { kind: 'auth' });
  const response = await app.request(
    post('/api/proxy/openai/v1/chat/completions', { 'x-orchestra-token': 'token-abc' }),
  );
  expect(response.status).toBe(401);
  const body = await response.text();
  const everything = body + JSON.stringify([...response.headers]);
  expect(everything).not.toContain(key);
  expect(sim.requests.at(-1)?.headers.authorization).toBe(`Bearer ${key}`);

  sim.enqueue('gemini', { kind: 'text', text: 'ok' });
  const gemini = await app.request(
    post('/api/proxy/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=client-key', {
      'x-orchestra-token': 'token-abc',
      'x-goog-api-key': 'client-key',
    }),
  );
  await gemini.text();
  expect(sim.requests.at(-1)?.headers['x-goog-api-key']).toBe('AIzaServerHeldGeminiKey000000');
  expect(sim.requests.at(-1)?.query).toBe('?alt=sse');
});

test('each client is rate limited, with a retry-after', async () => {
  const app = proxyApp({ rateLimit: { requests: 2, windowMs: 60_000 } });
  sim.enqueue('openai', { kind: 'text', text: 'a' }, { kind: 'text', text: 'b' });
  expect((await app.request(post('/api/proxy/openai/v1/chat/completions'))).status).toBe(200);
  expect((await app.request(post('/api/proxy/openai/v1/chat/completions'))).status).toBe(200);
  const third = await app.request(post('/api/proxy/openai/v1/chat/completions'));
  expect(third.status).toBe(429);
  expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
});

test('browsers from another origin are refused unless configured', async () => {
  const refused = await proxyApp().request(post('/api/proxy/openai/v1/models', { origin: 'https://evil.example' }));
  expect(refused.status).toBe(403);
  expect(refused.headers.get('access-control-allow-origin')).toBeNull();

  const app = proxyApp({ allowedOrigins: ['https://friend.example'] });
  const models = await app.request(
    new Request('http://orchestra.test/api/proxy/openai/v1/models', {
      headers: { origin: 'https://friend.example', authorization: 'Bearer sk-x' },
    }),
  );
  expect(models.status).toBe(200);
  expect(models.headers.get('access-control-allow-origin')).toBe('https://friend.example');
  const own = await app.request(post('/api/proxy/openai/v1/models', { origin: 'http://orchestra.test' }));
  expect(own.status).not.toBe(403);
});
