import { expect, test } from 'vitest';
import { makeSilenceWatch, silenceThresholdMs } from '../../../web/views/run/silence-watch.ts';

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

const call = (startedAt: number, attempt = 1) => ({ taskId: 'api', attempt, startedAt });

test('a call with no first word is silent once 40 s have passed since its task started, not before', () => {
  const clock = fakeClock();
  const watch = makeSilenceWatch({ now: clock.now });
  const started = clock.now();
  expect(watch.thresholdMs).toBe(silenceThresholdMs);
  clock.advance(39_999);
  expect(watch.silent([call(started)])).toEqual([]);
  clock.advance(1);
  expect(watch.silent([call(started)])).toEqual([{ taskId: 'api', silentMs: 40_000 }]);
});

test('each word starts the count again; a stream that stalls mid-answer becomes silent 40 s after its last word', () => {
  const clock = fakeClock();
  const watch = makeSilenceWatch({ now: clock.now });
  const started = clock.now();
  for (let second = 0; second < 60; second += 10) {
    clock.advance(10_000);
    watch.heard('api', 1);
    expect(watch.silent([call(started)])).toEqual([]);
  }
  clock.advance(30_000);
  expect(watch.silent([call(started)])).toEqual([]);
  clock.advance(10_000);
  expect(watch.silent([call(started)])).toEqual([{ taskId: 'api', silentMs: 40_000 }]);
});

test('"Keep waiting" hides the notice for another full threshold', () => {
  const clock = fakeClock();
  const watch = makeSilenceWatch({ now: clock.now, thresholdMs: 5_000 });
  const started = clock.now();
  clock.advance(5_000);
  expect(watch.silent([call(started)])).toHaveLength(1);
  watch.keepWaiting('api');
  clock.advance(4_999);
  expect(watch.silent([call(started)])).toEqual([]);
  clock.advance(1);
  expect(watch.silent([call(started)])).toEqual([{ taskId: 'api', silentMs: 5_000 }]);
});

test('words heard of an earlier attempt do not count for the attempt running now', () => {
  const clock = fakeClock();
  const watch = makeSilenceWatch({ now: clock.now });
  watch.heard('api', 1);
  clock.advance(1_000);
  const retried = clock.now();
  clock.advance(20_000);
  watch.heard('api', 1); // a late batch of attempt 1
  clock.advance(20_000);
  expect(watch.silent([call(retried, 2)])).toEqual([{ taskId: 'api', silentMs: 40_000 }]);
  // A task whose start is unknown and of which nothing was heard is not timed.
  expect(watch.silent([{ taskId: 'ui', attempt: 1, startedAt: null }])).toEqual([]);
});
