/**
 * An engine stops what it runs on its own when disposed: the idle check for missed
 * notices (its timer) and its listener on the tabs' channel. Without it, every engine a
 * test or a benchmark made kept a channel listener and a timer for good.
 */
import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import type { Every } from '../../../worker/events/tab-notices.ts';

/** The channel's side the engine uses, with its listeners in view. */
function visibleChannel() {
  const listeners = new Set<EventListenerOrEventListenerObject>();
  const channel = {
    postMessage: () => undefined,
    addEventListener: (_type: string, listener: EventListenerOrEventListenerObject) => listeners.add(listener),
    removeEventListener: (_type: string, listener: EventListenerOrEventListenerObject) => listeners.delete(listener),
  };
  return { channel: channel as unknown as BroadcastChannel, listeners };
}

test('dispose stops the catch-up timer and leaves the channel without the engine’s listener', () => {
  const { channel, listeners } = visibleChannel();
  let running = 0;
  const every: Every = () => {
    running += 1;
    return () => {
      running -= 1;
    };
  };
  const engine = createEngine(new OrchestraDb(`engine-dispose-${Date.now()}`), { channel, every });
  expect(running).toBe(1);
  expect(listeners.size).toBe(1);

  engine.dispose();
  expect(running).toBe(0);
  expect(listeners.size).toBe(0);
});
