/**
 * Checkpoints of a streaming answer never pile up unwritten (issue 19): an interrupted
 * call is charged from its last written checkpoint plus two intervals, which holds only
 * if a checkpoint waits for the one before it to be written.
 */
import { expect, test } from 'vitest';
import type { EventDraft } from '../../../worker/events/catalog.ts';
import { Checkpointer } from '../../../worker/orchestrator/calls/checkpointer.ts';

/** A store whose writes finish only when the test says so. */
function slowStore() {
  const appends: { chars: number; written: () => void }[] = [];
  return {
    appends,
    store: {
      append: (_projectId: string, drafts: EventDraft[]) =>
        new Promise<never>((resolve) => {
          const draft = drafts[0];
          const chars = draft?.type === 'task-checkpoint' ? draft.payload.outputChars : -1;
          appends.push({ chars, written: () => resolve(undefined as never) });
        }),
    },
  };
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 1));
};

test('a checkpoint waits for the one before it; then the latest text is written', async () => {
  const { appends, store } = slowStore();
  const clock = { now: 0 };
  const checkpoints = new Checkpointer({
    store,
    projectId: 'p',
    limits: { checkpointEveryChars: 200, checkpointEveryMs: 1000 },
    taskId: 'api',
    attempt: 1,
    now: () => clock.now,
  });
  const delta = 'x'.repeat(50);
  for (let i = 0; i < 4; i += 1) checkpoints.add(delta);
  await until(() => appends.length === 1);
  expect(appends[0]?.chars).toBe(200);
  // 800 more characters while the first is being written: no second checkpoint yet.
  for (let i = 0; i < 16; i += 1) checkpoints.add(delta);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(appends).toHaveLength(1);
  // Written: the next one carries all the text so far, not the 400 of a stale trigger.
  appends[0]?.written();
  await until(() => appends.length === 2);
  expect(appends[1]?.chars).toBe(1000);
  let finished = false;
  void checkpoints.done().then(() => (finished = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(finished).toBe(false);
  appends[1]?.written();
  await until(() => finished);
  expect(appends).toHaveLength(2);
});

test('time alone makes a checkpoint of a slow stream', async () => {
  const { appends, store } = slowStore();
  const clock = { now: 0 };
  const checkpoints = new Checkpointer({
    store,
    projectId: 'p',
    limits: { checkpointEveryChars: 200, checkpointEveryMs: 1000 },
    taskId: 'api',
    attempt: 1,
    now: () => clock.now,
  });
  checkpoints.add('short');
  clock.now = 999;
  checkpoints.add(' words');
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(appends).toHaveLength(0);
  clock.now = 1000;
  checkpoints.add('!');
  await until(() => appends.length === 1);
  expect(appends[0]?.chars).toBe('short words!'.length);
});
