import 'fake-indexeddb/auto';
import { ulid } from 'ulid';
import { expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import type { EventDraft, OrchestraEvent } from '../../../worker/events/catalog.ts';
import { LiveFeed } from '../../../worker/events/live-feed.ts';

let counter = 0;
const message = (text: string): EventDraft => ({
  type: 'user-message',
  actor: { kind: 'user' },
  payload: { messageId: ulid(), text },
});

function collector() {
  const seen: number[] = [];
  let wake = () => {};
  return {
    seen,
    listener: (events: OrchestraEvent[]) => {
      seen.push(...events.map((event) => event.seq));
      wake();
    },
    /** Resolves once `count` events have arrived. */
    until: (count: number) =>
      new Promise<void>((resolve) => {
        wake = () => seen.length >= count && resolve();
        wake();
      }),
  };
}

test('a subscriber first gets what is already in the log, then new events, in order, once each', async () => {
  const engine = createEngine(new OrchestraDb(`feed-${++counter}`));
  const projectId = ulid();
  await engine.store.append(projectId, [message('1'), message('2'), message('3')]);
  const watcher = collector();
  engine.feed.subscribe(projectId, 1, watcher.listener);
  await engine.store.append(projectId, [message('4')]);
  await engine.store.append(projectId, [message('5'), message('6')]);
  await watcher.until(5);
  expect(watcher.seen).toEqual([2, 3, 4, 5, 6]);
});

test('a gap is filled from the log before later events are delivered', async () => {
  const engine = createEngine(new OrchestraDb(`feed-${++counter}`));
  const projectId = ulid();
  const events = await engine.store.append(projectId, [message('1'), message('2'), message('3'), message('4')]);
  const feed = new LiveFeed((id, from, to) => engine.store.read(id, from, to));
  const watcher = collector();
  feed.subscribe(projectId, 4, watcher.listener);
  await watcher.until(0);
  // The subscriber is at 4; a batch with 7 and 8 arrives, as if 5 and 6 had been missed.
  const later = await engine.store.append(projectId, [message('5'), message('6'), message('7'), message('8')]);
  feed.publish(later.slice(2));
  feed.publish(events);
  await watcher.until(4);
  expect(watcher.seen).toEqual([5, 6, 7, 8]);
});

test('another tab’s engine sees the events through the BroadcastChannel, and resumes from a sequence number', async () => {
  const name = `feed-${++counter}`;
  const channelName = `orchestra-test-${counter}`;
  const tabA = createEngine(new OrchestraDb(name), { channel: new BroadcastChannel(channelName) });
  const tabB = createEngine(new OrchestraDb(name), { channel: new BroadcastChannel(channelName) });
  const projectId = ulid();
  await tabA.store.append(projectId, [message('before')]);

  const watcher = collector();
  const stop = tabB.feed.subscribe(projectId, 0, watcher.listener);
  await tabA.store.append(projectId, [message('live 1')]);
  await tabA.store.append(projectId, [message('live 2')]);
  await watcher.until(3);
  expect(watcher.seen).toEqual([1, 2, 3]);

  // Disconnect, miss some events, and resume from the last one seen.
  stop();
  await tabA.store.append(projectId, [message('missed 1'), message('missed 2')]);
  const resumed = collector();
  tabB.feed.subscribe(projectId, 3, resumed.listener);
  await tabA.store.append(projectId, [message('after')]);
  await resumed.until(3);
  expect(resumed.seen).toEqual([4, 5, 6]);
  // Tab B's cached state was dropped when tab A wrote, so B sees the real head.
  expect((await tabB.store.load(projectId)).lastSeq).toBe(6);
});
