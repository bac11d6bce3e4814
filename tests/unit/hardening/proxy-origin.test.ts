import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createApp } from '../../../server/app.ts';
import { ownOriginsFor, proxyOptionsFromEnv } from '../../../server/proxy/proxy-config.ts';
import { hostIsOwn } from '../../../server/routes/proxy.ts';
import { redact } from '../../../worker/providers/contract/redact.ts';

/*
 * The proxy decides "same origin" from its configuration, never from the Host header:
 * a DNS-rebinding page (evil.example resolving to this server) sends a Host and an Origin
 * that match each other, and must still be refused; its same-origin GETs carry no Origin
 * at all, so the Host header must name one of the configured origins too.
 */

const distDir = join(mkdtempSync(join(tmpdir(), 'orchestra-proxy-origin-')), 'dist');
mkdirSync(distDir);
writeFileSync(join(distDir, 'index.html'), '<!doctype html>');

let upstreamCalls = 0;
const fetchStub: typeof fetch = () => {
  upstreamCalls += 1;
  return Promise.resolve(new Response('{"data":[]}', { headers: { 'content-type': 'application/json' } }));
};

const app = createApp({
  distDir,
  version: '0.0.0',
  proxy: { fetch: fetchStub, ownOrigins: ['http://127.0.0.1:8787'], allowedOrigins: ['https://friend.example'] },
});

const request = (url: string, origin?: string) =>
  new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-x', ...(origin ? { origin } : {}) },
    body: '{}',
  });

test('a page whose Origin matches the Host it reached (DNS rebinding) is refused', async () => {
  upstreamCalls = 0;
  const rebound = await app.request(
    request('http://evil.example:8787/api/proxy/openai/v1/models', 'http://evil.example:8787'),
  );
  expect(rebound.status).toBe(403);
  expect(upstreamCalls).toBe(0);
});

test('a same-origin GET from a rebound page (no Origin, a Host naming the page) is refused before anything is called', async () => {
  upstreamCalls = 0;
  for (const host of ['evil.example:8787', 'evil.example', '127.0.0.1:9999', '127.0.0.1.evil.example:8787']) {
    const rebound = await app.request(
      new Request(`http://${host}/api/proxy/openai/v1/models`, { headers: { authorization: 'Bearer sk-x' } }),
    );
    expect(rebound.status, host).toBe(403);
  }
  // The Host header is what counts, even when the request line names our own address.
  const spoofed = await app.request(
    new Request('http://127.0.0.1:8787/api/proxy/openai/v1/models', { headers: { host: 'evil.example:8787' } }),
  );
  expect(spoofed.status).toBe(403);
  expect(upstreamCalls).toBe(0);
  const own = await app.request(
    new Request('http://127.0.0.1:8787/api/proxy/openai/v1/models', { headers: { authorization: 'Bearer sk-x' } }),
  );
  expect(own.status).toBe(200);
  const ownByHeader = await app.request(
    new Request('http://evil.example/api/proxy/openai/v1/models', { headers: { host: '127.0.0.1:8787' } }),
  );
  expect(ownByHeader.status).toBe(200);
  expect(upstreamCalls).toBe(2);
});

test('the Host check reads host and port the way browsers write them', () => {
  expect(hostIsOwn('127.0.0.1:8787', ['http://127.0.0.1:8787'])).toBe(true);
  expect(hostIsOwn('LOCALHOST:8787', ['http://localhost:8787'])).toBe(true);
  expect(hostIsOwn('orchestra.example', ['https://orchestra.example'])).toBe(true);
  expect(hostIsOwn('orchestra.example:443', ['https://orchestra.example'])).toBe(false);
  expect(hostIsOwn('[::1]:8787', ['http://[::1]:8787'])).toBe(true);
  expect(hostIsOwn(undefined, ['http://127.0.0.1:8787'])).toBe(false);
  expect(hostIsOwn('', ['http://127.0.0.1:8787'])).toBe(false);
  expect(hostIsOwn('127.0.0.1:8787', [])).toBe(false);
});

test('the configured own origin and the allowed origins pass when the Host is ours', async () => {
  upstreamCalls = 0;
  const own = await app.request(
    request('http://127.0.0.1:8787/api/proxy/openai/v1/chat/completions', 'http://127.0.0.1:8787'),
  );
  expect(own.status).toBe(200);
  expect(own.headers.get('access-control-allow-origin')).toBeNull();
  const friend = await app.request(
    request('http://127.0.0.1:8787/api/proxy/openai/v1/chat/completions', 'https://friend.example'),
  );
  expect(friend.status).toBe(200);
  expect(friend.headers.get('access-control-allow-origin')).toBe('https://friend.example');
  expect(upstreamCalls).toBe(2);
});

test('the own origins come from the configuration: the bound address, localhost for loopback, and ORCHESTRA_PUBLIC_ORIGIN', () => {
  expect(ownOriginsFor({ hostname: '127.0.0.1', port: 8787, env: {} })).toEqual([
    'http://127.0.0.1:8787',
    'http://localhost:8787',
  ]);
  expect(
    ownOriginsFor({ hostname: '0.0.0.0', port: 80, env: { ORCHESTRA_PUBLIC_ORIGIN: 'https://orchestra.example/' } }),
  ).toEqual(['https://orchestra.example']);
  expect(proxyOptionsFromEnv({ ORCHESTRA_PROXY_ORIGINS: 'https://a.example' }).allowedOrigins).toEqual([
    'https://a.example',
  ]);
});

const secret = 'sk-proj-RedactMe0123456789abcdefXYZ';

test('redaction catches a key split by whitespace or line breaks', () => {
  const spaced = `key: ${secret.slice(0, 10)} ${secret.slice(10, 20)}\n${secret.slice(20)} end`;
  const out = redact(spaced, [secret]);
  expect(out.replace(/\s+/g, '')).not.toContain(secret);
  expect(out).toContain('[redacted key]');
  expect(out).toContain('end');
  const tabbed = secret.split('').join('\t');
  expect(redact(tabbed, [secret]).replace(/\s+/g, '')).not.toContain(secret);
});

test('redaction catches a key written backwards, known or shaped like one', () => {
  const reversed = [...secret].reverse().join('');
  expect(redact(`echo ${reversed} done`, [secret])).toBe('echo [redacted key] done');
  const unknownShape = [...'sk-ant-api03-AbCdEfGhIjKlMnOp'].reverse().join('');
  expect(redact(`x ${unknownShape} y`)).toBe('x [redacted key] y');
  const gemini = [...'AIzaSyAbcdefghijklmnopqrstuvwx'].reverse().join('');
  expect(redact(`x ${gemini} y`)).toBe('x [redacted key] y');
});

test('redaction leaves ordinary text alone', () => {
  expect(redact('The model sk is fine; task-12 passed.', [secret])).toBe('The model sk is fine; task-12 passed.');
});
