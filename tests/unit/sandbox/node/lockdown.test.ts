import { expect, test } from 'vitest';
import { forbiddenGlobals, lockDownGlobal } from '../../../../sandbox/node/lockdown.ts';

test('lockDownGlobal removes what the sandbox forbids, own or inherited, and keeps the rest', () => {
  const inherited = { Worker: class {}, postMessage: () => undefined, indexedDB: {} };
  const scope: Record<string, unknown> = Object.create(inherited) as Record<string, unknown>;
  Object.assign(scope, {
    SharedWorker: class {},
    importScripts: () => undefined,
    caches: {},
    WebSocket: class {},
    EventSource: class {},
    XMLHttpRequest: class {},
    navigator: { sendBeacon: () => true, userAgent: 'x' },
    fetch: () => undefined,
    setTimeout: () => undefined,
  });
  Object.defineProperty(scope, 'caches', { value: {}, configurable: false });
  const removed = lockDownGlobal(scope);
  for (const name of [
    'Worker',
    'SharedWorker',
    'importScripts',
    'indexedDB',
    'caches',
    'WebSocket',
    'EventSource',
    'XMLHttpRequest',
    'postMessage',
  ]) {
    expect(scope[name], name).toBeUndefined();
    expect(removed).toContain(name);
  }
  expect(inherited).toEqual({});
  expect((scope.navigator as Record<string, unknown>).sendBeacon).toBeUndefined();
  expect((scope.navigator as Record<string, unknown>).userAgent).toBe('x');
  expect(removed).toContain('navigator.sendBeacon');
  expect(typeof scope.fetch).toBe('function');
  expect(typeof scope.setTimeout).toBe('function');
  expect(forbiddenGlobals).toContain('postMessage');
});
