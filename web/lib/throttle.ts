/**
 * Runs `work` at most once per `intervalMs`: the first call runs at once, calls within
 * the interval are folded into one trailing run at its end. `cancel` drops a pending run.
 * @example const refresh = makeThrottle(() => void reload(), 250); refresh(); refresh(); // runs twice, not thrice
 */
export function makeThrottle(
  work: () => void,
  intervalMs: number,
  timers: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'> = globalThis,
  now: () => number = Date.now,
): { run: () => void; cancel: () => void } {
  let last = -Infinity;
  let pending: ReturnType<typeof setTimeout> | undefined;
  const fire = () => {
    pending = undefined;
    last = now();
    work();
  };
  return {
    run() {
      if (pending !== undefined) return;
      const wait = last + intervalMs - now();
      if (wait <= 0) fire();
      else pending = timers.setTimeout(fire, wait);
    },
    cancel() {
      if (pending !== undefined) timers.clearTimeout(pending);
      pending = undefined;
    },
  };
}
