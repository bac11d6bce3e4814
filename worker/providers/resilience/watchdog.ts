/**
 * A moving deadline that fires `onExpire` when no progress was reported in time. Tokens
 * arrive thousands of times a second, so progress only moves the deadline; the one timer
 * re-arms itself for the remainder when it wakes early, instead of being cleared and set
 * again for every token.
 *
 * ```
 *   running ──(progress: deadline moves)──▶ running
 *   running ──(timer wakes, deadline passed)──▶ expired (onExpire)
 *   running ──(pause)──▶ paused ──(resume: new deadline)──▶ running
 *   any ──(stop)──▶ stopped
 * ```
 * Paused is for the time the consumer holds a part: a slow reader is not a slow model.
 */
export class Watchdog {
  #deadline = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #wakeAt = 0;
  #paused = false;
  #stopped = false;

  constructor(private readonly onExpire: () => void) {}

  /** (Re)starts the clock: `ms` from now, the deadline passes. */
  resume(ms: number): void {
    if (this.#stopped) return;
    this.#paused = false;
    this.#deadline = performance.now() + ms;
    // Keep the armed timer unless it would wake after the new, earlier deadline.
    if (this.#timer !== undefined && this.#wakeAt <= this.#deadline + 1) return;
    this.#arm(ms);
  }

  pause(): void {
    this.#paused = true;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #wake = (): void => {
    this.#timer = undefined;
    if (this.#paused || this.#stopped) return;
    const remaining = this.#deadline - performance.now();
    if (remaining > 1) this.#arm(remaining);
    else this.onExpire();
  };

  #arm(ms: number): void {
    clearTimeout(this.#timer);
    this.#wakeAt = performance.now() + ms;
    this.#timer = setTimeout(this.#wake, ms);
  }
}
