/**
 * Closes the worker's doors before the project's code runs in it: no network, no
 * storage, no nested workers, and no global `postMessage` (the runtime's reply channel
 * to the frame was bound before, so generated code cannot forge progress). The frame's
 * policy already refuses connections; this removes the APIs themselves, as defence in
 * depth. Python code can reach JavaScript through Pyodide's `js` module and
 * `pyodide.code.run_js`, so what is removed here is removed for it too.
 *
 * Only in a browser worker: under Node (the unit tests) the process's globals are the
 * test runner's own.
 */
const doors = [
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'WebTransport',
  'EventSource',
  'Worker',
  'SharedWorker',
  'BroadcastChannel',
  'indexedDB',
  'caches',
  'importScripts',
  'postMessage',
  'close',
];

export function closeDoors(scope: object = globalThis): void {
  if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined') return;
  for (const name of doors) {
    // A name may live on the scope itself or on any of its prototypes.
    for (let owner: object | null = scope; owner !== null; owner = Object.getPrototypeOf(owner) as object | null) {
      if (Object.prototype.hasOwnProperty.call(owner, name)) {
        try {
          Object.defineProperty(owner, name, { value: undefined, configurable: false, writable: false });
        } catch {
          // A property the engine will not let go of stays; the frame's policy still holds.
        }
      }
    }
  }
}
