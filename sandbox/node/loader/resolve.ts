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

/** Node's resolution conditions, as a set: a package's own key order decides among them. */
const importConditions = new Set(['import', 'node', 'module-sync', 'default']);
const requireConditions = new Set(['require', 'node', 'module-sync', 'default']);

/** A package.json `exports` or `imports` target that Node refuses to use. */
export class PackageConfigError extends Error {
  readonly code: string;

  constructor(message: string, code: string) {
    super(message);
    this.name = 'Error';
    this.code = code;
  }
}

/** A subpath (`pkg/x`) or `#import` the package does not offer; Node's messages and codes. */
function notExported(packageDir: string, subpath: string, from: string): PackageConfigError {
  const what =
    subpath === '.' ? 'No "exports" main defined' : `Package subpath '${subpath}' is not defined by "exports"`;
  return new PackageConfigError(
    `${what} in ${posix.join(packageDir, 'package.json')} imported from ${from}`,
    'ERR_PACKAGE_PATH_NOT_EXPORTED',
  );
}

function invalidTarget(packageDir: string, key: string, target: string, from: string): PackageConfigError {
  return new PackageConfigError(
    `Invalid "exports" or "imports" target ${JSON.stringify(target)} defined for '${key}' in the package config ${posix.join(packageDir, 'package.json')} imported from ${from}`,
    'ERR_INVALID_PACKAGE_TARGET',
  );
}

const invalidSegment = /(^|\\|\/)(\.\.?|node_modules)(\\|\/|$)/i;

interface TargetContext {
  vfs: Vfs;
  packageDir: string;
  key: string;
  isImports: boolean;
  conditions: ReadonlySet<string>;
  from: string;
  require: boolean;
}

/**
 * Node's PACKAGE_TARGET_RESOLVE: a string target (with `*` replaced), the first usable
 * entry of an array, or the first key of a conditions object (in the package's order)
 * that is `default` or one of ours. `null` excludes the path; `undefined` means no match.
 */
function targetResolve(
  context: TargetContext,
  target: unknown,
  patternMatch: string | null,
): Resolved | null | undefined {
  if (typeof target === 'string') {
    if (!target.startsWith('./')) {
      // An `imports` target may name a package ("#dep": "dep"); an export may not.
      if (
        context.isImports &&
        !target.startsWith('../') &&
        !target.startsWith('/') &&
        !/^[a-z][a-z0-9+.-]*:/i.test(target)
      ) {
        const specifier = patternMatch === null ? target : target.replaceAll('*', patternMatch);
        return resolvePackage(context.vfs, specifier, context.from, context.require);
      }
      throw invalidTarget(context.packageDir, context.key, target, context.from);
    }
    if (invalidSegment.test(target.slice(2)))
      throw invalidTarget(context.packageDir, context.key, target, context.from);
    if (patternMatch !== null && invalidSegment.test(patternMatch)) {
      throw new PackageConfigError(
        `Request '${context.key.replace('*', patternMatch)}' matched a pattern with a path segment that is not allowed in ${posix.join(context.packageDir, 'package.json')}`,
        'ERR_INVALID_MODULE_SPECIFIER',
      );
    }
    const path = posix.join(context.packageDir, patternMatch === null ? target : target.replaceAll('*', patternMatch));
    const found = fileOrIndex(context.vfs, path);
    if (!found) throw new ModuleNotFoundError(path, context.from);
    return { kind: 'file', path: found };
  }
  if (Array.isArray(target)) {
    let lastError: PackageConfigError | undefined;
    for (const item of target as unknown[]) {
      try {
        const resolved = targetResolve(context, item, patternMatch);
        if (resolved === undefined) continue;
        return resolved;
      } catch (error) {
        if (!(error instanceof PackageConfigError) || error.code !== 'ERR_INVALID_PACKAGE_TARGET') throw error;
        lastError = error;
      }
    }
    if (lastError) throw lastError;
    return null;
  }
  if (typeof target === 'object' && target !== null) {
    const record = target as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (key !== 'default' && !context.conditions.has(key)) continue;
      const resolved = targetResolve(context, record[key], patternMatch);
      if (resolved !== undefined) return resolved;
    }
    return undefined;
  }
  if (target === null) return null;
  return undefined;
}

/** Node's PATTERN_KEY_COMPARE: the longer prefix before `*` first, then the longer key. */
function patternKeyCompare(a: string, b: string): number {
  const baseA = a.indexOf('*');
  const baseB = b.indexOf('*');
  const lengthA = baseA === -1 ? a.length : baseA + 1;
  const lengthB = baseB === -1 ? b.length : baseB + 1;
  if (lengthA !== lengthB) return lengthB - lengthA;
  return b.length - a.length;
}

/** Node's PACKAGE_IMPORTS_EXPORTS_RESOLVE: an exact key, else the most specific `*` pattern. */
function importsExportsResolve(
  context: Omit<TargetContext, 'key'>,
  matchKey: string,
  matchObject: Record<string, unknown>,
): Resolved | null | undefined {
  if (Object.hasOwn(matchObject, matchKey) && !matchKey.includes('*')) {
    return targetResolve({ ...context, key: matchKey }, matchObject[matchKey], null);
  }
  const expansionKeys = Object.keys(matchObject)
    .filter((key) => key.split('*').length === 2)
    .sort(patternKeyCompare);
  for (const key of expansionKeys) {
    const star = key.indexOf('*');
    const base = key.slice(0, star);
    const trailer = key.slice(star + 1);
    if (!matchKey.startsWith(base) || matchKey === base) continue;
    if (trailer.length > 0 && !(matchKey.endsWith(trailer) && matchKey.length >= key.length)) continue;
    const patternMatch = matchKey.slice(base.length, matchKey.length - trailer.length);
    return targetResolve({ ...context, key }, matchObject[key], patternMatch);
  }
  return undefined;
}

/** Node's PACKAGE_EXPORTS_RESOLVE for `subpath` ("." or "./x") of the package at `packageDir`. */
function exportsResolve(
  vfs: Vfs,
  packageDir: string,
  subpath: string,
  exports: unknown,
  from: string,
  require: boolean,
): Resolved {
  const context = {
    vfs,
    packageDir,
    isImports: false,
    conditions: require ? requireConditions : importConditions,
    from,
    require,
  };
  const isObject = typeof exports === 'object' && exports !== null && !Array.isArray(exports);
  const keys = isObject ? Object.keys(exports) : [];
  const dotted = keys.filter((key) => key.startsWith('.'));
  if (dotted.length > 0 && dotted.length !== keys.length) {
    throw new PackageConfigError(
      `Invalid package config ${posix.join(packageDir, 'package.json')}: "exports" cannot contain some keys starting with '.' and some not.`,
      'ERR_INVALID_PACKAGE_CONFIG',
    );
  }
  let resolved: Resolved | null | undefined;
  if (subpath === '.') {
    const main = dotted.length === 0 ? exports : (exports as Record<string, unknown>)['.'];
    if (main !== undefined) resolved = targetResolve({ ...context, key: '.' }, main, null);
  } else if (dotted.length > 0) {
    resolved = importsExportsResolve(context, subpath, exports as Record<string, unknown>);
  }
  if (resolved) return resolved;
  throw notExported(packageDir, subpath, from);
}

/** The nearest package.json above `path`, with its folder. */
function packageScope(vfs: Vfs, path: string): { dir: string; manifest: Record<string, unknown> } | undefined {
  for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
    if (posix.basename(dir) === 'node_modules') return undefined;
    const manifest = readPackageJson(vfs, dir);
    if (manifest) return { dir, manifest };
    if (dir === '/') return undefined;
  }
}

/** Node's PACKAGE_IMPORTS_RESOLVE: `#name` through the nearest package.json's `imports`. */
function importsResolve(vfs: Vfs, specifier: string, from: string, require: boolean): Resolved {
  const scope = packageScope(vfs, from);
  const imports = scope?.manifest.imports;
  if (scope && specifier !== '#' && !specifier.startsWith('#/') && typeof imports === 'object' && imports !== null) {
    const resolved = importsExportsResolve(
      {
        vfs,
        packageDir: scope.dir,
        isImports: true,
        conditions: require ? requireConditions : importConditions,
        from,
        require,
      },
      specifier,
      imports as Record<string, unknown>,
    );
    if (resolved) return resolved;
  }
  throw new PackageConfigError(
    `Package import specifier "${specifier}" is not defined${scope ? ` in package ${posix.join(scope.dir, 'package.json')}` : ''} imported from ${from}`,
    'ERR_PACKAGE_IMPORT_NOT_DEFINED',
  );
}

function splitPackage(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const size = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, size).join('/');
  const rest = parts.slice(size).join('/');
  return { name, subpath: rest === '' ? '.' : `./${rest}` };
}

/**
 * Node's PACKAGE_RESOLVE for a bare specifier: the package itself by name (self-reference
 * through its `exports`), then `node_modules/<name>` in each folder up from the importer,
 * through `exports` when the package has them (nothing else of it is reachable), else its
 * `main` or index for the package and plain paths for subpaths.
 */
function resolvePackage(vfs: Vfs, specifier: string, fromPath: string, require: boolean): Resolved {
  if (specifier.startsWith('node:')) return { kind: 'builtin', name: specifier.slice(5) };
  if (nodeBuiltins.has(specifier)) return { kind: 'builtin', name: specifier };
  const { name, subpath } = splitPackage(specifier);
  const self = packageScope(vfs, fromPath);
  if (self && self.manifest.name === name && self.manifest.exports !== undefined && self.manifest.exports !== null) {
    return exportsResolve(vfs, self.dir, subpath, self.manifest.exports, fromPath, require);
  }
  for (let dir = posix.dirname(fromPath); ; dir = posix.dirname(dir)) {
    const packageDir = posix.join(dir, 'node_modules', name);
    if (posix.basename(dir) !== 'node_modules' && vfs.get(packageDir)?.kind === 'dir') {
      const manifest = readPackageJson(vfs, packageDir);
      if (manifest && manifest.exports !== undefined && manifest.exports !== null) {
        return exportsResolve(vfs, packageDir, subpath, manifest.exports, fromPath, require);
      }
      const found = fileOrIndex(vfs, posix.join(packageDir, subpath));
      if (found) return { kind: 'file', path: found };
      throw new ModuleNotFoundError(specifier, fromPath);
    }
    if (dir === '/') break;
  }
  throw new MissingPackageError(name, fromPath);
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
  if (specifier.startsWith('#')) return importsResolve(vfs, specifier, fromPath, require);
  return resolvePackage(vfs, specifier, fromPath, require);
}

/** The nearest package.json's `type` for a file: "module" or "commonjs". */
export function packageType(vfs: Vfs, path: string): 'module' | 'commonjs' | undefined {
  for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
    const manifest = readPackageJson(vfs, dir);
    if (manifest) return manifest.type === 'module' ? 'module' : manifest.type === 'commonjs' ? 'commonjs' : undefined;
    if (dir === '/') return undefined;
  }
}
