import { expect, test } from 'vitest';
import { makeFramePing } from '../../../web/checks/frame-ping.ts';

/**
 * A frame whose page script loads when the test says so: pings posted before that are
 * lost, as Chromium loses a message posted to a frame's initial blank document. Timers
 * are ticked by hand.
 */
function fakeFrame() {
  let loaded = false;
  const heard: number[] = [];
  const ticks = new Set<() => void>();
  const door = {
    post(ping: number) {
      if (loaded) heard.push(ping);
    },
    every(_ms: number, tick: () => void) {
      ticks.add(tick);
      return () => ticks.delete(tick);
    },
  };
  return {
    door,
    heard,
    load: () => (loaded = true),
    tick: () => [...ticks].forEach((tick) => tick()),
    get timers() {
      return ticks.size;
    },
  };
}

test('a Reload pressed before the frame script loads goes on once the frame answers a later ping', () => {
  const frame = fakeFrame();
  const ping = makeFramePing(frame.door);
  let reloaded = 0;
  ping.wait(() => (reloaded += 1));
  // The first ping reached the blank document and is gone.
  expect(frame.heard).toEqual([]);
  frame.load();
  frame.tick();
  expect(frame.heard).toEqual([2]);
  ping.answered(2);
  expect(reloaded).toBe(1);
  expect(ping.waiting).toBe(0);
  // Answered: no more pings.
  expect(frame.timers).toBe(0);
  frame.tick();
  expect(frame.heard).toEqual([2]);
});

test('an answer to a ping of an earlier wait does not release a new one', () => {
  const frame = fakeFrame();
  frame.load();
  const ping = makeFramePing(frame.door);
  let reloaded = 0;
  ping.wait(() => (reloaded += 1));
  ping.answered(1);
  expect(reloaded).toBe(1);
  ping.wait(() => (reloaded += 1));
  expect(frame.heard).toEqual([1, 2]);
  // A late duplicate of the first answer says nothing about the thread now.
  ping.answered(1);
  expect(reloaded).toBe(1);
  ping.answered(2);
  expect(reloaded).toBe(2);
});

test('several Reloads wait on one round of pings; the end of the run releases them all once', () => {
  const frame = fakeFrame();
  const ping = makeFramePing(frame.door);
  const calls: string[] = [];
  ping.wait(() => calls.push('first'));
  ping.wait(() => calls.push('second'));
  expect(frame.timers).toBe(1);
  frame.tick();
  frame.tick();
  ping.release();
  expect(calls).toEqual(['first', 'second']);
  expect(frame.timers).toBe(0);
  ping.answered(3);
  expect(calls).toEqual(['first', 'second']);
});
