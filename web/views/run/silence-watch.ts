/**
 * When a running call has said nothing for too long: no first word yet, or a stream that
 * stalled. Plain timing logic, on a clock it is given, so tests can move time by hand.
 *
 *   heard (a delta, or a new call) ──▶ quiet ──threshold passes──▶ silent ──▶ notice shown
 *        ▲                                ▲                          │
 *        └───────── any word ─────────────┴──── Keep waiting ◀──────┘ (counts afresh from then)
 *
 * A call is timed from the latest of: the last word this page heard of it, when its task
 * started (a page opened mid-call heard nothing yet), and when the person chose to keep
 * waiting.
 */

/** How long a call may be silent before the person is told and offered another model. */
export const silenceThresholdMs = 40_000;

/** A running task, as far as silence goes. */
export interface RunningCall {
  taskId: string;
  attempt: number;
  /** When its attempt started (the task's `startedAt`), if known. */
  startedAt: number | null;
}

export interface Silence {
  taskId: string;
  silentMs: number;
}

export interface SilenceWatch {
  readonly thresholdMs: number;
  /** Something came from the task's call (a word, or a fresh call starting) at `at`. */
  heard(taskId: string, attempt: number, at?: number): void;
  /** The person chose to wait: the count starts again now. */
  keepWaiting(taskId: string): void;
  /** The running calls silent for at least the threshold, now. */
  silent(running: readonly RunningCall[]): Silence[];
}

/**
 * @example
 * const watch = makeSilenceWatch({ now: () => clock });
 * watch.heard('api', 1, 0); clock = 40_000;
 * watch.silent([{ taskId: 'api', attempt: 1, startedAt: 0 }]); // [{ taskId: 'api', silentMs: 40_000 }]
 */
export function makeSilenceWatch(options: { thresholdMs?: number; now?: () => number } = {}): SilenceWatch {
  const thresholdMs = options.thresholdMs ?? silenceThresholdMs;
  const now = options.now ?? Date.now;
  /** By task: the attempt last heard of, and when. */
  const heard = new Map<string, { attempt: number; at: number }>();
  const waitingSince = new Map<string, number>();
  return {
    thresholdMs,
    heard(taskId, attempt, at = now()) {
      heard.set(taskId, { attempt, at });
      waitingSince.delete(taskId);
    },
    keepWaiting(taskId) {
      waitingSince.set(taskId, now());
    },
    silent(running) {
      const at = now();
      const silences: Silence[] = [];
      for (const call of running) {
        const last = heard.get(call.taskId);
        // A word of an earlier attempt says nothing of this one.
        const lastHeard = last && last.attempt === call.attempt ? last.at : -Infinity;
        const since = Math.max(lastHeard, call.startedAt ?? -Infinity, waitingSince.get(call.taskId) ?? -Infinity);
        if (!Number.isFinite(since)) continue;
        const silentMs = at - since;
        if (silentMs >= thresholdMs) silences.push({ taskId: call.taskId, silentMs });
      }
      return silences;
    },
  };
}
