import { expect, test } from 'vitest';
import { type WriterRole, WriterLocks } from '../../../worker/events/writer-lock.ts';
import { MemoryLocks } from './memory-locks.ts';

const asLockManager = (locks: MemoryLocks) => locks as unknown as LockManager;

test('the first context writes; the next ones observe and take over in turn when the writer lets go', async () => {
  const locks = new MemoryLocks();
  const tabs = [
    new WriterLocks(asLockManager(locks)),
    new WriterLocks(asLockManager(locks)),
    new WriterLocks(asLockManager(locks)),
  ];
  expect(await tabs[0]?.claim('p')).toBe('writer');
  expect(await tabs[1]?.claim('p')).toBe('observer');
  expect(await tabs[2]?.claim('p')).toBe('observer');
  // Claiming again in the same context answers the same role.
  expect(await tabs[1]?.claim('p')).toBe('observer');

  const changes: WriterRole[] = [];
  tabs[1]?.onChange('p', (role) => changes.push(role));
  tabs[0]?.release('p');
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(changes).toEqual(['writer']);
  expect(tabs[1]?.role('p')).toBe('writer');
  expect(tabs[2]?.role('p')).toBe('observer');

  tabs[1]?.release('p');
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(tabs[2]?.role('p')).toBe('writer');
});

test('projects are locked independently, and without Web Locks a context always writes', async () => {
  const locks = new MemoryLocks();
  const first = new WriterLocks(asLockManager(locks));
  const second = new WriterLocks(asLockManager(locks));
  expect(await first.claim('a')).toBe('writer');
  expect(await second.claim('b')).toBe('writer');
  expect(await second.claim('a')).toBe('observer');
  expect(await new WriterLocks(undefined).claim('a')).toBe('writer');
});
