/**
 * A fixture npm registry: a loopback HTTP server that answers as registry.npmjs.org does
 * for the tiny packages authored in tests/fixtures/npm/ (metadata in npm's abbreviated
 * form, archives packed as `npm pack` packs them, with sha512 integrity and sha1
 * shasum), plus hostile packages built here: path traversal, absolute paths, links, an
 * archive that unpacks far past its size, one whose bytes do not match its integrity.
 * Unit tests, e2e tests and the bench point the installer at it; nothing reaches the
 * internet.
 *
 * @example
 * const registry = await startNpmRegistry();
 * await installDependencies(declared, { registry: registry.url, fetch, cache, allowNetwork: true });
 * registry.requests; // every path asked for
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type TarEntry, packTar } from 'modern-tar';

const fixturesDir = join(import.meta.dirname, '..', 'fixtures', 'npm');
const fixedTime = new Date('2026-01-01T00:00:00Z');

interface Version {
  manifest: Record<string, unknown>;
  tarball: Uint8Array;
  /** Metadata that lies about the archive, for the integrity test. */
  integrity?: string;
}

export interface NpmRegistry {
  url: string;
  /** Paths asked for, in order ("/tiny-color", "/tiny-color/-/tiny-color-1.0.0.tgz"). */
  requests: string[];
  /** Whether the server answers; off, every connection is dropped as a dead network would. */
  setOnline(online: boolean): void;
  stop(): Promise<void>;
}

async function pack(files: TarEntry[]): Promise<Uint8Array> {
  return new Uint8Array(gzipSync(await packTar(files)));
}

const file = (name: string, body: string | Uint8Array): TarEntry => ({
  header: {
    name,
    size: typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
    type: 'file',
    mtime: fixedTime,
    mode: 0o644,
  },
  body,
});

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}

/** Packs a fixture folder as `npm pack` does: every file under `package/`. */
async function packFolder(dir: string): Promise<Version> {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  const entries = listFiles(dir).map((path) => file(`package/${relative(dir, path)}`, readFileSync(path)));
  return { manifest, tarball: await pack(entries) };
}

const manifestOf = (name: string) => JSON.stringify({ name, version: '1.0.0', main: 'index.js' });

/** Packages no honest registry serves; each test names the one it needs. */
async function hostilePackages(): Promise<Map<string, Version>> {
  const hostile = new Map<string, Version>();
  const add = async (name: string, entries: TarEntry[], extra: Partial<Version> = {}) => {
    hostile.set(name, {
      manifest: { name, version: '1.0.0', main: 'index.js' },
      tarball: await pack([file('package/package.json', manifestOf(name)), ...entries]),
      ...extra,
    });
  };
  await add('evil-traversal', [
    file('package/index.js', "module.exports = 'traversal';"),
    file('package/../../../project/test/planted.test.js', "require('node:test')('planted', () => {});"),
  ]);
  await add('evil-absolute', [
    file('package/index.js', "module.exports = 'absolute';"),
    file('/project/test/planted.test.js', "require('node:test')('planted', () => {});"),
  ]);
  await add('evil-link', [
    file('package/index.js', "module.exports = require('fs').existsSync(__dirname + '/secret.js');"),
    {
      header: {
        name: 'package/secret.js',
        size: 0,
        type: 'symlink',
        linkname: '/project/package.json',
        mtime: fixedTime,
      },
    },
    { header: { name: 'package/hard.js', size: 0, type: 'link', linkname: 'package/index.js', mtime: fixedTime } },
  ]);
  // 16 MB of zeros: a 16 KB download that would unpack far past the tests' 4 MB cap.
  await add('evil-bomb', [
    file('package/index.js', "module.exports = 'bomb';"),
    file('package/zeros.bin', new Uint8Array(16 * 1024 * 1024)),
  ]);
  await add('bad-integrity', [file('package/index.js', "module.exports = 'tampered';")], {
    integrity: `sha512-${createHash('sha512').update('the archive that was published').digest('base64')}`,
  });
  return hostile;
}

async function loadPackages(): Promise<Map<string, Map<string, Version>>> {
  const packages = new Map<string, Map<string, Version>>();
  for (const folder of readdirSync(fixturesDir).sort()) {
    const at = folder.lastIndexOf('@');
    if (at <= 0 || !statSync(join(fixturesDir, folder)).isDirectory()) continue;
    const name = folder.slice(0, at).replace('+', '/');
    const versions = packages.get(name) ?? new Map<string, Version>();
    versions.set(folder.slice(at + 1), await packFolder(join(fixturesDir, folder)));
    packages.set(name, versions);
  }
  for (const [name, version] of await hostilePackages()) packages.set(name, new Map([['1.0.0', version]]));
  return packages;
}

function tarballName(name: string, version: string): string {
  return `${name.split('/').pop() ?? name}-${version}.tgz`;
}

/**
 * A version's manifest in npm's abbreviated metadata: `scripts` is not sent; the registry
 * says `hasInstallScript` instead when the package has an install-time script.
 */
function abbreviated(manifest: Record<string, unknown>): Record<string, unknown> {
  const { scripts, ...rest } = manifest;
  const lifecycle = typeof scripts === 'object' && scripts !== null ? Object.keys(scripts) : [];
  const installs = lifecycle.some((script) => ['preinstall', 'install', 'postinstall'].includes(script));
  return installs ? { ...rest, hasInstallScript: true } : rest;
}

function packument(url: string, name: string, versions: Map<string, Version>) {
  const latest = [...versions.keys()].pop() ?? '';
  return {
    name,
    modified: fixedTime.toISOString(),
    'dist-tags': { latest },
    versions: Object.fromEntries(
      [...versions].map(([version, entry]) => [
        version,
        {
          ...abbreviated(entry.manifest),
          name,
          version,
          dist: {
            integrity: entry.integrity ?? `sha512-${createHash('sha512').update(entry.tarball).digest('base64')}`,
            shasum: createHash('sha1').update(entry.tarball).digest('hex'),
            tarball: `${url}/${name}/-/${tarballName(name, version)}`,
          },
        },
      ]),
    ),
  };
}

/** Starts the registry on a free loopback port. */
export async function startNpmRegistry(): Promise<NpmRegistry> {
  const packages = await loadPackages();
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let online = true;
  let url = '';
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/');
    requests.push(path);
    // registry.npmjs.org allows any origin to read it; the app fetches it from its engine.
    response.setHeader('access-control-allow-origin', '*');
    const tarball = /^\/((?:@[^/]+\/)?[^/@]+)\/-\/[^/]+-(\d[^/]*)\.tgz$/.exec(path);
    if (tarball) {
      const entry = packages.get(tarball[1] ?? '')?.get(tarball[2] ?? '');
      if (!entry) return void response.writeHead(404).end();
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': entry.tarball.byteLength,
      });
      return void response.end(entry.tarball);
    }
    const versions = packages.get(path.slice(1));
    if (!versions) {
      response.writeHead(404, { 'content-type': 'application/json' });
      return void response.end('{"error":"Not found"}');
    }
    response.writeHead(200, { 'content-type': 'application/vnd.npm.install-v1+json' });
    response.end(JSON.stringify(packument(url, path.slice(1), versions)));
  });
  server.on('connection', (socket: Socket) => {
    if (!online) return void socket.destroy();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    setOnline(value) {
      online = value;
      if (!value) for (const socket of sockets) socket.destroy();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
