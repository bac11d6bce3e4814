import type { AssetContent, CheckProgress, CheckRequest, CheckRuntimeName } from '../../worker/checks/contract.ts';

/**
 * Messages between the app's page (`web/checks/`) and the code-running frame, and
 * between the frame and the runtime workers it starts. Everything here crosses
 * `postMessage`, so it is plain, structured-cloneable data.
 *
 *   page --FrameCommand--> supervisor --RuntimeCommand--> worker (runtime bundle, blob: URL)
 *   page <--FrameEvent---- supervisor <--CheckProgress--- worker
 *
 * The supervisor is a worker of the frame (`frame.ts` starts it); page and supervisor
 * talk over a MessagePort the frame hands the page in its `connect` message. The frame's
 * page itself only says `connect` and answers pings ({@link FrameWindowEvent}).
 *
 * The frame keeps each runtime it was given (code and assets) and one worker per runtime
 * prepared ahead (the runtime loaded, no project code yet): a run takes it, and when the
 * run ends, that worker is ended and a fresh one is prepared for the next run. So no two
 * runs share a worker, and a warm run does not wait for its runtime to load.
 */

/**
 * Files the page fetched for a runtime (the frame has no network), by file name: Blobs,
 * so that handing them on (to the frame, then to each worker) passes a reference rather
 * than copying tens of megabytes between processes.
 */
export type AssetEntries = [name: string, content: AssetContent][];

/** A runtime's code and files, as the page hands them over once per frame. */
export interface RuntimeBundle {
  runtime: CheckRuntimeName;
  /** The runtime bundle's source: one self-contained classic script. */
  code: string;
  assets: AssetEntries;
}

export type FrameCommand =
  /** Keep this runtime and prepare a worker with it, before any run asks for it. */
  | ({ type: 'load' } & RuntimeBundle)
  | {
      type: 'run';
      runId: string;
      request: CheckRequest;
      /** The runtime, when the frame was not given it yet (or was given another version). */
      bundle?: RuntimeBundle | undefined;
    }
  | { type: 'stop'; runId: string };

/** What the supervisor says on the page's port. `ready` first, once. */
export type FrameEvent =
  | { type: 'ready' }
  | { type: 'progress'; runId: string; progress: CheckProgress }
  /** A worker for `runtime` has loaded it and waits for a run. */
  | { type: 'prepared'; runtime: CheckRuntimeName; failed?: string };

/**
 * What the frame's page posts to the page that embeds it: `connect` once, carrying the
 * port to the supervisor, and a `pong` for each ping (its thread is free).
 */
export type FrameWindowEvent = { type: 'connect' } | { type: 'pong'; ping: number };

/** The page asks whether the frame's thread (shared by every sandboxed frame) is free. */
export interface FramePing {
  type: 'ping';
  ping: number;
}

/** What a runtime worker says once its `prepare` is over, besides its runs' progress. */
export interface RuntimePrepared {
  type: 'prepared';
  /** Why the runtime could not be prepared; the run will try again and report it. */
  failed?: string;
}

/**
 * What the frame sends a runtime worker: `prepare` first (its assets; the runtime loads),
 * then at most one `start` (the run).
 */
export type RuntimeCommand = { type: 'prepare'; assets: AssetEntries } | { type: 'start'; request: CheckRequest };
