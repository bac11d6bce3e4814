import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../../../server/app.ts';

const script = 'export const answer = 42;\n'.repeat(64);
let app: ReturnType<typeof createApp>;

beforeAll(() => {
  const top = mkdtempSync(join(tmpdir(), 'orchestra-app-'));
  writeFileSync(join(top, 'secret.txt'), 'outside the app');
  const dist = join(top, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="app"></div>');
  writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), script);
  writeFileSync(join(dist, 'assets', 'index-abc123.js.br'), brotliCompressSync(script));
  writeFileSync(join(dist, 'assets', 'index-abc123.js.gz'), gzipSync(script));
  writeFileSync(join(dist, '.build-stamp'), 'hash');
  symlinkSync(join(top, 'secret.txt'), join(dist, 'linked.txt'));
  app = createApp({ distDir: dist, version: '1.2.3', startedAt: Date.now() });
});

describe('API', () => {
  test('GET /api/health answers JSON with the version', async () => {
    const response = await app.request('/api/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', name: 'orchestra', version: '1.2.3' });
  });

  test('unknown /api paths and methods answer a JSON 404, never the app', async () => {
    for (const [method, path] of [
      ['GET', '/api/unknown'],
      ['POST', '/api/health'],
      ['GET', '/api'],
    ] as const) {
      const response = await app.request(path, { method, headers: { accept: 'text/html' } });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(await response.json()).toMatchObject({ error: 'not_found' });
    }
  });
});

describe('static files', () => {
  test('app routes get index.html; missing files get 404', async () => {
    const route = await app.request('/settings');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<div id="app">');
    expect((await app.request('/assets/missing-123.js')).status).toBe(404);
  });

  test('paths that leave the app folder or reach hidden files are refused', async () => {
    for (const path of [
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/%00index.html',
      '/%E0%A4%A',
      '/.build-stamp',
      '/linked.txt',
    ]) {
      const response = await app.request(`http://localhost${path}`);
      expect([400, 404], path).toContain(response.status);
      expect(await response.text(), path).not.toMatch(/outside the app|hash/);
    }
  });

  test('hashed assets are cached for a year; the shell and service worker are revalidated', async () => {
    const asset = await app.request('/assets/index-abc123.js');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    for (const path of ['/', '/index.html', '/sw.js']) {
      expect((await app.request(path)).headers.get('cache-control'), path).toBe('no-cache');
    }
  });

  test('brotli or gzip is sent as the client prefers, identity when it takes neither', async () => {
    const br = await app.request('/assets/index-abc123.js', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(script);

    const gzip = await app.request('/assets/index-abc123.js', { headers: { 'accept-encoding': 'gzip, br;q=0' } });
    expect(gzip.headers.get('content-encoding')).toBe('gzip');

    const plain = await app.request('/assets/index-abc123.js');
    expect(plain.headers.get('content-encoding')).toBe(null);
    expect(await plain.text()).toBe(script);
    expect(plain.headers.get('content-length')).toBe(String(script.length));
  });

  test('a matching ETag gets 304, and HEAD gets headers without a body', async () => {
    const first = await app.request('/sw.js');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    expect((await app.request('/sw.js', { headers: { 'if-none-match': etag } })).status).toBe(304);
    const head = await app.request('/sw.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});

test('every response carries the security headers, with a CSP that allows no inline script', async () => {
  for (const path of ['/', '/api/health', '/api/unknown', '/assets/index-abc123.js']) {
    const response = await app.request(path);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp, path).toContain("default-src 'self'");
    expect(csp, path).toContain("script-src 'self';");
    expect(csp, path).toContain("object-src 'none'");
    expect(csp, path).not.toContain('unsafe');
    expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
    expect(response.headers.get('x-frame-options'), path).toBe('DENY');
  }
});

test('extra connect-src origins can be allowed for self-hosted model endpoints', async () => {
  const custom = createApp({ distDir: '/nonexistent', version: '0', extraConnectSrc: ['http://127.0.0.1:11434'] });
  const csp = (await custom.request('/api/health')).headers.get('content-security-policy') ?? '';
  expect(csp).toMatch(/connect-src 'self' https:\/\/api\.anthropic\.com .* http:\/\/127\.0\.0\.1:11434/);
});

test('the app may reach the npm registry (the engine installs packages there), and nothing else new', async () => {
  const app = createApp({ distDir: '/nonexistent', version: '0' });
  const csp = (await app.request('/api/health')).headers.get('content-security-policy') ?? '';
  const connect = /connect-src ([^;]+)/.exec(csp)?.[1]?.split(' ');
  expect(connect).toEqual([
    "'self'",
    'https://api.anthropic.com',
    'https://api.openai.com',
    'https://generativelanguage.googleapis.com',
    'https://registry.npmjs.org',
  ]);
});
