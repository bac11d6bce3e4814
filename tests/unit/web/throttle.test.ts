import { expect, test, vi } from 'vitest';
import { makeThrottle } from '../../../web/lib/throttle.ts';

test('runs at once, then folds calls within the interval into one trailing run', () => {
  vi.useFakeTimers();
  try {
    const work = vi.fn();
    const throttle = makeThrottle(work, 250);
    throttle.run();
    expect(work).toHaveBeenCalledTimes(1);
    throttle.run();
    throttle.run();
    throttle.run();
    expect(work).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(250);
    expect(work).toHaveBeenCalledTimes(2);
    // Four a second at most, however many events arrive.
    for (let tick = 0; tick < 100; tick++) {
      throttle.run();
      vi.advanceTimersByTime(10);
    }
    expect(work.mock.calls.length).toBeLessThanOrEqual(2 + 5);
    throttle.run();
    throttle.cancel();
    const calls = work.mock.calls.length;
    vi.advanceTimersByTime(1000);
    expect(work).toHaveBeenCalledTimes(calls);
  } finally {
    vi.useRealTimers();
  }
});
