/**
 * The `node:test` runner of one test file: `test`/`it`, `describe`/`suite`, hooks, skip,
 * todo, subtests, per-test timeouts and mocks, with Node's semantics where a suite relies
 * on them (checked against Node 20's runner):
 *
 * - while the file loads, `describe` runs its body at once to collect its tests; tests run
 *   after the file has loaded, one after another, in the order they were declared;
 * - hooks: `before` once before a suite's first test, `beforeEach` of every enclosing
 *   suite outermost first, `afterEach` innermost first, `after` when the suite is done;
 *   a skipped test runs no hooks; subtests (`t.test`) get the enclosing suites' hooks too;
 * - a failing `todo` test is reported as todo, not as a failure; `only` needs
 *   `--test-only`, so it is ignored (with Node's warning) as by `node --test`;
 * - a parent test waits for its subtests and fails when one of them fails.
 *
 * Status mapping to the report: a test whose body threw or rejected is `fail`; a test that
 * could not run properly (a failing hook, an error thrown by its timers after it ended,
 * the run's time limit) is `error`.
 *
 *   declared --(file loaded)--> queued --> hooks+body --> subtests --> afterEach --> ended
 *                                   \--(skip)------------------------------------> ended
 */
import type { CheckCase, CheckCaseStatus, CheckLocation } from '../../../worker/checks/contract.ts';
import { MockTracker } from './mock.ts';

type TestFn = (context: unknown, done?: (error?: unknown) => void) => unknown;
type HookKind = 'before' | 'after' | 'beforeEach' | 'afterEach';

interface TestOptions {
  skip?: boolean | string;
  todo?: boolean | string;
  only?: boolean;
  timeout?: number;
  concurrency?: number | boolean;
  signal?: AbortSignal;
  plan?: number;
}

export interface DescribedError {
  message: string;
  stack?: string | undefined;
  location?: CheckLocation | undefined;
}

export interface HarnessHost {
  /** The test file, project-relative. */
  file: string;
  now(): number;
  onCase(result: CheckCase): void;
  describeError(error: unknown): DescribedError;
  /** Node's assert module, for `t.assert`. */
  assert(): Record<string, unknown>;
  /** Writes a line to the captured output (Node prints diagnostics there). */
  diagnostic(text: string): void;
  /** A timer of the sandbox itself (not the project's): for timeouts and watchdogs. */
  hostTimer(callback: () => void, ms: number): () => void;
  /** Whether the file's code still has timers, servers or requests that could settle a test. */
  hasPendingWork(): boolean;
}

class Hook {
  constructor(
    readonly kind: HookKind,
    readonly fn: TestFn,
    readonly timeout: number | undefined,
  ) {}
}

/** A test, a suite, or the file's root. */
class TestNode {
  readonly children: TestNode[] = [];
  readonly hooks: Record<HookKind, Hook[]> = { before: [], after: [], beforeEach: [], afterEach: [] };
  status: CheckCaseStatus | undefined;
  failed = false;
  hasFailure = false;
  skipReason: string | undefined;
  todoReason: string | undefined;
  ended = false;
  /** Errors from the test's timers and callbacks while it ran. */
  uncaught: ((error: unknown) => void) | undefined;
  subtests: Promise<void> = Promise.resolve();
  pendingSubtests = 0;
  /** A suite body that returned a promise, awaited before its tests run. */
  building: Promise<unknown> | undefined;
  buildError: { error: unknown } | undefined;
  readonly mock = new MockTracker();
  readonly finished: Promise<void>;
  private resolveFinished: () => void = () => undefined;
  readonly abort = new AbortController();

  constructor(
    readonly kind: 'root' | 'suite' | 'test',
    readonly name: string,
    readonly parent: TestNode | undefined,
    readonly fn: TestFn | undefined,
    readonly options: TestOptions,
  ) {
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
    if (options.skip !== undefined && options.skip !== false) {
      this.skipReason = typeof options.skip === 'string' ? options.skip : '';
    }
    if (options.todo !== undefined && options.todo !== false) {
      this.todoReason = typeof options.todo === 'string' ? options.todo : '';
    }
  }

  get path(): string[] {
    return selfAndAncestors(this)
      .filter((node) => node.kind !== 'root')
      .map((node) => node.name)
      .reverse();
  }

  /** Skipped itself or inside a skipped suite. */
  get skipped(): boolean {
    return selfAndAncestors(this).some((node) => node.skipReason !== undefined);
  }

  get isTodo(): boolean {
    return selfAndAncestors(this).some((node) => node.todoReason !== undefined);
  }

  end(): void {
    this.ended = true;
    this.abort.abort();
    this.resolveFinished();
  }
}

/**
 * Ends a test that could not finish: the run's time limit passed, or its promise can no
 * longer settle. Such a test is an `error`, not a `fail`.
 */
export class TestCancelled extends Error {}

function normalizeArguments(args: unknown[]): { name: string; options: TestOptions; fn: TestFn | undefined } {
  let name = '<anonymous>';
  let options: TestOptions = {};
  let fn: TestFn | undefined;
  for (const arg of args) {
    if (typeof arg === 'string') name = arg;
    else if (typeof arg === 'function') fn = arg as TestFn;
    else if (typeof arg === 'object' && arg !== null) options = arg;
  }
  if (typeof args[0] === 'function' && typeof args[1] !== 'string')
    name = (args[0] as { name?: string }).name || '<anonymous>';
  return { name, options, fn };
}

export class Harness {
  readonly root = new TestNode('root', '<root>', undefined, undefined, {});
  private currentSuite = this.root;
  private activeTest: TestNode | undefined;
  private warnedOnly = false;
  /** Errors of the file itself: a root hook, an error thrown by a timer outside any test. */
  readonly fileErrors: unknown[] = [];
  private stopped: string | undefined;
  readonly rootMock = new MockTracker();
  readonly api: ((...args: unknown[]) => Promise<void>) & Record<string, unknown>;

  constructor(private readonly host: HarnessHost) {
    this.api = this.makeApi();
  }

  /** The test whose code is running, to which its timers' errors belong. */
  get currentTest(): TestNode | undefined {
    return this.activeTest;
  }

  /** Counts every test declared, for progress. */
  get declaredTests(): number {
    let count = 0;
    const visit = (node: TestNode) => {
      if (node.kind === 'test') count += 1;
      node.children.forEach(visit);
    };
    visit(this.root);
    return count;
  }

  /**
   * An error thrown by the project's timers, callbacks or servers. It fails the test that
   * scheduled it if that one is running, becomes an error case if that test had ended,
   * and is an error of the file when it came from outside any test.
   */
  reportUncaught(error: unknown, owner: unknown): void {
    const test = owner instanceof TestNode ? owner : this.activeTest;
    if (test && test.kind === 'test' && !test.ended && test.uncaught) {
      test.uncaught(error);
      return;
    }
    if (test && test.kind === 'test') {
      const described = this.host.describeError(error);
      const location = test.path.join(' > ');
      this.host.onCase({
        file: this.host.file,
        name: [...test.path, 'asynchronous activity after the test ended'],
        status: 'error',
        durationMs: 0,
        message:
          `Test "${location}" generated asynchronous activity after the test ended. This activity created the error ` +
          `"${described.message}" and would have caused the test to fail, but instead triggered an uncaughtException event.`,
        stack: described.stack,
        location: described.location,
      });
      return;
    }
    this.fileErrors.push(error);
  }

  /** Stops the run: the running test ends with `reason`, nothing else starts. */
  stop(reason: string): void {
    this.stopped = reason;
    this.activeTest?.uncaught?.(new TestCancelled(reason));
  }

  /** Runs every test the file declared, after it loaded. */
  async run(): Promise<void> {
    await this.runSuite(this.root);
  }

  private makeApi(): Harness['api'] {
    const test = (...args: unknown[]) => this.declare('test', args);
    const describe = (...args: unknown[]) => this.declare('suite', args);
    const variant =
      (kind: 'test' | 'suite', extra: TestOptions) =>
      (...args: unknown[]) => {
        const { name, options, fn } = normalizeArguments(args);
        return this.declare(kind, [name, { ...options, ...extra }, fn]);
      };
    for (const [target, kind] of [
      [test, 'test'],
      [describe, 'suite'],
    ] as const) {
      Object.assign(target, {
        skip: variant(kind, { skip: true }),
        todo: variant(kind, { todo: true }),
        only: variant(kind, { only: true }),
      });
    }
    const hook = (kind: HookKind) => (fn: TestFn, options?: { timeout?: number }) => {
      const owner = this.activeTest ?? this.currentSuite;
      owner.hooks[kind].push(new Hook(kind, fn, options?.timeout));
    };
    // The module is the `test` function itself, as Node's is: `require('node:test')(…)`.
    const api = Object.assign(test, {
      test,
      it: test,
      describe,
      suite: describe,
      before: hook('before'),
      after: hook('after'),
      beforeEach: hook('beforeEach'),
      afterEach: hook('afterEach'),
      mock: this.rootMock,
      run: () => {
        throw new Error('run() of node:test is not available in the sandbox');
      },
    });
    return Object.assign(api, { default: api }) as unknown as Harness['api'];
  }

  private declare(kind: 'test' | 'suite', args: unknown[]): Promise<void> {
    const { name, options, fn } = normalizeArguments(args);
    if (options.only && !this.warnedOnly) {
      this.warnedOnly = true;
      this.host.diagnostic("'only' and 'runOnly' require the --test-only command-line option.");
    }
    const running = this.activeTest;
    if (running && !running.ended) return this.subtest(running, kind, name, options, fn);
    const node = new TestNode(kind, name, this.currentSuite, fn, options);
    this.currentSuite.children.push(node);
    if (kind === 'suite') this.build(node);
    return node.finished;
  }

  /** Runs a suite's body to collect its tests. */
  private build(suite: TestNode): void {
    if (!suite.fn) return;
    const previous = this.currentSuite;
    this.currentSuite = suite;
    try {
      const result = suite.fn(this.suiteContext(suite));
      if (isThenable(result)) {
        suite.building = Promise.resolve(result).then(
          () => undefined,
          (error: unknown) => {
            suite.buildError = { error };
          },
        );
      }
    } catch (error) {
      suite.buildError = { error };
    } finally {
      this.currentSuite = previous;
    }
  }

  private suiteContext(suite: TestNode): Record<string, unknown> {
    return { name: suite.name, fullName: suite.path.join(' > '), signal: suite.abort.signal, filePath: this.host.file };
  }

  private subtest(
    parent: TestNode,
    kind: 'test' | 'suite',
    name: string,
    options: TestOptions,
    fn: TestFn | undefined,
  ): Promise<void> {
    const node = new TestNode(kind, name, parent, fn, options);
    parent.children.push(node);
    parent.pendingSubtests += 1;
    if (kind === 'suite') this.build(node);
    const previous = parent.subtests;
    parent.subtests = previous.then(async () => {
      const outer = this.activeTest;
      try {
        if (kind === 'suite') await this.runSuite(node);
        else await this.runTest(node);
      } finally {
        this.activeTest = outer;
        parent.pendingSubtests -= 1;
      }
    });
    return node.finished;
  }

  private async runSuite(suite: TestNode): Promise<void> {
    if (suite.building) await suite.building;
    if (suite.kind === 'suite' && suite.skipped) {
      this.skipAll(suite);
      suite.end();
      return;
    }
    if (suite.buildError) {
      this.finishSuite(suite, 'error', suite.buildError.error);
      return;
    }
    const beforeFailure = await this.runHooks(suite, 'before', suite);
    for (const child of suite.children) {
      if (this.stopped) break;
      if (beforeFailure) {
        this.failWithoutRunning(
          child,
          `before hook failed: ${this.host.describeError(beforeFailure.error).message}`,
          beforeFailure.error,
        );
        continue;
      }
      if (child.kind === 'suite') await this.runSuite(child);
      else await this.runTest(child);
      if (child.failed) suite.hasFailure = true;
    }
    const afterFailure = await this.runHooks(suite, 'after', suite);
    if (suite.kind === 'root') {
      if (beforeFailure) this.fileErrors.push(beforeFailure.error);
      if (afterFailure) this.fileErrors.push(afterFailure.error);
      suite.end();
      return;
    }
    if (beforeFailure || afterFailure) {
      const failure = (beforeFailure ?? afterFailure)?.error;
      this.finishSuite(suite, 'error', failure, `${beforeFailure ? 'before' : 'after'} hook failed`);
      return;
    }
    suite.failed = suite.hasFailure;
    suite.end();
  }

  /** A suite that failed as a whole is one error case named after the suite. */
  private finishSuite(suite: TestNode, status: CheckCaseStatus, error: unknown, prefix?: string): void {
    const described = this.host.describeError(error);
    suite.failed = true;
    suite.end();
    this.host.onCase({
      file: this.host.file,
      name: suite.path,
      status,
      durationMs: 0,
      message: prefix ? `${prefix}: ${described.message}` : described.message,
      stack: described.stack,
      location: described.location,
    });
  }

  private skipAll(node: TestNode): void {
    for (const child of node.children) {
      if (child.kind === 'suite') {
        this.skipAll(child);
        child.end();
      } else {
        child.status = child.isTodo ? 'todo' : 'skip';
        child.end();
        this.host.onCase({ file: this.host.file, name: child.path, status: child.status, durationMs: 0 });
      }
    }
  }

  private failWithoutRunning(node: TestNode, message: string, error: unknown): void {
    if (node.kind === 'suite') {
      for (const child of node.children) this.failWithoutRunning(child, message, error);
      node.failed = true;
      node.end();
      return;
    }
    const described = this.host.describeError(error);
    node.failed = true;
    node.status = 'error';
    node.end();
    this.host.onCase({
      file: this.host.file,
      name: node.path,
      status: 'error',
      durationMs: 0,
      message,
      stack: described.stack,
      location: described.location,
    });
  }

  /** Ancestors from the outermost down, the node included. */
  private lineage(node: TestNode): TestNode[] {
    return selfAndAncestors(node).reverse();
  }

  /** Runs hooks of one kind; for each-hooks, those of every ancestor in Node's order. */
  private async runHooks(owner: TestNode, kind: HookKind, context: TestNode): Promise<{ error: unknown } | undefined> {
    let hooks: Hook[];
    if (kind === 'beforeEach') hooks = this.lineage(owner.parent ?? owner).flatMap((node) => node.hooks.beforeEach);
    else if (kind === 'afterEach') {
      hooks = this.lineage(owner.parent ?? owner)
        .reverse()
        .flatMap((node) => node.hooks.afterEach);
    } else hooks = owner.hooks[kind];
    for (const hook of hooks) {
      const failure = await this.execute(
        context,
        hook.fn,
        hook.timeout,
        kind === 'before' || kind === 'after' ? this.suiteContext(context) : undefined,
      );
      if (failure) return failure;
    }
    return undefined;
  }

  private async runTest(node: TestNode): Promise<void> {
    if (this.stopped) return;
    if (node.skipped) {
      node.status = node.isTodo ? 'todo' : 'skip';
      node.end();
      this.host.onCase({ file: this.host.file, name: node.path, status: node.status, durationMs: 0 });
      return;
    }
    const outer = this.activeTest;
    this.activeTest = node;
    const started = this.host.now();
    let failure: { error: unknown } | undefined;
    let hookFailure: { error: unknown; kind: string } | undefined;
    const beforeEach = await this.runHooks(node, 'beforeEach', node);
    if (beforeEach) hookFailure = { ...beforeEach, kind: 'beforeEach' };
    else if (node.fn) failure = await this.execute(node, node.fn, node.options.timeout);
    if (!hookFailure && !failure) {
      const waited = await this.waitForSubtests(node);
      if (waited) failure = waited;
    }
    this.activeTest = node;
    const afterEach = await this.runHooks(node, 'afterEach', node);
    if (afterEach && !hookFailure && !failure) hookFailure = { ...afterEach, kind: 'afterEach' };
    node.mock.reset();
    this.activeTest = outer;
    const durationMs = this.host.now() - started;
    const subtestsFailed = node.children.filter((child) => child.failed).length;
    let status: CheckCaseStatus;
    let error: unknown;
    let prefix: string | undefined;
    if (failure?.error instanceof TestCancelled) {
      status = 'error';
      error = failure.error;
    } else if (hookFailure) {
      status = 'error';
      error = hookFailure.error;
      prefix = `${hookFailure.kind} hook failed`;
    } else if (failure) {
      status = 'fail';
      error = failure.error;
    } else if (subtestsFailed > 0) {
      status = 'fail';
      error = new Error(`${subtestsFailed} subtest${subtestsFailed === 1 ? '' : 's'} failed`);
    } else status = 'pass';
    if (node.isTodo && status !== 'error') status = 'todo';
    else if (node.skipReason !== undefined && status === 'pass') status = 'skip';
    node.status = status;
    node.failed = status === 'fail' || status === 'error';
    node.end();
    if (status === 'pass' || status === 'skip' || (status === 'todo' && !failure)) {
      this.host.onCase({ file: this.host.file, name: node.path, status, durationMs });
      return;
    }
    const described = this.host.describeError(error);
    this.host.onCase({
      file: this.host.file,
      name: node.path,
      status,
      durationMs,
      message: prefix ? `${prefix}: ${described.message}` : described.message,
      stack: described.stack,
      location: described.location,
    });
  }

  private async waitForSubtests(node: TestNode): Promise<{ error: unknown } | undefined> {
    if (node.pendingSubtests === 0) return undefined;
    return this.race(node, node.subtests, undefined);
  }

  /**
   * Runs a test body or hook as Node does: a returned promise is awaited, a body taking
   * two parameters gets a `done` callback. Resolves with the failure, if any.
   */
  private async execute(
    node: TestNode,
    fn: TestFn,
    timeout: number | undefined,
    context?: unknown,
  ): Promise<{ error: unknown } | undefined> {
    const testContext = context ?? this.testContext(node);
    let settle: Promise<unknown>;
    try {
      if (fn.length >= 2) {
        settle = new Promise((resolve, reject) => {
          const result = fn(testContext, (error?: unknown) =>
            error
              ? reject(
                  error instanceof Error
                    ? error
                    : new Error(
                        typeof error === 'string' ? error : 'done() was called with a value that is not an Error',
                      ),
                )
              : resolve(undefined),
          );
          if (isThenable(result)) {
            reject(new Error('passed a callback but also returned a Promise'));
          }
        });
      } else {
        const result = fn(testContext);
        if (!isThenable(result)) return undefined;
        settle = Promise.resolve(result);
      }
    } catch (error) {
      return { error };
    }
    return this.race(node, settle, timeout);
  }

  /**
   * Waits for `settle`, unless the test fails first: an error from its timers, its
   * timeout, the run's time limit, or an event loop with nothing left that could settle it.
   */
  private race(
    node: TestNode,
    settle: Promise<unknown>,
    timeout: number | undefined,
  ): Promise<{ error: unknown } | undefined> {
    return new Promise((resolve) => {
      let done = false;
      const cancels: (() => void)[] = [];
      const finish = (outcome: { error: unknown } | undefined) => {
        if (done) return;
        done = true;
        node.uncaught = undefined;
        for (const cancel of cancels) cancel();
        resolve(outcome);
      };
      node.uncaught = (error) => finish({ error });
      if (this.stopped) finish({ error: new TestCancelled(this.stopped) });
      settle.then(
        () => finish(undefined),
        (error: unknown) => finish({ error }),
      );
      if (timeout !== undefined && Number.isFinite(timeout)) {
        cancels.push(
          this.host.hostTimer(() => finish({ error: new Error(`test timed out after ${timeout}ms`) }), timeout),
        );
      }
      // Node ends a test whose promise is pending when nothing is left to run; so do we,
      // after half a second without timers, servers or requests of the project's.
      let idleChecks = 0;
      const watch = () => {
        if (done) return;
        idleChecks = this.host.hasPendingWork() ? 0 : idleChecks + 1;
        if (idleChecks >= 10) {
          finish({
            error: new TestCancelled('Promise resolution is still pending but the event loop has already resolved'),
          });
          return;
        }
        cancels.push(this.host.hostTimer(watch, 50));
      };
      cancels.push(this.host.hostTimer(watch, 50));
    });
  }

  private testContext(node: TestNode): Record<string, unknown> {
    let planned: number | undefined;
    const assert = this.host.assert();
    return {
      name: node.name,
      fullName: node.path.join(' > '),
      filePath: this.host.file,
      signal: node.abort.signal,
      mock: node.mock,
      get assert() {
        return assert;
      },
      diagnostic: (message: string) => {
        this.host.diagnostic(String(message));
      },
      skip(message?: string) {
        node.skipReason = message ?? '';
      },
      todo(message?: string) {
        node.todoReason = message ?? '';
      },
      plan(count: number) {
        planned = count;
        void planned;
      },
      runOnly: () => {
        if (!this.warnedOnly) {
          this.warnedOnly = true;
          this.host.diagnostic("'only' and 'runOnly' require the --test-only command-line option.");
        }
      },
      test: (...args: unknown[]) => {
        const { name, options, fn } = normalizeArguments(args);
        return this.subtest(node, 'test', name, options, fn);
      },
      before: (fn: TestFn) => node.hooks.before.push(new Hook('before', fn, undefined)),
      after: (fn: TestFn) => node.hooks.after.push(new Hook('after', fn, undefined)),
      beforeEach: (fn: TestFn) => node.hooks.beforeEach.push(new Hook('beforeEach', fn, undefined)),
      afterEach: (fn: TestFn) => node.hooks.afterEach.push(new Hook('afterEach', fn, undefined)),
    };
  }
}

function selfAndAncestors(node: TestNode): TestNode[] {
  const nodes: TestNode[] = [];
  for (let current: TestNode | undefined = node; current; current = current.parent) nodes.push(current);
  return nodes;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
