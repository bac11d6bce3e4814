import { assetRuntimes, frameUrl, runtimeUrls } from 'virtual:orchestra-sandbox';
import type {
  FrameCommand,
  FrameEvent,
  FramePing,
  FrameWindowEvent,
  RuntimeBundle,
} from '../../sandbox/frame/protocol.ts';
import { emptyReport } from '../../sandbox/frame/run-record.ts';
import type { CheckProgress, CheckReport, CheckRequest } from '../../worker/checks/contract.ts';
import { makeFramePing } from './frame-ping.ts';
import { holdSandboxFrame } from './sandbox-process.ts';

/**
 * The page's side of the code-running frame. The engine (a worker) cannot make frames,
 * so the page runs checks for it: it fetches the runtime (through the service worker,
 * so a runtime used once works offline), hands it and the project's files to the
 * sandboxed frame, and passes progress back.
 *
 * The frame is sandboxed without `allow-same-origin`: an opaque origin that cannot read
 * the app's storage, caches or engine, open windows, navigate the app, or download.
 * One frame serves every run, one run at a time; if it stops answering past a run's time
 * limit (a crashed renderer), the page removes it and reports the run as crashed. The page
 * talks to the frame's supervisor worker on a MessagePort, never through the frame's own
 * thread, which it shares with the Preview's frames (see `sandbox-process.ts`): runs go on
 * while a preview page is stuck. A Preview Reload takes the frame away when no run uses
 * it (it is made again, warm, right after), and otherwise waits until the frame's thread
 * answers or the run ends.
 */

export interface SandboxRun {
  report: Promise<CheckReport>;
  stop(): void;
}

/** Past a run's limit, how long the frame has to report before the page gives up on it. */
const frameGraceMs = 5_000;

/** A frame whose supervisor is running, and the port to it. */
interface Frame {
  element: HTMLIFrameElement;
  port: MessagePort;
}

let frame: Promise<Frame> | undefined;
/** The current frame's element, from the moment it is made (before it says it is ready). */
let frameElement: HTMLIFrameElement | undefined;
/** Stops listening to the current frame's window. */
let unlisten: (() => void) | undefined;
/** Preview Reloads waiting for the sandbox's thread to be free or for the run to end. */
const reloads = makeFramePing({
  post(ping) {
    const message: FramePing = { type: 'ping', ping };
    frameElement?.contentWindow?.postMessage(message, '*');
  },
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    return () => clearInterval(timer);
  },
});
/** Runs between their start and their report: a frame with one is never let go. */
let busy = 0;
let listener: ((event: FrameEvent) => void) | undefined;
let runs = 0;
/** The runtime bundles (by URL) the current frame was handed: it keeps them between runs. */
let handedOver = new Map<CheckRequest['runtime'], string>();

function makeFrame(): Promise<Frame> {
  return new Promise((resolve, reject) => {
    const element = document.createElement('iframe');
    element.setAttribute('sandbox', 'allow-scripts');
    element.setAttribute('allow', '');
    element.setAttribute('referrerpolicy', 'no-referrer');
    element.title = 'Checks sandbox';
    element.hidden = true;
    element.dataset['role'] = 'checks-sandbox';
    let connected = false;
    const onMessage = (event: MessageEvent<FrameWindowEvent>) => {
      if (event.source !== element.contentWindow || typeof event.data !== 'object' || event.data === null) return;
      if (event.data.type === 'pong') return reloads.answered(event.data.ping);
      const port = event.ports[0];
      if (event.data.type !== 'connect' || connected || !port) return;
      connected = true;
      port.addEventListener('message', (message: MessageEvent<FrameEvent>) => {
        if (typeof message.data !== 'object' || message.data === null) return;
        if (message.data.type === 'ready') return resolve({ element, port });
        listener?.(message.data);
      });
      port.start();
    };
    window.addEventListener('message', onMessage);
    unlisten = () => window.removeEventListener('message', onMessage);
    element.addEventListener('error', () => reject(new Error('The checks frame could not be loaded.')));
    element.src = frameUrl;
    frameElement = element;
    holdSandboxFrame(releaseFrame);
    document.body.append(element);
    setTimeout(() => reject(new Error('The checks frame did not start within 15 s.')), 15_000);
  });
}

function dropFrame(): void {
  const current = frame;
  frame = undefined;
  frameElement = undefined;
  handedOver = new Map();
  holdSandboxFrame(undefined);
  unlisten?.();
  unlisten = undefined;
  void current
    ?.then(({ element, port }) => {
      port.close();
      element.remove();
    })
    .catch(() => undefined);
}

/**
 * Removes the frame at once, and hands its runtimes to a new one on the next turn, after
 * the caller has made its own fresh sandboxed frame.
 */
function removeIdleFrame(): void {
  const element = frameElement;
  const warm = [...handedOver.keys()];
  dropFrame();
  element?.remove();
  if (warm.length > 0) setTimeout(() => warm.forEach((runtime) => void prepareRuntime(runtime)), 0);
}

/**
 * How a Preview Reload gets a fresh process (see `sandbox-process.ts`): with no run going,
 * the frame is removed at once. During a run the frame stays, and the Reload goes on as
 * soon as the frame's page answers a ping, sent again until answered since one sent before
 * the frame's script loads is lost (its thread, which every sandboxed frame shares, is
 * free: nothing is stuck) or, when it is stuck, once the run has ended and the frame is
 * removed. The run itself goes on meanwhile: it talks to the supervisor, not to that thread.
 */
function releaseFrame(then: () => void): void {
  if (!frameElement) return then();
  if (busy === 0) {
    removeIdleFrame();
    return then();
  }
  reloads.wait(then);
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}.`);
  return response.text();
}

/**
 * Bytes a runtime needs besides its code, listed by `/sandbox/<runtime>/assets.json`
 * (an array of file names under that folder) when the runtime has any. A runtime with
 * none asks for nothing: an answer of 404 is never cached, so asking would fail offline.
 */
async function fetchAssets(runtime: string): Promise<[string, Blob][]> {
  if (!assetRuntimes.has(runtime)) return [];
  const listing = await fetch(`/sandbox/${runtime}/assets.json`);
  if (!listing.ok) throw new Error(`The ${runtime} runtime's file list answered ${listing.status}.`);
  const names = (await listing.json()) as unknown;
  if (!Array.isArray(names)) throw new Error(`The ${runtime} runtime's file list is not a list.`);
  return Promise.all(
    names.map(async (name): Promise<[string, Blob]> => {
      if (typeof name !== 'string' || !/^[\w.@+-]+(\/[\w.@+-]+)*$/.test(name) || name.includes('..'))
        throw new Error(`The ${runtime} runtime lists a file with an unusable name.`);
      const response = await fetch(`/sandbox/${runtime}/${name}`);
      if (!response.ok) throw new Error(`/sandbox/${runtime}/${name} answered ${response.status}.`);
      // A Blob, not an ArrayBuffer: it reaches the frame's workers without being copied.
      return [name, await response.blob()];
    }),
  );
}

/** The runtime's code and files, fetched (through the service worker's cache) for the frame. */
async function fetchBundle(runtime: CheckRequest['runtime'], url: string): Promise<RuntimeBundle> {
  const [code, assets] = await Promise.all([fetchText(url), fetchAssets(runtime)]);
  return { runtime, code, assets };
}

/**
 * Hands a runtime to the frame ahead of its first run, so that its worker loads while
 * the person is still reading (Python takes seconds). Nothing runs; failures are left
 * for the run to report.
 * @example void prepareRuntime('python');
 */
export async function prepareRuntime(runtime: CheckRequest['runtime']): Promise<void> {
  const url = runtimeUrls.get(runtime);
  if (url === undefined || handedOver.get(runtime) === url) return;
  try {
    const [bundle, current] = await Promise.all([fetchBundle(runtime, url), (frame ??= makeFrame())]);
    if (handedOver.get(runtime) === url) return;
    const command: FrameCommand = { type: 'load', ...bundle };
    current.port.postMessage(command);
    handedOver.set(runtime, url);
  } catch {
    // The run will try again and say what went wrong.
  }
}

function failed(request: CheckRequest, outcome: Exclude<CheckReport['outcome'], 'completed'>, reason: string) {
  return emptyReport(request.runtime, outcome, reason);
}

/**
 * Runs a project's checks in the sandbox.
 * @example const run = runInSandbox(request, (progress) => show(progress)); await run.report;
 */
export function runInSandbox(request: CheckRequest, onProgress: (progress: CheckProgress) => void): SandboxRun {
  const runId = `run-${++runs}`;
  let stopRequested = false;
  let settle: (report: CheckReport) => void = () => undefined;
  const report = new Promise<CheckReport>((resolve) => (settle = resolve));
  let port: MessagePort | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;

  let settled = false;
  busy += 1;
  const finish = (result: CheckReport) => {
    if (settled) return;
    settled = true;
    busy -= 1;
    clearTimeout(watchdog);
    if (listener === onFrameEvent) listener = undefined;
    // A Reload that waited for this run: the frame's thread never answered, so it goes.
    if (busy === 0 && reloads.waiting > 0) {
      if (frameElement) removeIdleFrame();
      reloads.release();
    }
    settle(result);
  };
  const onFrameEvent = (event: FrameEvent) => {
    if (event.type !== 'progress' || event.runId !== runId) return;
    if (event.progress.type === 'done') finish(event.progress.report);
    else onProgress(event.progress);
  };

  void (async () => {
    const url = runtimeUrls.get(request.runtime);
    if (url === undefined)
      return finish(failed(request, 'not-runnable', `This app has no ${request.runtime} runtime to run checks with.`));
    onProgress({ type: 'phase', phase: 'loading', detail: `Loading the ${request.runtime} runtime` });
    let bundle: RuntimeBundle | undefined;
    try {
      // A frame keeps the runtimes it was handed: only the first run on it sends one.
      const pending = (frame ??= makeFrame());
      if (handedOver.get(request.runtime) !== url) bundle = await fetchBundle(request.runtime, url);
      port = (await pending).port;
    } catch (error) {
      dropFrame();
      const message = error instanceof Error ? error.message : String(error);
      return finish(failed(request, 'not-runnable', `The ${request.runtime} runtime could not be loaded: ${message}`));
    }
    if (stopRequested) return finish(failed(request, 'stopped', 'Stopped by you.'));
    listener = onFrameEvent;
    const command: FrameCommand = { type: 'run', runId, request, bundle };
    port.postMessage(command);
    handedOver.set(request.runtime, url);
    watchdog = setTimeout(() => {
      // The frame keeps the time limit itself; silence past it means the frame is gone.
      dropFrame();
      finish(failed(request, 'crashed', 'The checks frame stopped answering; it was closed and will start afresh.'));
    }, request.timeoutMs + frameGraceMs);
  })();

  return {
    report,
    stop() {
      stopRequested = true;
      if (!port) return;
      const stopCommand: FrameCommand = { type: 'stop', runId };
      port.postMessage(stopCommand);
      // A frame too busy to hear Stop is removed: a run ends at once when asked.
      setTimeout(() => {
        if (listener !== onFrameEvent) return;
        dropFrame();
        finish(failed(request, 'stopped', 'Stopped by you.'));
      }, 1_000);
    },
  };
}
