/**
 * What the runtime itself uses from its host (a browser worker, or Node in unit tests),
 * captured when the runtime loads, before any project code can replace a global.
 */
const scope = globalThis;

export const hostSetTimeout: (callback: () => void, ms?: number) => unknown = scope.setTimeout.bind(scope);
export const hostClearTimeout: (handle: unknown) => void = scope.clearTimeout.bind(scope) as (handle: unknown) => void;
export const hostQueueMicrotask: (callback: () => void) => void = scope.queueMicrotask.bind(scope);
export const hostNow: () => number = () => performance.now();
export const hostFetch: typeof fetch | undefined =
  typeof scope.fetch === 'function' ? scope.fetch.bind(scope) : undefined;

/** Whether the runtime runs in a dedicated browser worker (the sandbox), not under Node. */
export const inWorker: boolean =
  typeof (scope as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'function' &&
  scope instanceof (scope as unknown as { WorkerGlobalScope: new () => object }).WorkerGlobalScope;

const globalEval = eval;
/** Evaluates source in the global scope (the module wrappers): an indirect eval. */
export const indirectEval = (source: string): unknown => globalEval(source);

const channel = typeof MessageChannel === 'function' ? new MessageChannel() : undefined;
const immediates: (() => void)[] = [];
if (channel) {
  channel.port1.onmessage = () => {
    const batch = immediates.splice(0, immediates.length);
    for (const callback of batch) callback();
  };
  // Under Node an open port would keep the process alive.
  (channel.port1 as { unref?: () => void }).unref?.();
}

/**
 * Runs `callback` on a later macrotask without the 4 ms clamp browsers put on nested
 * zero-delay timers (setImmediate loops would crawl otherwise).
 */
export function hostImmediate(callback: () => void): void {
  if (!channel) {
    hostSetTimeout(callback, 0);
    return;
  }
  immediates.push(callback);
  if (immediates.length === 1) channel.port2.postMessage(undefined);
}
