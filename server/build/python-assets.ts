import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative } from 'node:path';
import JSZip from 'jszip';
import type { Plugin } from 'vite';
import { pythonAssets } from '../../sandbox/python/assets.ts';
import { contentTypeFor } from '../static/content-types.ts';

/**
 * Serves the Python runtime's files with the app, under `sandbox/python/`: Pyodide's
 * interpreter from its npm package, and pytest packed from Debian's python3-pytest. The
 * page fetches what `sandbox/python/assets.json` lists and hands it to the sandboxed frame,
 * which has no network (see web/checks/sandbox-host.ts and sandbox/python/load.ts).
 *
 * pytest is pure Python, but PyPI is out of reach here, so it comes from the machine's
 * Debian packages (python3-pytest and what it depends on: pluggy, iniconfig, packaging,
 * attrs; `.ci/run` installs them). A build without them still builds, says so, and
 * leaves pytest out: a pytest suite then reports "not runnable" naming the reason.
 */

/** Where Debian installs pure-Python packages; PYTEST_SITE_PACKAGES points elsewhere. */
const debianSitePackages = '/usr/lib/python3/dist-packages';

/** pytest 7 and everything it imports on Python 3.11+, by top-level name. */
const pytestPackages = ['pytest', '_pytest', 'pluggy', 'iniconfig', 'packaging', 'attr', 'attrs', 'py.py'];
/** Their metadata, so `importlib.metadata` finds their versions and entry points. */
const pytestMetadata = /^(pytest|pluggy|iniconfig|packaging|attrs)-[^/]+\.(dist|egg)-info$/;

export function pyodideFolder(): string {
  return dirname(createRequire(import.meta.url).resolve('pyodide/package.json'));
}

function* filesUnder(path: string): Generator<string> {
  if (statSync(path).isFile()) {
    yield path;
    return;
  }
  for (const name of readdirSync(path).sort()) {
    if (name === '__pycache__') continue;
    yield* filesUnder(join(path, name));
  }
}

/** The site-packages folder that has pytest, or undefined. */
export function pytestSource(): string | undefined {
  const folder = process.env['PYTEST_SITE_PACKAGES'] ?? debianSitePackages;
  return existsSync(join(folder, 'pytest', '__init__.py')) && existsSync(join(folder, '_pytest')) ? folder : undefined;
}

/**
 * pytest and its dependencies as one zip, to unpack into Pyodide's site-packages, or
 * undefined when the machine has no pytest to pack. The same files give the same bytes.
 */
export async function pytestArchive(folder = pytestSource()): Promise<Uint8Array | undefined> {
  if (folder === undefined) return undefined;
  const zip = new JSZip();
  const stamp = new Date(Date.UTC(2020, 0, 1));
  const names = readdirSync(folder).filter((name) => pytestPackages.includes(name) || pytestMetadata.test(name));
  const missing = pytestPackages.filter((name) => name !== 'py.py' && !names.includes(name));
  if (missing.length > 0) throw new Error(`pytest's dependencies are incomplete in ${folder}: ${missing.join(', ')}`);
  for (const name of names.sort()) {
    for (const file of filesUnder(join(folder, name))) {
      zip.file(relative(folder, file), readFileSync(file), { date: stamp, createFolders: false });
    }
  }
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

/**
 * Python's start-up snapshot (see `python-snapshot.ts`), made in a child process, or
 * undefined (said in `log`) when it could not be made: Python then starts the slow way.
 */
export function pythonSnapshot(log: (line: string) => void): Uint8Array | undefined {
  const folder = mkdtempSync(join(tmpdir(), 'orchestra-python-snapshot-'));
  const out = join(folder, pythonAssets.snapshot);
  try {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'python-snapshot.ts'), out],
      { encoding: 'utf8', timeout: 300_000 },
    );
    if (result.status === 0 && existsSync(out)) return readFileSync(out);
    log(
      `Python checks: no start-up snapshot (${(result.stderr || String(result.error)).slice(-500)}); Python will start without it.\n`,
    );
    return undefined;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The files the build serves under sandbox/python/, by name. */
export async function pythonAssetFiles(log: (line: string) => void): Promise<Map<string, Uint8Array | string>> {
  const folder = pyodideFolder();
  const files = new Map<string, Uint8Array | string>();
  for (const name of [pythonAssets.glue, pythonAssets.wasm, pythonAssets.stdlib]) {
    files.set(name, readFileSync(join(folder, name)));
  }
  // Only the index's header is of use offline (see sandbox/python/load.ts).
  const lock = JSON.parse(readFileSync(join(folder, pythonAssets.lock), 'utf8')) as { info?: unknown };
  files.set(pythonAssets.lock, JSON.stringify({ info: lock.info, packages: {} }));
  const pytest = await pytestArchive();
  if (pytest) files.set(pythonAssets.pytest, pytest);
  else
    log(
      `Python checks: no pytest to pack (looked in ${process.env['PYTEST_SITE_PACKAGES'] ?? debianSitePackages}); ` +
        'unittest suites run, pytest suites will say pytest is missing. ' +
        'Install it with `apt-get install python3-pytest` and build again.\n',
    );
  const snapshot = pythonSnapshot(log);
  if (snapshot) files.set(pythonAssets.snapshot, snapshot);
  files.set('assets.json', JSON.stringify([...files.keys()]));
  return files;
}

/** Emits the Python runtime's files into the build, at `sandbox/python/<name>`. */
export function pythonAssetsPlugin(): Plugin {
  return {
    name: 'orchestra-python-assets',
    apply: 'build',
    async generateBundle() {
      const files = await pythonAssetFiles((line) => this.warn(line.trim()));
      for (const [name, source] of files) this.emitFile({ type: 'asset', fileName: `sandbox/python/${name}`, source });
    },
  };
}

/** The same files for `npm run dev`, read when first asked for. */
export function pythonAssetsDevPlugin(): Plugin {
  let files: Promise<Map<string, Uint8Array | string>> | undefined;
  return {
    name: 'orchestra-python-assets-dev',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const path = request.url?.split('?')[0] ?? '';
        if (!path.startsWith('/sandbox/python/')) return next();
        const name = path.slice('/sandbox/python/'.length);
        files ??= pythonAssetFiles((line) => server.config.logger.warn(line.trim()));
        files.then(
          (all) => {
            const source = all.get(name);
            if (source === undefined) return next();
            response.setHeader('Content-Type', contentTypeFor(extname(name)));
            response.end(source);
          },
          (error: unknown) => next(error),
        );
      });
    },
  };
}
