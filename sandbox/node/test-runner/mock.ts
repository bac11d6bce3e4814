/**
 * `mock` of node:test: mock functions that record their calls, methods, getters and
 * setters replaced on an object and put back by `restore`/`restoreAll`. The API and the
 * shape of `fn.mock.calls` follow Node's (arguments, result, error, this, target, stack).
 */

type AnyFunction = (...args: unknown[]) => unknown;

export interface MockCall {
  arguments: unknown[];
  result: unknown;
  error: unknown;
  this: unknown;
  target: unknown;
  stack: Error;
}

export class MockFunctionContext {
  readonly calls: MockCall[] = [];
  private implementation: AnyFunction | undefined;
  private readonly once = new Map<number, AnyFunction | undefined>();
  private times: number | undefined;

  constructor(
    private readonly original: AnyFunction | undefined,
    implementation: AnyFunction | undefined,
    times: number | undefined,
    private readonly restorer: () => void,
  ) {
    this.implementation = implementation;
    this.times = times;
  }

  callCount(): number {
    return this.calls.length;
  }

  mockImplementation(implementation: AnyFunction): void {
    this.implementation = implementation;
  }

  mockImplementationOnce(implementation: AnyFunction, onCall?: number): void {
    this.once.set(onCall ?? this.calls.length, implementation);
  }

  resetCalls(): void {
    this.calls.length = 0;
  }

  restore(): void {
    this.restorer();
  }

  /** The function to run for the next call. */
  next(): AnyFunction | undefined {
    const index = this.calls.length;
    if (this.once.has(index)) {
      const implementation = this.once.get(index);
      this.once.delete(index);
      return implementation;
    }
    if (this.times !== undefined) {
      if (this.times <= 0) return this.original;
      this.times -= 1;
    }
    return this.implementation ?? this.original;
  }
}

export interface MockOptions {
  times?: number;
  getter?: boolean;
  setter?: boolean;
}

export class MockTracker {
  private readonly mocks: MockFunctionContext[] = [];

  /** A function that records its calls and runs `implementation` (or `original`). */
  fn(original?: unknown, implementation?: unknown, options?: MockOptions): AnyFunction & { mock: MockFunctionContext } {
    if (typeof original === 'object' && original !== null && implementation === undefined) {
      options = original;
      original = undefined;
    }
    if (typeof implementation === 'object' && implementation !== null) {
      options = implementation;
      implementation = undefined;
    }
    const base = typeof original === 'function' ? (original as AnyFunction) : () => undefined;
    return this.create(
      base,
      typeof implementation === 'function' ? (implementation as AnyFunction) : undefined,
      options,
      () => undefined,
    );
  }

  /** Replaces `object[name]` with a mock until restored. */
  method(
    object: object,
    name: PropertyKey,
    implementation?: unknown,
    options?: MockOptions,
  ): AnyFunction & { mock: MockFunctionContext } {
    if (typeof implementation === 'object' && implementation !== null && options === undefined) {
      options = implementation;
      implementation = undefined;
    }
    const { descriptor, owner } = findDescriptor(object, name);
    if (!descriptor) throw new TypeError(`The argument 'methodName' must be a method. Received ${String(name)}`);
    const kind = options?.getter ? 'get' : options?.setter ? 'set' : 'value';
    const original: unknown = Reflect.get(descriptor, kind);
    if (typeof original !== 'function') {
      throw new TypeError(`The argument 'methodName' must be a method. Received ${String(name)}`);
    }
    const ownDescriptor = owner === object ? descriptor : undefined;
    const restore = () => {
      if (ownDescriptor) Object.defineProperty(object, name, ownDescriptor);
      else delete (object as Record<PropertyKey, unknown>)[name];
    };
    const mock = this.create(
      original as AnyFunction,
      typeof implementation === 'function' ? (implementation as AnyFunction) : undefined,
      options,
      restore,
    );
    Object.defineProperty(object, name, { ...descriptor, [kind]: mock });
    return mock;
  }

  getter(object: object, name: PropertyKey, implementation?: unknown, options?: MockOptions) {
    return this.method(object, name, implementation, { ...options, getter: true });
  }

  setter(object: object, name: PropertyKey, implementation?: unknown, options?: MockOptions) {
    return this.method(object, name, implementation, { ...options, setter: true });
  }

  /** Restores every mock and forgets them. */
  reset(): void {
    this.restoreAll();
    this.mocks.length = 0;
  }

  restoreAll(): void {
    for (const mock of this.mocks) mock.restore();
  }

  private create(
    original: AnyFunction,
    implementation: AnyFunction | undefined,
    options: MockOptions | undefined,
    restore: () => void,
  ): AnyFunction & { mock: MockFunctionContext } {
    const context = new MockFunctionContext(original, implementation, options?.times, restore);
    this.mocks.push(context);
    function mocked(this: unknown, ...args: unknown[]): unknown {
      const run = context.next() ?? (() => undefined);
      const call: MockCall = {
        arguments: args,
        result: undefined,
        error: undefined,
        this: this,
        target: undefined,
        stack: new Error(),
      };
      const target: unknown = new.target;
      call.target = target;
      try {
        const result: unknown = target ? Reflect.construct(run, args, target as AnyFunction) : run.apply(this, args);
        call.result = result;
        return result;
      } catch (error) {
        call.error = error;
        throw error;
      } finally {
        context.calls.push(call);
      }
    }
    Object.defineProperty(mocked, 'name', { value: original.name });
    Object.defineProperty(mocked, 'length', { value: original.length });
    return Object.assign(mocked, { mock: context });
  }
}

function findDescriptor(
  object: object,
  name: PropertyKey,
): { descriptor: PropertyDescriptor | undefined; owner: object | null } {
  for (let owner: object | null = object; owner !== null; owner = Object.getPrototypeOf(owner) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(owner, name);
    if (descriptor) return { descriptor, owner };
  }
  return { descriptor: undefined, owner: null };
}
