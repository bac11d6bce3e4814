/**
 * Removes from a global scope what generated code must not reach in the sandbox's worker:
 * other workers (a fork bomb), script loading, storage (IndexedDB, Cache Storage), network
 * channels (WebSocket, EventSource, XMLHttpRequest, sendBeacon) and `postMessage` (the
 * runtime reports only through the port it captured before any project code ran).
 * The sandbox's frame also has no network at all (its Content-Security-Policy); this is
 * the second wall.
 *
 * @example
 *   // first thing in the worker, before the runtime or any project code loads
 *   lockDownGlobal(self);
 */
export const forbiddenGlobals = [
  'Worker',
  'SharedWorker',
  'importScripts',
  'indexedDB',
  'caches',
  'WebSocket',
  'WebSocketStream',
  'WebTransport',
  'EventSource',
  'XMLHttpRequest',
  'postMessage',
  'BroadcastChannel',
  'RTCPeerConnection',
] as const;

/**
 * Removes `name` from `owner` and every object on its prototype chain; if something
 * cannot be deleted, `owner` gets an own `undefined` in its place.
 */
export function hideGlobal(owner: object, name: PropertyKey): void {
  for (let target: object | null = owner; target !== null; target = Object.getPrototypeOf(target) as object | null) {
    if (Object.getOwnPropertyDescriptor(target, name)) {
      try {
        delete (target as Record<PropertyKey, unknown>)[name];
      } catch {
        // Non-configurable: shadowed below.
      }
    }
  }
  if (name in owner) {
    try {
      Object.defineProperty(owner, name, { value: undefined, writable: false, configurable: false, enumerable: false });
    } catch {
      (owner as Record<PropertyKey, unknown>)[name] = undefined;
    }
  }
}

/** Deletes or shadows each forbidden name on `scope` and its prototypes; returns what it removed. */
export function lockDownGlobal(scope: object): string[] {
  const removed: string[] = [];
  const hide = hideGlobal;
  for (const name of forbiddenGlobals) {
    if (name in scope) {
      hide(scope, name);
      removed.push(name);
    }
  }
  const navigator = (scope as { navigator?: object }).navigator;
  if (navigator && 'sendBeacon' in navigator) {
    hide(navigator, 'sendBeacon');
    removed.push('navigator.sendBeacon');
  }
  return removed;
}
