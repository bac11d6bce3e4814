/**
 * The timers, immediates, microtasks and ticks of one test file, over the host's. Each
 * remembers the test that was running when it was scheduled, so an error it throws is
 * charged to that test (or reported as activity after it ended), never lost. When the
 * file is done everything it left scheduled is cancelled, as when Node's process exits.
 */
import { hostClearTimeout, hostImmediate, hostQueueMicrotask, hostSetTimeout } from './host.ts';

type Callback = (...args: unknown[]) => unknown;

export interface LoopOwner {
  /** The test running now (opaque to the loop). */
  current(): unknown;
  /** An error thrown by a callback scheduled while `owner` ran. */
  uncaught(error: unknown, owner: unknown): void;
}

/** Node's Timeout object: ref/unref/hasRef/refresh, and a number when coerced. */
export class Timeout {
  ref(): this {
    this.loop.setRef(this, true);
    return this;
  }

  unref(): this {
    this.loop.setRef(this, false);
    return this;
  }

  hasRef(): boolean {
    return this.loop.hasRef(this);
  }

  refresh(): this {
    this.loop.refresh(this);
    return this;
  }

  close(): this {
    this.loop.clear(this);
    return this;
  }

  [Symbol.toPrimitive](): number {
    return this.id;
  }

  constructor(
    private readonly loop: EventLoop,
    readonly id: number,
  ) {}
}

export class Immediate {
  constructor(readonly id: number) {}

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  hasRef(): boolean {
    return true;
  }
}

interface TimerEntry {
  handle: unknown;
  callback: Callback;
  args: unknown[];
  ms: number;
  repeat: boolean;
  ref: boolean;
  owner: unknown;
  timeout: Timeout;
}

export class EventLoop {
  private readonly timers = new Map<number, TimerEntry>();
  private readonly immediates = new Map<number, unknown>();
  private nextId = 1;
  private closed = false;
  /** Other things that keep the loop alive: listening servers, requests in flight. */
  private handles = 0;

  constructor(private readonly owner: LoopOwner) {}

  /** Runs a project callback, charging what it throws to `owner`. */
  invoke(callback: Callback, thisValue: unknown, args: unknown[], owner: unknown): void {
    if (this.closed) return;
    try {
      callback.apply(thisValue, args);
    } catch (error) {
      this.owner.uncaught(error, owner);
    }
  }

  setTimeout(callback: unknown, ms: unknown, args: unknown[], repeat = false): Timeout {
    if (typeof callback !== 'function') {
      throw new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`);
    }
    const id = this.nextId++;
    let delay = Number(ms);
    if (!(delay >= 1 && delay <= 2147483647)) delay = 1;
    const timeout = new Timeout(this, id);
    const entry: TimerEntry = {
      handle: undefined,
      callback: callback as Callback,
      args,
      ms: delay,
      repeat,
      ref: true,
      owner: this.owner.current(),
      timeout,
    };
    this.timers.set(id, entry);
    this.arm(id, entry);
    return timeout;
  }

  private arm(id: number, entry: TimerEntry): void {
    entry.handle = hostSetTimeout(() => {
      if (!this.timers.has(id)) return;
      if (entry.repeat) this.arm(id, entry);
      else this.timers.delete(id);
      this.invoke(entry.callback, entry.timeout, entry.args, entry.owner);
    }, entry.ms);
  }

  clear(handle: unknown): void {
    const id =
      typeof handle === 'object' && handle !== null ? Number(handle) : typeof handle === 'number' ? handle : NaN;
    const entry = this.timers.get(id);
    if (entry) {
      hostClearTimeout(entry.handle);
      this.timers.delete(id);
      return;
    }
    if (handle instanceof Immediate) this.immediates.delete(handle.id);
  }

  setRef(timeout: Timeout, ref: boolean): void {
    const entry = this.timers.get(timeout.id);
    if (entry) entry.ref = ref;
  }

  hasRef(timeout: Timeout): boolean {
    return this.timers.get(timeout.id)?.ref ?? false;
  }

  refresh(timeout: Timeout): void {
    const entry = this.timers.get(timeout.id);
    if (!entry) return;
    hostClearTimeout(entry.handle);
    this.arm(timeout.id, entry);
  }

  setImmediate(callback: unknown, args: unknown[]): Immediate {
    if (typeof callback !== 'function') {
      throw new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`);
    }
    const id = this.nextId++;
    const owner = this.owner.current();
    this.immediates.set(id, owner);
    hostImmediate(() => {
      if (!this.immediates.delete(id)) return;
      this.invoke(callback as Callback, undefined, args, owner);
    });
    return new Immediate(id);
  }

  queueMicrotask(callback: unknown, args: unknown[] = []): void {
    if (typeof callback !== 'function') {
      throw new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`);
    }
    const owner = this.owner.current();
    hostQueueMicrotask(() => this.invoke(callback as Callback, undefined, args, owner));
  }

  /** Counts something that keeps the loop alive until `release` is called. */
  hold(): () => void {
    this.handles += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.handles -= 1;
    };
  }

  /** Whether anything the project scheduled could still run. */
  hasPendingWork(): boolean {
    if (this.handles > 0 || this.immediates.size > 0) return true;
    for (const entry of this.timers.values()) if (entry.ref) return true;
    return false;
  }

  /** The delay until the latest referenced timer could fire, or 0 when none. */
  pendingTimers(): number {
    let count = 0;
    for (const entry of this.timers.values()) if (entry.ref) count += 1;
    return count;
  }

  /** Cancels everything still scheduled; later callbacks are dropped. */
  close(): void {
    this.closed = true;
    for (const entry of this.timers.values()) hostClearTimeout(entry.handle);
    this.timers.clear();
    this.immediates.clear();
  }

  /** The globals Node gives every module for timers. */
  globals(): Record<string, unknown> {
    return {
      setTimeout: (callback: unknown, ms?: unknown, ...args: unknown[]) => this.setTimeout(callback, ms, args),
      setInterval: (callback: unknown, ms?: unknown, ...args: unknown[]) => this.setTimeout(callback, ms, args, true),
      clearTimeout: (handle: unknown) => this.clear(handle),
      clearInterval: (handle: unknown) => this.clear(handle),
      setImmediate: (callback: unknown, ...args: unknown[]) => this.setImmediate(callback, args),
      clearImmediate: (handle: unknown) => this.clear(handle),
      queueMicrotask: (callback: unknown) => this.queueMicrotask(callback),
    };
  }
}
