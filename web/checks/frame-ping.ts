/**
 * How a Preview Reload waits for the checks frame's page during a test run (see
 * `sandbox-process.ts`): it goes on once that page answers a ping (its thread, shared by
 * every sandboxed frame, is free) or once the run lets go of the frame. A ping posted
 * before the frame's script has loaded is lost (it reaches the frame's initial blank
 * document), so pings are sent again until one is answered.
 *
 *   idle --wait--> pinging (a ping now, another every `everyMs`) --pong--> idle (waiters called)
 *                         '--release (the run ended)-----------------------> idle (waiters called)
 */

export interface FramePingDoor {
  /** Posts ping number `ping` to the frame's page; it may be lost. */
  post(ping: number): void;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

export interface FramePing {
  /** Calls `then` once the frame's page answers or the waiters are released. */
  wait(then: () => void): void;
  /** The frame's page answered ping number `ping`. */
  answered(ping: number): void;
  /** Calls every waiter now, once, and stops pinging. */
  release(): void;
  /** How many Reloads are waiting. */
  readonly waiting: number;
}

/** How often an unanswered ping is sent again. */
export const pingEveryMs = 250;

/**
 * @example
 * const ping = makeFramePing({ post: (n) => frame.contentWindow?.postMessage({ type: 'ping', ping: n }, '*'),
 *   every: (ms, tick) => { const id = setInterval(tick, ms); return () => clearInterval(id); } });
 * ping.wait(() => reload());
 */
export function makeFramePing(door: FramePingDoor, everyMs = pingEveryMs): FramePing {
  let pings = 0;
  /** The first ping of the current wait: an answer to an older one says nothing about now. */
  let firstOfWait = 1;
  let waiters: (() => void)[] = [];
  let stop: (() => void) | undefined;
  const send = () => door.post(++pings);
  const release = () => {
    stop?.();
    stop = undefined;
    const ready = waiters;
    waiters = [];
    ready.forEach((then) => then());
  };
  return {
    wait(then) {
      waiters.push(then);
      if (stop) return;
      firstOfWait = pings + 1;
      stop = door.every(everyMs, send);
      send();
    },
    answered(ping) {
      if (waiters.length > 0 && ping >= firstOfWait) release();
    },
    release,
    get waiting() {
      return waiters.length;
    },
  };
}
