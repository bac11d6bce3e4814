/**
 * The UI's one door to the engine. Views call `engine.call('health')` and friends;
 * nothing in web/ talks to the worker or to storage any other way.
 *
 * The worker is started on first use. If its script cannot load (a broken deploy,
 * an offline first visit) or it dies, pending and later calls reject with
 * `EngineUnavailableError` instead of hanging, and the next call after that starts
 * a fresh worker: "reset this view" is enough to recover.
 */
import { type ProxyMarked, type Remote, proxy, wrap } from 'comlink';
import type { CheckExecutor, OutputUpdate, ProjectUpdate, WorkerApi } from '../worker/api.ts';

export class EngineUnavailableError extends Error {
  override name = 'EngineUnavailableError';
}

interface Connection {
  worker: Worker;
  remote: Remote<WorkerApi>;
  /** Rejects when the worker fails; never resolves. */
  failed: Promise<never>;
  dead: boolean;
}

let connection: Connection | undefined;

function connect(): Connection {
  const worker = new Worker(new URL('../worker/index.ts', import.meta.url), {
    type: 'module',
    name: 'orchestra-engine',
  });
  const next: Connection = { worker, remote: wrap<WorkerApi>(worker), failed: Promise.resolve() as never, dead: false };
  next.failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      next.dead = true;
      worker.terminate();
      reject(new EngineUnavailableError(`The engine stopped: ${event.message || 'its script could not be loaded'}.`));
    });
  });
  // Nobody may be waiting when it fails; the rejection is still delivered to later calls.
  next.failed.catch(() => undefined);
  // A fresh engine gets what the page lends it (the sandbox that runs tests).
  if (lentExecutor) void next.remote.setCheckExecutor(lentExecutor).catch(() => undefined);
  return next;
}

let lentExecutor: (CheckExecutor & ProxyMarked) | undefined;

/**
 * Lends the engine this page's means of running a project's tests (the sandboxed frame,
 * which a worker cannot make); every engine this page starts gets it.
 */
export function lendCheckExecutor(executor: CheckExecutor): void {
  lentExecutor = proxy(executor);
  if (connection && !connection.dead) void connection.remote.setCheckExecutor(lentExecutor).catch(() => undefined);
}

type Method = keyof WorkerApi;

/**
 * Calls one engine command.
 * @example const health = await callEngine('health');
 */
export async function callEngine<M extends Method>(
  method: M,
  ...args: Parameters<WorkerApi[M]>
): Promise<Awaited<ReturnType<WorkerApi[M]>>> {
  if (!connection || connection.dead) connection = connect();
  const { remote, failed } = connection;
  // Comlink's Remote<T> maps each method to one returning a Promise of the same value;
  // TypeScript cannot see that through the generic index, hence the cast.
  const invoke = remote[method] as unknown as (...params: typeof args) => Promise<Awaited<ReturnType<WorkerApi[M]>>>;
  return Promise.race([invoke(...args), failed]);
}

/**
 * Watches a project: `onUpdate` gets its events after `afterSeq` in order (then live),
 * and this tab's role when it changes. Returns the function that stops watching.
 */
export function watchProject(
  projectId: string,
  afterSeq: number,
  onUpdate: (update: ProjectUpdate) => void,
): () => void {
  const watching = callEngine('watchProject', projectId, afterSeq, proxy(onUpdate));
  return () => {
    watching.then((id) => callEngine('unwatch', id)).catch(() => undefined);
  };
}

/**
 * Streams the live token deltas of a project's running agents to `onUpdates`.
 * Returns the function that stops watching.
 * @example const stop = watchOutput(id, (updates) => updates.forEach(show));
 */
export function watchOutput(projectId: string, onUpdates: (updates: OutputUpdate[]) => void): () => void {
  const watching = callEngine('watchOutput', projectId, proxy(onUpdates));
  return () => {
    watching.then((id) => callEngine('unwatch', id)).catch(() => undefined);
  };
}

/**
 * Asks the browser to keep Orchestra's data under storage pressure. `persist()` exists
 * only on the page, not in workers, so it lives here rather than in the engine.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  if (!navigator.storage?.persist) return false;
  return navigator.storage.persist();
}
