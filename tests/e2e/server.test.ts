import { readFile, readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { distDir } from '../../server/build/build-stamp.ts';
import { expect, test } from './harness/fixtures.ts';

/** Sends a request line exactly as written: no URL normalisation on the way. */
function rawGet(port: number, target: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', ...rest] = data.split('\r\n\r\n');
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        headers: head,
        body: rest.join('\r\n\r\n'),
      });
    });
  });
}

test('GET /api/health answers JSON; unknown /api paths answer JSON 404, never the app', async ({ server }) => {
  const health = await fetch(`${server.url}/api/health`);
  expect(health.status).toBe(200);
  expect(health.headers.get('content-type')).toContain('application/json');
  const body = (await health.json()) as { status: string; name: string; version: string };
  expect(body).toMatchObject({ status: 'ok', name: 'orchestra' });
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/);

  for (const path of ['/api/nope', '/api/', '/api/health/extra']) {
    const response = await fetch(`${server.url}${path}`, { headers: { accept: 'text/html' } });
    expect(response.status, path).toBe(404);
    expect(response.headers.get('content-type'), path).toContain('application/json');
    expect(await response.json(), path).toMatchObject({ error: 'not_found' });
  }
});

test('path traversal on static files is refused in every spelling', async ({ server }) => {
  const attempts = [
    '/../package.json',
    '/assets/../../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E/%2E%2E/package.json',
    '/..%2fpackage.json',
    '/%2e%2e%2fpackage.json',
    '/assets/..%2f..%2fpackage.json',
    '/..%5cpackage.json',
    '/%252e%252e%252fpackage.json',
    '/assets/%00../package.json',
    '/.build-stamp',
  ];
  for (const target of attempts) {
    const response = await rawGet(server.port, target);
    expect([400, 404], target).toContain(response.status);
    expect(response.body, target).not.toContain('"devDependencies"');
    expect(response.body, target).not.toContain('<div id="app">');
  }
});

test('hashed assets are immutable, the shell and service worker are revalidated, and assets come compressed', async ({
  server,
}) => {
  const html = await fetch(server.url, { headers: { 'accept-encoding': 'br, gzip' } });
  expect(html.headers.get('cache-control')).toBe('no-cache');
  const page = await html.text();
  const script = /src="(\/assets\/index-[^"]+\.js)"/.exec(page)?.[1];
  expect(script).toBeDefined();

  const asset = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'br' } });
  expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect(asset.headers.get('content-encoding')).toBe('br');
  const gzip = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
  expect(gzip.headers.get('content-encoding')).toBe('gzip');
  // fetch decodes both: the same script either way.
  expect(await gzip.text()).toBe(await asset.text());

  for (const path of ['/sw.js', '/manifest.webmanifest', '/index.html']) {
    const response = await fetch(`${server.url}${path}`);
    expect(response.headers.get('cache-control'), path).toBe('no-cache');
  }
  const security = await fetch(`${server.url}/api/health`);
  expect(security.headers.get('x-content-type-options')).toBe('nosniff');
  expect(security.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
});

test('the served app is a production build: no library development builds in it', async () => {
  const assets = join(distDir, 'assets');
  const scripts = (await readdir(assets)).filter((file) => file.endsWith('.js'));
  expect(scripts.length).toBeGreaterThan(3);
  for (const file of scripts) {
    expect(await readFile(join(assets, file), 'utf8'), file).not.toContain('solid-dev-component');
  }
});
