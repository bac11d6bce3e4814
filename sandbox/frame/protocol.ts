import type { CheckProgress, CheckRequest } from '../../worker/checks/contract.ts';

/**
 * Messages between the app's page (`web/checks/`) and the code-running frame, and
 * between the frame and the runtime worker it starts. Everything here crosses
 * `postMessage`, so it is plain, structured-cloneable data.
 *
 *   page --FrameCommand--> frame --RuntimeStart--> worker (runtime bundle, blob: URL)
 *   page <--FrameEvent---- frame <--CheckProgress-- worker
 */

/** Bytes the page fetched for a runtime (the frame has no network), by file name. */
export type AssetEntries = [name: string, bytes: ArrayBuffer | string][];

export type FrameCommand =
  | {
      type: 'run';
      runId: string;
      /** The runtime bundle's source: one self-contained ES module. */
      code: string;
      request: CheckRequest;
      assets: AssetEntries;
    }
  | { type: 'stop'; runId: string };

export type FrameEvent = { type: 'ready' } | { type: 'progress'; runId: string; progress: CheckProgress };

/** The first and only message the frame sends the runtime worker. */
export interface RuntimeStart {
  type: 'start';
  request: CheckRequest;
  assets: AssetEntries;
}
