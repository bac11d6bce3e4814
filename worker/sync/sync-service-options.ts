import type { SyncClock } from './sync-retry.ts';

/** How a `SyncService` talks to the network, tells time, and reaches the rest of the engine. */
export interface SyncServiceOptions {
  fetch?: typeof globalThis.fetch;
  /** `navigator.locks`: one tab of the app syncs at a time. Without it, this one does. */
  locks?: LockManager | undefined;
  /** How often the local project list is checked for new projects. */
  scanMs?: number;
  /** Stops the project's runner here before its log is replaced with the stream's. */
  release?: (projectId: string) => Promise<void>;
  /**
   * Deletes the project from this device, another device having deleted it from the
   * space; false when it cannot be now (another tab runs it): it is tried again.
   */
  remove?: (projectId: string) => Promise<boolean>;
  now?: () => number;
  /** The timers of the backoffs (a virtual clock in tests). */
  clock?: SyncClock;
  /** Projects whose tail holds a long-poll open at once (default 3); the others are polled. */
  maxLive?: number;
  /** How often a polled project reads what is new (default 15 s). */
  pollMs?: number;
}
