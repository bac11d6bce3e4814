/**
 * One test file's world, as `node --test` gives each file a process of its own: its event
 * loop, `process`, console, virtual network, module system, built-ins and test harness.
 * In the sandbox's worker the globals are installed on the worker's own global object (the
 * worker exists for this run); under Node (unit tests) the file sees them through a global
 * object of its own, and Node's own globals are left alone.
 */
import type { CheckCase, CheckFileResult, CheckLocation } from '../../worker/checks/contract.ts';
import { Buffer } from 'buffer/index.js';
import { assert, assertStrict } from './builtins/assert.ts';
import { cryptoModule } from './builtins/crypto.ts';
import { createFs } from './builtins/fs.ts';
import { createHttp, VirtualNetwork } from './builtins/http.ts';
import {
  bufferModule,
  createModule,
  createPath,
  createTimers,
  createUrl,
  events,
  os,
  perfHooks,
  querystring,
  stringDecoder,
} from './builtins/misc.ts';
import { createConsole, createProcess, ProcessExit } from './builtins/process.ts';
import { inspect, util } from './builtins/util.ts';
import { browserOnlyHint } from './browser-globals.ts';
import { hostClearTimeout, hostNow, hostSetTimeout, indirectEval } from './host.ts';
import { CompileError, MissingPackageError, ModuleSystem, scopeNames } from './loader/modules.ts';
import { EventLoop } from './loop.ts';
import type { OutputSink } from './output.ts';
import { projectPath, projectStack } from './stack.ts';
import { Harness, type DescribedError } from './test-runner/harness.ts';
import type { Vfs } from './vfs.ts';
import type { ModuleExports } from './builtins/module-exports.ts';

/** A built-in module Node has and the sandbox does not. */
export class UnsupportedBuiltinError extends Error {
  readonly code = 'ERR_UNKNOWN_BUILTIN_MODULE';

  constructor(readonly builtinName: string) {
    super(`node:${builtinName} is not available in the sandbox (it has no processes, sockets, threads or native code)`);
    this.name = 'Error';
  }
}

export interface FileContextOptions {
  vfs: Vfs;
  /** The test file, absolute. */
  entry: string;
  output: OutputSink;
  onCase(result: CheckCase): void;
  /** Install the globals on the real global object (the sandbox's own worker). */
  installGlobals: boolean;
  /** When the whole run must end (host clock, ms). */
  deadline: number;
}

const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

export interface FileOutcome {
  result: CheckFileResult;
  /** npm packages and built-ins the file needed and the sandbox lacks. */
  missing: Set<string>;
  timedOut: boolean;
}

export class FileContext {
  readonly loop: EventLoop;
  readonly harness: Harness;
  readonly network: VirtualNetwork;
  readonly process: Record<string, unknown> & {
    emit(name: string, ...args: unknown[]): boolean;
    listenerCount(name: string): number;
  };
  readonly console: Record<string, unknown>;
  readonly modules: ModuleSystem;
  readonly globalObject: Record<string, unknown>;
  readonly file: string;
  readonly missing = new Set<string>();
  private readonly builtins = new Map<string, unknown>();
  private readonly installed: Record<string, unknown>;
  private exitCode: number | undefined;
  private counts = { cases: 0, failed: 0, skipped: 0 };
  private readonly scopeValues: unknown[];
  private restore: (() => void) | undefined;

  constructor(private readonly options: FileContextOptions) {
    this.file = projectPath(options.entry) ?? options.entry;
    this.loop = new EventLoop({
      current: () => this.harness.currentTest,
      uncaught: (error, owner) => this.uncaught(error, owner),
    });
    this.harness = new Harness({
      file: this.file,
      now: hostNow,
      onCase: (result) => this.recordCase(result),
      describeError: (error) => this.describeError(error),
      assert: () => assertStrict,
      diagnostic: (text) => options.output.write('stdout', `# ${text}\n`),
      hostTimer: (callback, ms) => {
        const handle = hostSetTimeout(callback, ms);
        return () => hostClearTimeout(handle);
      },
      hasPendingWork: () => this.loop.hasPendingWork(),
    });
    this.network = new VirtualNetwork(this.loop, (error) => this.uncaught(error, undefined));
    this.process = createProcess({
      vfs: options.vfs,
      loop: this.loop,
      output: options.output,
      entry: options.entry,
      onExit: (code) => {
        this.exitCode = code;
        this.harness.stop(`process.exit(${code}) was called`);
      },
    });
    this.console = createConsole(options.output);
    this.modules = new ModuleSystem({
      vfs: options.vfs,
      builtin: (name) => this.builtin(name),
      scope: () => this.scopeValues,
      evaluate: indirectEval,
    });
    const timers = this.loop.globals();
    const globals: ModuleExports = {
      process: this.process,
      Buffer,
      console: this.console,
      fetch: this.network.fetch,
      ...timers,
    };
    const real = globalThis as unknown as Record<string, unknown>;
    if (options.installGlobals) {
      this.globalObject = real;
      globals.global = real;
    } else {
      this.globalObject = Object.create(real) as Record<string, unknown>;
      globals.global = this.globalObject;
      globals.globalThis = this.globalObject;
    }
    this.installed = globals;
    const target = this.globalObject;
    // Parameters forward to the global object, so a test that replaces globalThis.fetch
    // (or a timer) is seen by the code it tests, as in Node.
    const forward = (name: string) =>
      function (this: unknown, ...args: unknown[]) {
        return (target[name] as (...values: unknown[]) => unknown).apply(this, args);
      };
    this.scopeValues = scopeNames.map((name) => {
      switch (name) {
        case 'global':
        case 'globalThis':
          return target;
        case 'process':
        case 'Buffer':
        case 'console':
          return globals[name];
        default:
          return forward(name);
      }
    });
  }

  /** Installs the file's globals (the worker's, or its own global object's). */
  private install(): void {
    const target = this.globalObject;
    const saved = new Map<string, PropertyDescriptor | undefined>();
    for (const [name, value] of Object.entries(this.installed)) {
      if (this.options.installGlobals) saved.set(name, Object.getOwnPropertyDescriptor(target, name));
      Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
    }
    this.restore = () => {
      for (const [name, descriptor] of saved) {
        if (descriptor) Object.defineProperty(target, name, descriptor);
        else delete target[name];
      }
    };
  }

  builtin(name: string): unknown {
    if (this.builtins.has(name)) return this.builtins.get(name);
    const value = this.makeBuiltin(name);
    this.builtins.set(name, value);
    return value;
  }

  private makeBuiltin(name: string): unknown {
    const cwd = () => (this.process.cwd as () => string)();
    switch (name) {
      case 'assert':
        return assert;
      case 'assert/strict':
        return assertStrict;
      case 'buffer':
        return bufferModule;
      case 'crypto':
        return cryptoModule;
      case 'events':
        return events;
      case 'fs':
        return createFs(this.options.vfs, cwd, this.loop);
      case 'fs/promises':
        return (this.builtin('fs') as { promises: unknown }).promises;
      case 'http':
        return createHttp(this.network);
      case 'module':
        return createModule((specifier, from) => this.modules.require(specifier, from));
      case 'os':
        return os;
      case 'path':
      case 'path/posix':
        return createPath(cwd);
      case 'perf_hooks':
        return perfHooks;
      case 'process':
        return this.process;
      case 'querystring':
        return querystring;
      case 'string_decoder':
        return stringDecoder;
      case 'test':
        return this.harness.api;
      case 'timers':
        return createTimers(this.loop).timers;
      case 'timers/promises':
        return (this.builtin('timers') as { promises: unknown }).promises;
      case 'url':
        return createUrl(cwd);
      case 'util':
      case 'sys':
        return util;
      case 'util/types':
        return util.types;
      case 'console':
        return this.console;
      default:
        throw new UnsupportedBuiltinError(name);
    }
  }

  /** A rejection nobody handled (the worker's `unhandledrejection`): charged like a throw. */
  unhandledRejection(reason: unknown): void {
    this.uncaught(reason, undefined);
  }

  /** An error of the file's code outside any test's own promise. */
  private uncaught(error: unknown, owner: unknown): void {
    if (error instanceof ProcessExit) return;
    if (this.process.listenerCount('uncaughtException') > 0) {
      try {
        this.process.emit('uncaughtException', error, 'uncaughtException');
        return;
      } catch (thrown) {
        error = thrown;
      }
    }
    this.harness.reportUncaught(error, owner);
  }

  /** A failure as the report shows it: message (with the assertion's diff), stack, location. */
  describeError(error: unknown): DescribedError {
    if (error instanceof MissingPackageError) this.missing.add(error.packageName);
    if (error instanceof UnsupportedBuiltinError) this.missing.add(`node:${error.builtinName}`);
    if (error instanceof CompileError) {
      const path = projectPath(error.path) ?? error.path;
      const location: CheckLocation | undefined =
        error.line === undefined ? { path, line: 1 } : { path, line: error.line, column: error.column };
      const where = error.line === undefined ? path : `${path}:${error.line}:${error.column ?? 1}`;
      return { message: `SyntaxError: ${error.message} (${where})`, location };
    }
    if (!(error instanceof Error) && !(typeof error === 'object' && error !== null && 'stack' in error)) {
      return { message: `${inspect(error)} was thrown (not an Error)` };
    }
    const failure = error as Error & {
      code?: unknown;
      generatedMessage?: boolean;
      operator?: unknown;
      cause?: unknown;
    };
    const mapped = projectStack(typeof failure.stack === 'string' ? failure.stack : undefined, (url, line, column) => {
      const compiled = this.modules.compiledByUrl.get(url);
      if (!compiled || line < 2) return undefined;
      return compiled.original(line - 1, column);
    });
    let message = String(failure.message ?? '').replace(ansi, '');
    const name = String(failure.name ?? 'Error');
    if (
      failure.code === 'ERR_ASSERTION' &&
      failure.generatedMessage &&
      failure.operator === '==' &&
      / == true$/.test(message) &&
      mapped.location
    ) {
      const line = this.sourceLine(mapped.location);
      if (line) message = `The expression evaluated to a falsy value:\n\n  ${line}\n`;
    }
    const hint = browserOnlyHint(name, message);
    if (name !== 'Error' && name !== 'AssertionError' && failure.code !== 'ERR_ASSERTION')
      message = `${name}: ${message}`;
    if (hint !== undefined) message += `\n${hint}`;
    if (failure.cause instanceof Error) message += `\n[cause]: ${failure.cause.message}`;
    return { message, stack: mapped.stack, location: mapped.location };
  }

  private sourceLine(location: CheckLocation): string | undefined {
    try {
      return this.options.vfs.readText(`/project/${location.path}`).split('\n')[location.line - 1]?.trim();
    } catch {
      return undefined;
    }
  }

  /** Loads the file, runs its tests, lets late timers fire briefly, and cleans up. */
  async run(): Promise<FileOutcome> {
    const started = hostNow();
    this.install();
    let loadError: unknown;
    const stopTimer = hostSetTimeout(
      () => this.harness.stop('the run reached its time limit'),
      Math.max(0, this.options.deadline - hostNow()),
    );
    try {
      try {
        await this.modules.run(this.options.entry);
      } catch (error) {
        if (!(error instanceof ProcessExit)) loadError = error;
      }
      if (loadError === undefined && this.exitCode === undefined) await this.harness.run();
      // Node's process lives until its loop is empty; give late timers a moment to fire
      // so an error they throw after their test ended is reported, not lost.
      const graceEnd = Math.min(hostNow() + 1000, this.options.deadline);
      while (this.exitCode === undefined && this.loop.hasPendingWork() && hostNow() < graceEnd) {
        await new Promise<void>((resolve) => hostSetTimeout(resolve, 10));
      }
      try {
        this.process.emit('exit', this.exitCode ?? this.process.exitCode ?? 0);
      } catch {
        // An exit handler that throws cannot change the outcome any more.
      }
    } finally {
      hostClearTimeout(stopTimer);
      this.loop.close();
      this.network.close();
      this.restore?.();
    }
    const durationMs = hostNow() - started;
    const timedOut = hostNow() >= this.options.deadline;
    const exitCode = this.exitCode ?? (this.process.exitCode as number | undefined);
    let result: CheckFileResult;
    if (loadError !== undefined || this.harness.fileErrors.length > 0) {
      const described = this.describeError(loadError ?? this.harness.fileErrors[0]);
      result = {
        file: this.file,
        status: 'error',
        durationMs,
        message: described.message,
        location: described.location,
      };
    } else if (exitCode !== undefined && exitCode !== 0) {
      result = {
        file: this.file,
        status: 'error',
        durationMs,
        message:
          this.exitCode !== undefined
            ? `process.exit(${exitCode}) was called`
            : `the file set process.exitCode = ${exitCode}`,
      };
    } else if (this.counts.failed > 0) result = { file: this.file, status: 'fail', durationMs };
    else if (this.counts.cases > 0 && this.counts.skipped === this.counts.cases)
      result = { file: this.file, status: 'skip', durationMs };
    else result = { file: this.file, status: 'pass', durationMs };
    return { result, missing: this.missing, timedOut };
  }

  private recordCase(result: CheckCase): void {
    this.counts.cases += 1;
    if (result.status === 'fail' || result.status === 'error') this.counts.failed += 1;
    if (result.status === 'skip' || result.status === 'todo') this.counts.skipped += 1;
    this.options.onCase(result);
  }
}
