/**
 * `process` and `console` of one test file: env, argv, cwd, exit codes, nextTick,
 * stdout/stderr writes into the captured output, and the rest a test suite touches.
 * `process.exit()` ends the file, as it ends Node's child process.
 */
import { Buffer } from 'buffer/index.js';
import events from 'events/events.js';
import { hostNow, hostQueueMicrotask } from '../host.ts';
import type { EventLoop } from '../loop.ts';
import type { OutputSink } from '../output.ts';
import posix from '../path.ts';
import { FsError, homeRoot, projectRoot, type Vfs } from '../vfs.ts';
import { formatWithOptions } from './util.ts';
import type { ModuleExports } from './module-exports.ts';

/** Node's version as the sandbox reports it: a Node with require(esm) and type stripping. */
export const nodeVersion = 'v22.18.0';

/** Thrown by `process.exit()`; ends the test file. */
export class ProcessExit extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code}) was called`);
    this.name = 'ProcessExit';
  }
}

export interface ProcessOptions {
  vfs: Vfs;
  loop: EventLoop;
  output: OutputSink;
  /** The test file, absolute. */
  entry: string;
  onExit(code: number): void;
}

type Emitter = Record<string, unknown> & {
  emit(name: string, ...args: unknown[]): boolean;
  listenerCount(name: string): number;
};

const EventEmitter = events as unknown as new () => Emitter;
const started = hostNow();

function stream(output: OutputSink, name: 'stdout' | 'stderr', fd: number): Emitter {
  const target = new EventEmitter();
  return Object.assign(target, {
    fd,
    isTTY: false,
    writable: true,
    columns: 80,
    rows: 24,
    write(chunk: unknown, encoding?: unknown, callback?: unknown) {
      const text =
        typeof chunk === 'string'
          ? chunk
          : chunk instanceof Uint8Array
            ? Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8')
            : String(chunk);
      output.write(name, text);
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') hostQueueMicrotask(() => (done as () => void)());
      return true;
    },
    end(chunk?: unknown) {
      if (chunk !== undefined && typeof chunk !== 'function') (target.write as (value: unknown) => void)(chunk);
    },
    getColorDepth: () => 1,
    hasColors: () => false,
    cork: () => undefined,
    uncork: () => undefined,
    setDefaultEncoding: () => target,
  });
}

export function createProcess(options: ProcessOptions): Emitter {
  const { vfs, loop, output } = options;
  let cwd = projectRoot;
  const process = new EventEmitter();
  const hrtime = (previous?: [number, number]) => {
    const now = hostNow();
    let seconds = Math.floor(now / 1000);
    let nanos = Math.floor((now % 1000) * 1e6);
    if (previous) {
      seconds -= previous[0];
      nanos -= previous[1];
      if (nanos < 0) {
        seconds -= 1;
        nanos += 1e9;
      }
    }
    return [seconds, nanos];
  };
  hrtime.bigint = () => BigInt(Math.floor(hostNow() * 1e6));
  const memoryUsage = () => ({ rss: 50e6, heapTotal: 20e6, heapUsed: 10e6, external: 1e6, arrayBuffers: 1e5 });
  memoryUsage.rss = () => 50e6;
  let exitCode: number | undefined;
  return Object.assign(process, {
    title: 'node',
    version: nodeVersion,
    versions: { node: nodeVersion.slice(1), v8: '12.4', uv: '1.48.0', modules: '127' },
    release: { name: 'node', lts: 'Jod' },
    platform: 'linux',
    arch: 'x64',
    pid: 42,
    ppid: 1,
    execPath: '/usr/local/bin/node',
    execArgv: [],
    argv: ['/usr/local/bin/node', options.entry],
    argv0: 'node',
    env: {
      HOME: homeRoot,
      PATH: '/usr/local/bin:/usr/bin:/bin',
      USER: 'sandbox',
      LANG: 'C.UTF-8',
      SHELL: '/bin/sh',
      NODE_TEST_CONTEXT: 'child-v8',
    },
    config: { variables: {} },
    features: { inspector: false, typescript: 'strip' },
    get exitCode() {
      return exitCode;
    },
    set exitCode(value: unknown) {
      exitCode = value === undefined || value === null ? undefined : Number(value);
    },
    cwd: () => cwd,
    chdir(directory: string) {
      const target = posix.resolve(cwd, String(directory));
      const entry = vfs.get(target);
      if (!entry) throw new FsError('ENOENT', 'chdir', target);
      if (entry.kind !== 'dir') throw new FsError('ENOTDIR', 'chdir', target);
      cwd = target;
    },
    exit(code?: unknown) {
      const final = code === undefined ? (exitCode ?? 0) : Number(code);
      exitCode = final;
      options.onExit(final);
      throw new ProcessExit(final);
    },
    abort() {
      options.onExit(134);
      throw new ProcessExit(134);
    },
    kill(pid: number) {
      if (pid !== 42) throw new FsError('EPERM', 'kill', String(pid));
      return true;
    },
    nextTick(callback: unknown, ...args: unknown[]) {
      loop.queueMicrotask(callback, args);
    },
    hrtime,
    memoryUsage,
    cpuUsage: () => ({ user: Math.floor(hostNow() * 1000), system: 0 }),
    resourceUsage: () => ({ userCPUTime: Math.floor(hostNow() * 1000), systemCPUTime: 0, maxRSS: 50000 }),
    uptime: () => (hostNow() - started) / 1000,
    umask: () => 0o22,
    getuid: () => 1000,
    geteuid: () => 1000,
    getgid: () => 1000,
    getegid: () => 1000,
    getgroups: () => [1000],
    emitWarning(warning: unknown, type?: unknown) {
      const name = warning instanceof Error ? warning.name : typeof type === 'string' ? type : 'Warning';
      const message = warning instanceof Error ? warning.message : String(warning);
      output.write('stderr', `(node:42) ${name}: ${message}\n`);
    },
    binding() {
      throw new Error('process.binding is not available in the sandbox');
    },
    stdout: stream(output, 'stdout', 1),
    stderr: stream(output, 'stderr', 2),
    stdin: Object.assign(new EventEmitter(), {
      fd: 0,
      isTTY: false,
      read: () => null,
      resume() {
        return this;
      },
      pause() {
        return this;
      },
      setEncoding() {
        return this;
      },
    }),
  });
}

/** Node's console, writing into the captured output. */
export function createConsole(output: OutputSink): Record<string, unknown> {
  let indent = '';
  const counts = new Map<string, number>();
  const timers = new Map<string, number>();
  const print = (stream: 'stdout' | 'stderr', args: unknown[]) => {
    const text = formatWithOptions({ colors: false }, ...args);
    output.write(stream, `${indent === '' ? text : text.replace(/^/gm, indent)}\n`);
  };
  const console: ModuleExports = {
    log: (...args: unknown[]) => print('stdout', args),
    info: (...args: unknown[]) => print('stdout', args),
    debug: (...args: unknown[]) => print('stdout', args),
    warn: (...args: unknown[]) => print('stderr', args),
    error: (...args: unknown[]) => print('stderr', args),
    trace: (...args: unknown[]) => {
      const stack = (new Error().stack ?? '').split('\n').slice(2).join('\n');
      print('stderr', [`Trace: ${formatWithOptions({}, ...args)}\n${stack}`]);
    },
    dir: (value: unknown, options?: object) => print('stdout', [formatWithOptions({ ...options }, '%O', value)]),
    dirxml: (...args: unknown[]) => print('stdout', args),
    table: (data: unknown) => print('stdout', [data]),
    assert: (condition: unknown, ...args: unknown[]) => {
      if (!condition) print('stderr', ['Assertion failed', ...args]);
    },
    group: (...args: unknown[]) => {
      if (args.length > 0) print('stdout', args);
      indent += '  ';
    },
    groupCollapsed: (...args: unknown[]) => (console.group as (...values: unknown[]) => void)(...args),
    groupEnd: () => {
      indent = indent.slice(2);
    },
    count: (label = 'default') => {
      const count = (counts.get(label) ?? 0) + 1;
      counts.set(label, count);
      print('stdout', [`${label}: ${count}`]);
    },
    countReset: (label = 'default') => counts.delete(label),
    time: (label = 'default') => timers.set(label, hostNow()),
    timeLog: (label = 'default', ...args: unknown[]) => {
      const start = timers.get(label);
      if (start !== undefined) print('stdout', [`${label}: ${(hostNow() - start).toFixed(3)}ms`, ...args]);
    },
    timeEnd: (label = 'default') => {
      const start = timers.get(label);
      if (start === undefined) return;
      timers.delete(label);
      print('stdout', [`${label}: ${(hostNow() - start).toFixed(3)}ms`]);
    },
  };
  return console;
}
