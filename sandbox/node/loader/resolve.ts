/**
 * Module resolution over the in-memory files, as Node does it for a project: relative and
 * absolute paths and file: URLs with extension and index lookup (lenient for ES modules,
 * whose imports Node wants spelled out, and `./a.js` finds `a.ts` as TypeScript expects),
 * `node_modules` packages with `exports` or `main`, and built-ins with or without `node:`.
 */
import posix from '../path.ts';
import type { Vfs } from '../vfs.ts';

/** Node's built-in module names (without `node:`), supported here or not. */
export const nodeBuiltins = new Set([
  'assert',
  'assert/strict',
  'async_hooks',
  'buffer',
  'child_process',
  'cluster',
  'console',
  'constants',
  'crypto',
  'dgram',
  'diagnostics_channel',
  'dns',
  'dns/promises',
  'domain',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'inspector',
  'module',
  'net',
  'os',
  'path',
  'path/posix',
  'path/win32',
  'perf_hooks',
  'process',
  'punycode',
  'querystring',
  'readline',
  'readline/promises',
  'repl',
  'stream',
  'stream/consumers',
  'stream/promises',
  'stream/web',
  'string_decoder',
  'sys',
  'test',
  'timers',
  'timers/promises',
  'tls',
  'trace_events',
  'tty',
  'url',
  'util',
  'util/types',
  'v8',
  'vm',
  'wasi',
  'worker_threads',
  'zlib',
]);

export type Resolved = { kind: 'builtin'; name: string } | { kind: 'file'; path: string };

/** A bare specifier whose package is not among the project's files. */
export class MissingPackageError extends Error {
  readonly code = 'ERR_MODULE_NOT_FOUND';
  readonly packageName: string;

  constructor(packageName: string, from: string) {
    super(`Cannot find package '${packageName}' imported from ${from}`);
    this.name = 'Error';
    this.packageName = packageName;
  }
}

export class ModuleNotFoundError extends Error {
  readonly code = 'ERR_MODULE_NOT_FOUND';

  constructor(specifier: string, from: string) {
    super(`Cannot find module '${specifier}' imported from ${from}`);
    this.name = 'Error';
  }
}

const extensions = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.tsx', '.jsx', '.json'];
const typeScriptFor = new Map<string, string[]>([
  ['.js', ['.ts', '.tsx']],
  ['.mjs', ['.mts']],
  ['.cjs', ['.cts']],
  ['.jsx', ['.tsx']],
]);

function isFile(vfs: Vfs, path: string): boolean {
  return vfs.get(path)?.kind === 'file';
}

function fileOrIndex(vfs: Vfs, path: string): string | undefined {
  if (isFile(vfs, path)) return path;
  const extension = posix.extname(path);
  for (const alternative of typeScriptFor.get(extension) ?? []) {
    const candidate = path.slice(0, -extension.length) + alternative;
    if (isFile(vfs, candidate)) return candidate;
  }
  for (const candidate of extensions) if (isFile(vfs, path + candidate)) return path + candidate;
  if (vfs.get(path)?.kind === 'dir') {
    const main = packageMain(vfs, path);
    if (main) {
      const found = fileOrIndex(vfs, posix.join(path, main));
      if (found) return found;
    }
    for (const candidate of extensions) {
      const index = posix.join(path, `index${candidate}`);
      if (isFile(vfs, index)) return index;
    }
  }
  return undefined;
}

function readPackageJson(vfs: Vfs, dir: string): Record<string, unknown> | undefined {
  const path = posix.join(dir, 'package.json');
  if (!isFile(vfs, path)) return undefined;
  try {
    const parsed: unknown = JSON.parse(vfs.readText(path));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function packageMain(vfs: Vfs, dir: string): string | undefined {
  const main = readPackageJson(vfs, dir)?.main;
  return typeof main === 'string' ? main : undefined;
}

/** Picks a target from a package.json `exports` value for the conditions we run under. */
function exportsTarget(value: unknown, subpath: string, require: boolean): string | undefined {
  if (typeof value === 'string') return subpath === '.' ? value : undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = exportsTarget(item, subpath, require);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  if (keys.some((key) => key.startsWith('.'))) {
    if (Object.hasOwn(record, subpath)) return exportsTarget(record[subpath], '.', require);
    for (const key of keys) {
      const star = key.indexOf('*');
      if (star === -1) continue;
      const prefix = key.slice(0, star);
      const suffix = key.slice(star + 1);
      if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1) {
        const target = exportsTarget(record[key], '.', require);
        return target?.replaceAll('*', subpath.slice(prefix.length, subpath.length - suffix.length));
      }
    }
    return undefined;
  }
  if (subpath !== '.') return undefined;
  for (const condition of [require ? 'require' : 'import', 'node', 'module-sync', 'default']) {
    if (Object.hasOwn(record, condition)) {
      const found = exportsTarget(record[condition], '.', require);
      if (found) return found;
    }
  }
  return undefined;
}

function splitPackage(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const size = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, size).join('/');
  const rest = parts.slice(size).join('/');
  return { name, subpath: rest === '' ? '.' : `./${rest}` };
}

/** Converts a file: URL to a path, as url.fileURLToPath does for POSIX. */
export function fileUrlToPath(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'file:') throw new TypeError(`The URL must be of scheme file: ${url}`);
  return decodeURIComponent(parsed.pathname);
}

/** Converts an absolute path to a file: URL string, as url.pathToFileURL does. */
export function pathToFileUrl(path: string): string {
  const url = new URL('file://');
  url.pathname = path;
  return url.href;
}

/**
 * Resolves `specifier` imported from the file at `fromPath` (absolute). `require` picks the
 * `require` condition of package exports. Throws {@link MissingPackageError} or
 * {@link ModuleNotFoundError}.
 */
export function resolveModule(vfs: Vfs, specifier: string, fromPath: string, require: boolean): Resolved {
  if (specifier.startsWith('node:')) return { kind: 'builtin', name: specifier.slice(5) };
  if (nodeBuiltins.has(specifier)) return { kind: 'builtin', name: specifier };
  let target: string | undefined;
  if (specifier.startsWith('file:')) target = fileUrlToPath(specifier);
  else if (specifier.startsWith('/')) target = specifier;
  else if (specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../')) {
    target = posix.resolve(posix.dirname(fromPath), specifier);
  }
  if (target !== undefined) {
    const found = fileOrIndex(vfs, posix.normalize(target));
    if (found) return { kind: 'file', path: found };
    throw new ModuleNotFoundError(specifier, fromPath);
  }
  const { name, subpath } = splitPackage(specifier);
  for (let dir = posix.dirname(fromPath); ; dir = posix.dirname(dir)) {
    const packageDir = posix.join(dir, 'node_modules', name);
    if (vfs.get(packageDir)?.kind === 'dir') {
      const manifest = readPackageJson(vfs, packageDir);
      const exported =
        manifest && 'exports' in manifest ? exportsTarget(manifest.exports, subpath, require) : undefined;
      const found = fileOrIndex(vfs, posix.join(packageDir, exported ?? subpath));
      if (found) return { kind: 'file', path: found };
      throw new ModuleNotFoundError(specifier, fromPath);
    }
    if (dir === '/') break;
  }
  throw new MissingPackageError(name, fromPath);
}

/** The nearest package.json's `type` for a file: "module" or "commonjs". */
export function packageType(vfs: Vfs, path: string): 'module' | 'commonjs' | undefined {
  for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
    const manifest = readPackageJson(vfs, dir);
    if (manifest) return manifest.type === 'module' ? 'module' : manifest.type === 'commonjs' ? 'commonjs' : undefined;
    if (dir === '/') return undefined;
  }
}
