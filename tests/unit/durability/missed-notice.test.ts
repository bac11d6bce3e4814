/**
 * An observer that missed the notice of the writer's last commit catches up: the chaos
 * run's two observers that said "running" while the writer was paused. Two engines on one
 * database, as two tabs; the writer's broadcast of one commit is dropped.
 */
import 'fake-indexeddb/auto';
import { ulid } from 'ulid';
import { expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import type { EventDraft, OrchestraEvent } from '../../../worker/events/catalog.ts';
import type { Every } from '../../../worker/events/tab-notices.ts';
import { MemoryLocks } from '../events/memory-locks.ts';
import { LossyChannel } from './tabs.ts';

let counter = 0;
const message = (text: string): EventDraft => ({
  type: 'user-message',
  actor: { kind: 'user' },
  payload: { messageId: ulid(), text },
});

/** A timer the test turns by hand: each engine's periodic check runs only when told. */
function handTimer() {
  const ticks: (() => Promise<void>)[] = [];
  const every: Every = (_ms, tick) => {
    ticks.push(tick);
    return () => undefined;
  };
  return { every, tick: () => Promise.all(ticks.map((tick) => tick())) };
}

function tab(name: string, locks: MemoryLocks, every: Every) {
  const channel = new LossyChannel(`${name}-events`);
  const engine = createEngine(new OrchestraDb(name), { locks: locks as unknown as LockManager, channel, every });
  return { engine, channel };
}

function watch(engine: ReturnType<typeof createEngine>, projectId: string) {
  const seen: number[] = [];
  const waiting = new Set<() => void>();
  engine.feed.subscribe(projectId, 0, (events: OrchestraEvent[]) => {
    seen.push(...events.map((event) => event.seq));
    for (const wake of waiting) wake();
  });
  return {
    seen,
    /** Resolves once the event at `seq` has arrived. */
    until: (seq: number) =>
      new Promise<void>((resolve) => {
        const wake = () => {
          if (seen.includes(seq)) {
            waiting.delete(wake);
            resolve();
          }
        };
        waiting.add(wake);
        wake();
      }),
  };
}

test('an observer that missed the writer’s last notice reads it from the log on its next check', async () => {
  const name = `missed-notice-${++counter}`;
  const locks = new MemoryLocks();
  const timer = handTimer();
  const writer = tab(name, locks, timer.every);
  const observer = tab(name, locks, timer.every);
  const projectId = ulid();
  expect(await writer.engine.locks.claim(projectId)).toBe('writer');
  expect(await observer.engine.locks.claim(projectId)).toBe('observer');

  await writer.engine.store.append(projectId, [message('one'), message('two')]);
  const watcher = watch(observer.engine, projectId);
  await watcher.until(2);
  expect((await observer.engine.store.saved(projectId)).lastSeq).toBe(2);

  // The writer commits (its pause, say) and its notice never reaches the observer.
  writer.channel.dropping = true;
  await writer.engine.store.append(projectId, [message('three')]);
  expect(writer.channel.dropped).toBe(1);
  expect(await observer.engine.store.headSeq(projectId)).toBe(3);
  // Nothing told the observer: it still holds the state before the commit.
  expect((await observer.engine.store.saved(projectId)).lastSeq).toBe(2);

  // Its periodic check sees the log's head ahead: its state and its watchers catch up.
  await timer.tick();
  await watcher.until(3);
  expect(watcher.seen).toEqual([1, 2, 3]);
  expect((await observer.engine.store.saved(projectId)).lastSeq).toBe(3);
  writer.channel.close();
  observer.channel.close();
});

test('a notice says the sequence number it committed; one after a lost notice fills the gap from the log', async () => {
  const name = `missed-notice-${++counter}`;
  const locks = new MemoryLocks();
  const timer = handTimer();
  const writer = tab(name, locks, timer.every);
  const listener = new BroadcastChannel(`${name}-events`);
  const heard = new Promise<unknown>((resolve) =>
    listener.addEventListener('message', (event: MessageEvent) => resolve(event.data), { once: true }),
  );
  const observer = tab(name, locks, timer.every);
  const projectId = ulid();
  await writer.engine.locks.claim(projectId);
  await observer.engine.locks.claim(projectId);
  const watcher = watch(observer.engine, projectId);

  writer.channel.dropping = true;
  await writer.engine.store.append(projectId, [message('lost')]);
  writer.channel.dropping = false;
  await writer.engine.store.append(projectId, [message('heard 1'), message('heard 2')]);
  await watcher.until(3);
  expect(watcher.seen).toEqual([1, 2, 3]);
  expect(await heard).toMatchObject({ kind: 'appended', projectId, seq: 3 });
  expect((await observer.engine.store.saved(projectId)).lastSeq).toBe(3);
  listener.close();
  writer.channel.close();
  observer.channel.close();
});
