/**
 * The module system a test file runs in: CommonJS and ES modules (compiled to functions by
 * transform.ts), JSON, and the sandbox's built-ins. Each test file gets a fresh one, as
 * `node --test` runs each file in a process of its own.
 *
 * An ES module's body is an async function, so top-level await works; its static imports
 * are evaluated first, in order, awaiting those that awaited. `require()` of an ES module
 * works when it finished synchronously (Node's `require(esm)`), as for every module
 * without top-level await.
 */
import posix from '../path.ts';
import type { Vfs } from '../vfs.ts';
import { MissingPackageError, ModuleNotFoundError, packageType, pathToFileUrl, resolveModule } from './resolve.ts';
import { dynamicImportName, importMetaName, userRequireName } from './scan.ts';
import {
  CompileError,
  compileModule,
  hasModuleSyntax,
  locateSyntaxError,
  type CompiledModule,
  type ModuleFormat,
} from './transform.ts';

/** Where every module's scope comes from: the file's process, globals and built-ins. */
export interface ModuleHost {
  vfs: Vfs;
  /** A built-in's exports (`name` without `node:`); throws when the sandbox lacks it. */
  builtin(name: string): unknown;
  /** The values of {@link scopeNames}, in that order (the globals a module sees). */
  scope(): readonly unknown[];
  /** Evaluates the wrapper source (an indirect eval in the sandbox's global scope). */
  evaluate(source: string): unknown;
}

/** Globals handed to each module as parameters, after the module's own names. */
export const scopeNames = [
  'global',
  'globalThis',
  'process',
  'Buffer',
  'console',
  'fetch',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'queueMicrotask',
] as const;

/** An error thrown by the module loader rather than by the module's own code. */
export class LoadError extends Error {
  readonly code: string;

  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

interface NodeModule {
  id: string;
  filename: string;
  path: string;
  exports: unknown;
  loaded: boolean;
  children: NodeModule[];
  paths: string[];
  parent: NodeModule | null | undefined;
  require: (specifier: string) => unknown;
}

interface ModuleRecord {
  path: string;
  kind: ModuleFormat | 'json';
  module: NodeModule;
  state: 'new' | 'evaluating' | 'done' | 'failed';
  compiled: CompiledModule | undefined;
  /** Settles when an ES module that awaited at top level has finished. */
  pending: Promise<void> | undefined;
  error: unknown;
}

/** The URL a module's code is evaluated under: what its stack frames and import.meta say. */
export function moduleUrl(path: string): string {
  return pathToFileUrl(path);
}

export class ModuleSystem {
  private readonly records = new Map<string, ModuleRecord>();
  private readonly formats = new Map<string, ModuleFormat | 'json'>();
  /** Compiled modules by URL, for mapping stack frames back to the source. */
  readonly compiledByUrl = new Map<string, CompiledModule>();

  constructor(private readonly host: ModuleHost) {}

  /**
   * `require(specifier)` from the module at `fromPath`. An ES module's static imports come
   * here too (the transform made them `require` calls), resolved with the `import`
   * condition (`asImport`), as Node resolves them.
   */
  require(specifier: string, fromPath: string, parent?: NodeModule, asImport = false): unknown {
    if (typeof specifier !== 'string') {
      throw new TypeError(`The "id" argument must be of type string. Received ${typeof specifier}`);
    }
    const resolved = resolveModule(this.host.vfs, specifier, fromPath, !asImport);
    if (resolved.kind === 'builtin') return this.host.builtin(resolved.name);
    const record = this.record(resolved.path, parent);
    const result = this.evaluate(record);
    if (result && record.state !== 'done') {
      throw new LoadError(
        `require() cannot be used on an ES module with top-level await (${posix.relative('/', record.path)}); use import()`,
        'ERR_REQUIRE_ASYNC_MODULE',
      );
    }
    return record.module.exports;
  }

  /** `import(specifier)` from the module at `fromPath`: the module's namespace. */
  async import(specifier: string, fromPath: string): Promise<unknown> {
    const resolved = resolveModule(this.host.vfs, String(specifier), fromPath, false);
    if (resolved.kind === 'builtin') return namespaceOf(this.host.builtin(resolved.name), false);
    const record = this.record(resolved.path, undefined);
    await this.evaluate(record);
    return namespaceOf(record.module.exports, record.kind === 'esm');
  }

  /** Runs a test file as the entry module, awaiting its top-level await. */
  async run(path: string): Promise<void> {
    const record = this.record(path, null);
    await this.evaluate(record);
  }

  private formatOf(path: string): ModuleFormat | 'json' {
    const known = this.formats.get(path);
    if (known) return known;
    const extension = posix.extname(path);
    let format: ModuleFormat | 'json';
    if (extension === '.json') format = 'json';
    else if (extension === '.mjs' || extension === '.mts') format = 'esm';
    else if (extension === '.cjs' || extension === '.cts') format = 'cjs';
    else {
      const type = packageType(this.host.vfs, path);
      if (type === 'module') format = 'esm';
      else if (type === 'commonjs') format = 'cjs';
      else format = hasModuleSyntax(this.host.vfs.readText(path)) ? 'esm' : 'cjs';
    }
    this.formats.set(path, format);
    return format;
  }

  private record(path: string, parent: NodeModule | null | undefined): ModuleRecord {
    const existing = this.records.get(path);
    if (existing) return existing;
    const module: NodeModule = {
      id: parent === null ? '.' : path,
      filename: path,
      path: posix.dirname(path),
      exports: {},
      loaded: false,
      children: [],
      paths: nodeModulePaths(path),
      parent,
      require: (specifier: string) => this.require(specifier, path, module),
    };
    parent?.children.push(module);
    const record: ModuleRecord = {
      path,
      kind: this.formatOf(path),
      module,
      state: 'new',
      compiled: undefined,
      pending: undefined,
      error: undefined,
    };
    this.records.set(path, record);
    return record;
  }

  /**
   * Evaluates a module once. Returns a promise only while an ES module (or one of its
   * imports) is still awaiting at top level; throws a synchronous failure.
   */
  private evaluate(record: ModuleRecord): Promise<void> | undefined {
    if (record.state === 'failed') throw record.error;
    if (record.state !== 'new') return record.pending;
    record.state = 'evaluating';
    try {
      if (record.kind === 'json') {
        record.module.exports = parseJson(this.host.vfs.readText(record.path), record.path);
        return this.finish(record);
      }
      const source = this.host.vfs.readText(record.path);
      const compiled = compileModule(record.path, stripHashbang(source), record.kind);
      record.compiled = compiled;
      const url = moduleUrl(record.path);
      this.compiledByUrl.set(url, compiled);
      if (record.kind === 'cjs') {
        this.callBody(record, compiled, url);
        return this.finish(record);
      }
      const waits: Promise<void>[] = [];
      for (const specifier of compiled.imports) {
        const resolved = resolveModule(this.host.vfs, specifier, record.path, false);
        if (resolved.kind === 'builtin') {
          this.host.builtin(resolved.name);
          continue;
        }
        const wait = this.evaluate(this.record(resolved.path, record.module));
        if (wait) waits.push(wait);
      }
      if (waits.length > 0) {
        record.pending = Promise.all(waits).then(() => this.runEsmBody(record, compiled, url));
        record.pending.catch(() => undefined);
        return record.pending;
      }
      const wait = this.runEsmBody(record, compiled, url);
      if (wait) {
        record.pending = wait;
        return wait;
      }
      return this.finish(record);
    } catch (error) {
      record.state = 'failed';
      record.error = error;
      throw error;
    }
  }

  private finish(record: ModuleRecord): undefined {
    record.state = 'done';
    record.module.loaded = true;
    return undefined;
  }

  /** Runs an ES module's body; returns a promise only if it awaited at top level. */
  private runEsmBody(record: ModuleRecord, compiled: CompiledModule, url: string): Promise<void> | undefined {
    let ended = false;
    let failure: { error: unknown } | undefined;
    const end = (error: unknown, threw: boolean) => {
      ended = true;
      if (threw) failure = { error };
    };
    const promise = this.callBody(record, compiled, url, end) as Promise<void>;
    if (ended) {
      if (failure) throw failure.error;
      return undefined;
    }
    return promise.then(
      () => {
        if (failure) throw failure.error;
        this.finish(record);
      },
      (error: unknown) => {
        record.state = 'failed';
        record.error = error;
        throw error;
      },
    );
  }

  private callBody(
    record: ModuleRecord,
    compiled: CompiledModule,
    url: string,
    end?: (error: unknown, threw: boolean) => void,
  ): unknown {
    const esm = compiled.format === 'esm';
    const path = record.path;
    const module = record.module;
    let wrapper: (...args: unknown[]) => unknown;
    try {
      wrapper = this.host.evaluate(wrap(compiled, url)) as (...args: unknown[]) => unknown;
    } catch (error) {
      if (error instanceof SyntaxError) throw locateSyntaxError(path, this.host.vfs.readText(path), error);
      throw error;
    }
    const meta = esm ? this.importMeta(path, url) : undefined;
    const dynamicImport = (specifier: unknown) => this.import(String(specifier), path);
    const userRequire = esm
      ? () => {
          throw new ReferenceError(
            'require is not defined in ES module scope, you can use import instead' +
              (posix.extname(path) === '.js'
                ? ` (this file is an ES module because ${path.endsWith('.js') ? 'the package.json has "type": "module" or it uses import/export' : 'of its extension'})`
                : ''),
          );
        }
      : undefined;
    const staticImport = esm ? (specifier: string) => this.require(specifier, path, module, true) : module.require;
    return wrapper.call(
      esm ? undefined : module.exports,
      module.exports,
      staticImport,
      module,
      path,
      posix.dirname(path),
      meta,
      dynamicImport,
      userRequire,
      end,
      ...this.host.scope(),
    );
  }

  private importMeta(path: string, url: string): Record<string, unknown> {
    return {
      url,
      filename: path,
      dirname: posix.dirname(path),
      resolve: (specifier: string) => {
        const resolved = resolveModule(this.host.vfs, specifier, path, false);
        return resolved.kind === 'builtin' ? `node:${resolved.name}` : moduleUrl(resolved.path);
      },
    };
  }
}

const moduleNames = [
  'exports',
  'require',
  'module',
  '__filename',
  '__dirname',
  importMetaName,
  dynamicImportName,
  userRequireName,
  '\u0275end',
];

/**
 * The source evaluated for a module: a function expression on line 1 with the module's own
 * code from line 2 on (stack lines are one more than the code's), inside a block so the
 * code may declare names that are also our parameters (`const fetch = …`).
 */
function wrap(compiled: CompiledModule, url: string): string {
  const parameters = [...moduleNames, ...scopeNames].join(', ');
  const head =
    compiled.format === 'esm' ? `(async function (${parameters}) {"use strict";try{{` : `(function (${parameters}) {{`;
  const tail =
    compiled.format === 'esm' ? `\n}}catch(e){\u0275end(e,true);return}\u0275end(undefined,false)})` : '\n}})';
  return `${head}\n${compiled.code}${tail}\n//# sourceURL=${url}`;
}

function stripHashbang(source: string): string {
  return source.startsWith('#!') ? `//${source.slice(2)}` : source;
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SyntaxError(`${path}: ${message}`);
  }
}

function nodeModulePaths(path: string): string[] {
  const paths: string[] = [];
  for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
    if (!dir.endsWith('/node_modules')) paths.push(posix.join(dir, 'node_modules'));
    if (dir === '/') return paths;
  }
}

/** What `import()` of a module resolves to: its namespace, with `default` for CommonJS. */
function namespaceOf(exports: unknown, esm: boolean): unknown {
  if (esm) return exports;
  const namespace: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (exports !== null && (typeof exports === 'object' || typeof exports === 'function')) {
    for (const key of Object.keys(exports)) {
      if (key !== 'default') namespace[key] = (exports as Record<string, unknown>)[key];
    }
  }
  namespace.default = exports;
  Object.defineProperty(namespace, Symbol.toStringTag, { value: 'Module' });
  return namespace;
}

export { CompileError, MissingPackageError, ModuleNotFoundError };
