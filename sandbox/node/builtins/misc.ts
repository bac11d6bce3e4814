/**
 * The small built-ins: path, url, os, events, buffer, timers and timers/promises, module,
 * querystring, string_decoder, perf_hooks.
 */
import { Buffer } from 'buffer/index.js';
import events from 'events/events.js';
import type { EventLoop } from '../loop.ts';
import posix from '../path.ts';
import { fileUrlToPath, nodeBuiltins, pathToFileUrl } from '../loader/resolve.ts';
import { homeRoot, tmpRoot } from '../vfs.ts';
import { util } from './util.ts';
import type { ModuleExports } from './module-exports.ts';

/** `path` (POSIX), resolving relative paths against the file's working directory. */
export function createPath(cwd: () => string): Record<string, unknown> {
  const path: ModuleExports = {
    ...posix,
    resolve: (...paths: string[]) => posix.resolve(cwd(), ...paths),
    relative: (from: string, to: string) => posix.relative(posix.resolve(cwd(), from), posix.resolve(cwd(), to)),
    matchesGlob: () => {
      throw new Error('path.matchesGlob is not available in the sandbox');
    },
  };
  path.posix = path;
  path.win32 = path;
  path.default = path;
  return path;
}

function toUrlString(value: unknown): string {
  if (value instanceof URL) return value.href;
  return String(value);
}

/** `url`: WHATWG URL, file: URL conversions and the legacy parse/format/resolve. */
export function createUrl(cwd: () => string): Record<string, unknown> {
  const url: ModuleExports = {
    URL,
    URLSearchParams,
    fileURLToPath: (value: unknown) => fileUrlToPath(toUrlString(value)),
    pathToFileURL: (path: string) => new URL(pathToFileUrl(posix.resolve(cwd(), path))),
    format(value: unknown) {
      if (value instanceof URL) return value.href;
      const parts = value as Record<string, string | undefined>;
      const protocol = parts.protocol ? (parts.protocol.endsWith(':') ? parts.protocol : `${parts.protocol}:`) : '';
      const host = parts.host ?? (parts.hostname ? `${parts.hostname}${parts.port ? `:${parts.port}` : ''}` : '');
      const search =
        parts.search ??
        (parts.query && typeof parts.query === 'object' ? `?${new URLSearchParams(parts.query).toString()}` : '');
      return `${protocol}${host || protocol === 'file:' ? '//' : ''}${host}${parts.pathname ?? ''}${search}${parts.hash ?? ''}`;
    },
    parse(value: string, parseQuery = false) {
      let parsed: URL;
      let relative = false;
      try {
        parsed = new URL(value);
      } catch {
        parsed = new URL(value, 'relative:///');
        relative = true;
      }
      const search = parsed.search;
      return {
        protocol: relative ? null : parsed.protocol,
        slashes: relative ? null : true,
        auth: parsed.username ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}` : null,
        host: relative ? null : parsed.host,
        port: parsed.port || null,
        hostname: relative ? null : parsed.hostname,
        hash: parsed.hash || null,
        search: search || null,
        query: parseQuery ? Object.fromEntries(parsed.searchParams) : search.slice(1) || null,
        pathname: parsed.pathname,
        path: parsed.pathname + search,
        href: relative ? value : parsed.href,
      };
    },
    resolve(from: string, to: string) {
      const resolved = new URL(to, new URL(from, 'resolve://'));
      return resolved.protocol === 'resolve:' ? resolved.pathname + resolved.search + resolved.hash : resolved.href;
    },
    domainToASCII: (domain: string) => new URL(`http://${domain}`).hostname,
    domainToUnicode: (domain: string) => domain,
    urlToHttpOptions: (value: URL) => ({
      protocol: value.protocol,
      hostname: value.hostname,
      hash: value.hash,
      search: value.search,
      pathname: value.pathname,
      path: value.pathname + value.search,
      href: value.href,
      port: value.port === '' ? undefined : Number(value.port),
    }),
  };
  url.default = url;
  return url;
}

export const os: ModuleExports = {
  EOL: '\n',
  devNull: '/dev/null',
  arch: () => 'x64',
  machine: () => 'x86_64',
  platform: () => 'linux',
  type: () => 'Linux',
  release: () => '6.1.0-sandbox',
  version: () => '#1 SMP',
  hostname: () => 'sandbox',
  homedir: () => homeRoot,
  tmpdir: () => tmpRoot,
  endianness: () => 'LE',
  uptime: () => Math.floor(performance.now() / 1000),
  loadavg: () => [0, 0, 0],
  totalmem: () => 2 * 1024 ** 3,
  freemem: () => 1024 ** 3,
  availableParallelism: () => 1,
  cpus: () => [{ model: 'sandbox', speed: 2000, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } }],
  networkInterfaces: () => ({}),
  userInfo: () => ({ username: 'sandbox', uid: 1000, gid: 1000, shell: '/bin/sh', homedir: homeRoot }),
  getPriority: () => 0,
  setPriority: () => undefined,
  constants: { signals: { SIGINT: 2, SIGTERM: 15, SIGKILL: 9 }, errno: {}, priority: {} },
};
os.default = os;

type Emitter = {
  on(name: string, listener: (...args: unknown[]) => void): unknown;
  off(name: string, listener: (...args: unknown[]) => void): unknown;
};

/** `events.on(emitter, name)`: an async iterator of the event's arguments. */
function on(emitter: Emitter, name: string, options?: { signal?: AbortSignal }): AsyncIterableIterator<unknown[]> {
  const queue: unknown[][] = [];
  const waiting: ((result: IteratorResult<unknown[]>) => void)[] = [];
  let failure: unknown;
  let done = false;
  const listener = (...args: unknown[]) => {
    const next = waiting.shift();
    if (next) next({ value: args, done: false });
    else queue.push(args);
  };
  const onError = (error: unknown) => {
    failure = error;
  };
  emitter.on(name, listener);
  if (name !== 'error') emitter.on('error', onError);
  const finish = () => {
    done = true;
    emitter.off(name, listener);
    emitter.off('error', onError);
    for (const next of waiting.splice(0)) next({ value: undefined, done: true });
  };
  options?.signal?.addEventListener('abort', finish, { once: true });
  return {
    next() {
      if (failure)
        return Promise.reject(
          failure instanceof Error ? failure : new Error('events.on: the emitter emitted an error'),
        );
      const value = queue.shift();
      if (value) return Promise.resolve({ value, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => waiting.push(resolve));
    },
    return() {
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

const eventsModule = events as unknown as Record<string, unknown>;
if (!('on' in eventsModule)) eventsModule.on = on;
eventsModule.setMaxListeners ??= () => undefined;
eventsModule.errorMonitor ??= Symbol('events.errorMonitor');
eventsModule.getEventListeners ??= (emitter: { listeners(name: string): unknown[] }, name: string) =>
  emitter.listeners(name);
export { eventsModule as events };

export const bufferModule: ModuleExports = {
  Buffer,
  SlowBuffer: Buffer,
  kMaxLength: 2 ** 32,
  constants: { MAX_LENGTH: 2 ** 32, MAX_STRING_LENGTH: 2 ** 29 - 24 },
  INSPECT_MAX_BYTES: 50,
  Blob,
  atob,
  btoa,
  isUtf8: (input: Uint8Array) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(input);
      return true;
    } catch {
      return false;
    }
  },
};
bufferModule.default = bufferModule;

/** `timers` and `timers/promises` of one file, through its event loop. */
export function createTimers(loop: EventLoop): { timers: Record<string, unknown>; promises: Record<string, unknown> } {
  const globals = loop.globals();
  const abortError = (signal: AbortSignal) =>
    Object.assign(new Error('The operation was aborted', { cause: signal.reason }), {
      name: 'AbortError',
      code: 'ABORT_ERR',
    });
  const wait = <T>(ms: unknown, value: T, options?: { signal?: AbortSignal; ref?: boolean }): Promise<T> =>
    new Promise((resolve, reject) => {
      const signal = options?.signal;
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const timer = loop.setTimeout(() => resolve(value), ms, []);
      if (options?.ref === false) timer.unref();
      signal?.addEventListener(
        'abort',
        () => {
          loop.clear(timer);
          reject(abortError(signal));
        },
        { once: true },
      );
    });
  const promises: ModuleExports = {
    setTimeout: wait,
    setImmediate: <T>(value: T) => new Promise<T>((resolve) => loop.setImmediate(() => resolve(value), [])),
    async *setInterval<T>(ms: unknown, value: T) {
      for (;;) yield await wait(ms, value);
    },
    scheduler: {
      wait: (ms: number, options?: { signal?: AbortSignal }) => wait(ms, undefined, options),
      yield: () => wait(0, undefined),
    },
  };
  promises.default = promises;
  const timers: ModuleExports = { ...globals, promises };
  timers.default = timers;
  const setTimeoutGlobal = globals.setTimeout as Record<symbol, unknown>;
  const customPromisify = (util.promisify as { custom?: symbol } | undefined)?.custom;
  if (customPromisify) setTimeoutGlobal[customPromisify] = wait;
  return { timers, promises };
}

/** `module`: createRequire, builtinModules, isBuiltin. */
export function createModule(require: (specifier: string, from: string) => unknown): Record<string, unknown> {
  const module: ModuleExports = {
    createRequire(from: unknown) {
      const path =
        from instanceof URL || String(from).startsWith('file:')
          ? fileUrlToPath(String(from instanceof URL ? from.href : from))
          : String(from);
      const required = (specifier: string) => require(specifier, path);
      return Object.assign(required, { resolve: () => undefined, cache: {} });
    },
    builtinModules: [...nodeBuiltins],
    isBuiltin: (name: string) => nodeBuiltins.has(name.startsWith('node:') ? name.slice(5) : name),
    register: () => undefined,
  };
  module.default = module;
  return module;
}

export const querystring: ModuleExports = {
  parse(text: string) {
    const result: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    for (const [key, value] of new URLSearchParams(text)) {
      const existing = result[key];
      result[key] = existing === undefined ? value : [existing, value].flat();
    }
    return result;
  },
  stringify(object: Record<string, unknown>) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(object ?? {})) {
      for (const item of Array.isArray(value) ? value : [value])
        params.append(key, item === undefined || item === null ? '' : String(item as string));
    }
    return params.toString();
  },
  escape: (text: string) => encodeURIComponent(text),
  unescape: (text: string) => decodeURIComponent(text),
};
querystring.decode = querystring.parse;
querystring.encode = querystring.stringify;
querystring.default = querystring;

class StringDecoder {
  private readonly decoder: TextDecoder | undefined;

  constructor(readonly encoding = 'utf8') {
    this.decoder = /^utf-?8$/i.test(encoding) ? new TextDecoder() : undefined;
  }

  write(buffer: Uint8Array): string {
    return this.decoder ? this.decoder.decode(buffer, { stream: true }) : Buffer.from(buffer).toString(this.encoding);
  }

  end(buffer?: Uint8Array): string {
    const rest = buffer ? this.write(buffer) : '';
    return rest + (this.decoder ? this.decoder.decode() : '');
  }
}

export const stringDecoder: ModuleExports = { StringDecoder };
stringDecoder.default = stringDecoder;

export const perfHooks: ModuleExports = { performance, PerformanceObserver: globalThis.PerformanceObserver };
perfHooks.default = perfHooks;
