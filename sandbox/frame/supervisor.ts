import type { CheckProgress, CheckReport, CheckRuntimeName } from '../../worker/checks/contract.ts';
import type { FrameCommand, FrameEvent, RuntimeBundle, RuntimeCommand, RuntimePrepared } from './protocol.ts';
import { emptyReport, RunRecord, timeLimitReason } from './run-record.ts';

/**
 * The code-running frame's supervisor: a worker the frame starts once (`frame.ts`), in the
 * frame's opaque origin (sandboxed without `allow-same-origin`; its CSP allows no
 * network). It takes commands only on the MessagePort the frame handed to the page that
 * embeds it, and runs each check in a fresh worker of its own made from the runtime
 * bundle the page sent. The supervisor, not the generated code, keeps the time limit: a
 * worker that passes it, or that dies, is terminated and the run reported as such with
 * the results that arrived before.
 *
 * Why a worker and not the frame's page: Chromium puts every sandboxed frame of the app's
 * site in one renderer process, with one main thread, so a generated page stuck in an
 * endless loop in the Preview holds the frame's page too. The supervisor has a thread of
 * its own and talks to the app's page over its port, so runs start, end and report while
 * a preview page is stuck (see `web/checks/sandbox-process.ts`).
 *
 * Warm runs: the supervisor keeps each runtime it was handed and, while idle, one worker
 * per runtime that has loaded it and run nothing (Python started). A run takes that
 * worker; when the run ends the worker is ended (no worker ever runs two projects' code)
 * and the next one is prepared.
 *
 *   idle --run--> running --done---------> idle (next worker prepared)
 *                  |  --time limit------> idle (timed-out)
 *                  |  --stop------------> idle (stopped)
 *                  '  --worker error----> idle (crashed / out-of-memory)
 */

interface ActiveRun {
  runId: string;
  worker: Worker;
  record: RunRecord;
  timer: ReturnType<typeof setTimeout>;
}

interface LoadedRuntime {
  code: string;
  codeUrl: string;
  assets: RuntimeBundle['assets'];
  /** A worker that has its assets and ran nothing yet. */
  spare: Worker | undefined;
}

let active: ActiveRun | undefined;
const loaded = new Map<CheckRuntimeName, LoadedRuntime>();
/** The page's end of the conversation: handed over once, by the frame, before anything else. */
let page: MessagePort | undefined;

function send(event: FrameEvent): void {
  page?.postMessage(event);
}

/** A new worker for `runtime`, handed its assets (copied: the frame keeps its own). */
function spawn(runtime: CheckRuntimeName, entry: LoadedRuntime): Worker {
  const worker = new Worker(entry.codeUrl, { name: `checks-${runtime}` });
  const prepare: RuntimeCommand = { type: 'prepare', assets: entry.assets };
  worker.postMessage(prepare);
  return worker;
}

/** Prepares the next worker of each loaded runtime, while no run is going. */
function prepareSpares(): void {
  if (active) return;
  for (const [runtime, entry] of loaded) {
    if (entry.spare) continue;
    const worker = spawn(runtime, entry);
    entry.spare = worker;
    worker.addEventListener('message', (event: MessageEvent<RuntimePrepared>) => {
      if (entry.spare !== worker || event.data?.type !== 'prepared') return;
      const failed = typeof event.data.failed === 'string' ? event.data.failed.slice(0, 2000) : undefined;
      send({ type: 'prepared', runtime, ...(failed === undefined ? {} : { failed }) });
    });
    // A spare that dies before a run takes it is dropped; the next run makes a fresh one.
    worker.addEventListener('error', (event) => {
      if (entry.spare !== worker) return;
      event.preventDefault();
      entry.spare = undefined;
      worker.terminate();
    });
  }
}

function load(bundle: RuntimeBundle): LoadedRuntime {
  const current = loaded.get(bundle.runtime);
  if (current?.code === bundle.code) return current;
  if (current) {
    current.spare?.terminate();
    URL.revokeObjectURL(current.codeUrl);
  }
  const entry: LoadedRuntime = {
    code: bundle.code,
    codeUrl: URL.createObjectURL(new Blob([bundle.code], { type: 'text/javascript' })),
    assets: bundle.assets,
    spare: undefined,
  };
  loaded.set(bundle.runtime, entry);
  return entry;
}

function finish(run: ActiveRun, report: CheckReport): void {
  if (active !== run) return;
  active = undefined;
  clearTimeout(run.timer);
  run.worker.terminate();
  send({ type: 'progress', runId: run.runId, progress: { type: 'done', report } });
  // After the page has the result: the next run's worker loads while nothing else runs.
  setTimeout(prepareSpares, 0);
}

function end(run: ActiveRun, outcome: 'timed-out' | 'stopped' | 'crashed' | 'out-of-memory', reason: string): void {
  finish(run, run.record.endedBy(outcome, reason, performance.now()));
}

function start(command: Extract<FrameCommand, { type: 'run' }>): void {
  if (active) end(active, 'stopped', 'Stopped: another run started.');
  const { request } = command;
  const entry = command.bundle ? load(command.bundle) : loaded.get(request.runtime);
  if (!entry) {
    const report = emptyReport(request.runtime, 'not-runnable', `The ${request.runtime} runtime was not handed over.`);
    send({ type: 'progress', runId: command.runId, progress: { type: 'done', report } });
    return;
  }
  const worker = entry.spare ?? spawn(request.runtime, entry);
  entry.spare = undefined;
  const record = new RunRecord(request, performance.now());
  const run: ActiveRun = {
    runId: command.runId,
    worker,
    record,
    timer: setTimeout(() => end(run, 'timed-out', timeLimitReason(request.timeoutMs)), request.timeoutMs),
  };
  active = run;
  worker.addEventListener('message', (event: MessageEvent<CheckProgress | RuntimePrepared>) => {
    if (active !== run || event.data.type === 'prepared') return;
    const progress = event.data;
    if (progress.type === 'done') return finish(run, progress.report);
    record.see(progress);
    send({ type: 'progress', runId: run.runId, progress });
  });
  worker.addEventListener('error', (event) => {
    if (active !== run) return;
    event.preventDefault();
    const message = event.message || 'the runtime stopped unexpectedly';
    const memory = /memory|allocation|invalid array length|out of memory/i.test(message);
    if (memory) end(run, 'out-of-memory', `Ran out of memory: ${message}`);
    else end(run, 'crashed', `The run crashed: ${message}`);
  });
  worker.addEventListener('messageerror', () => end(run, 'crashed', 'The run sent a message that could not be read.'));
  const startMessage: RuntimeCommand = { type: 'start', request };
  worker.postMessage(startMessage);
}

function onCommand(event: MessageEvent<FrameCommand>): void {
  if (typeof event.data !== 'object' || event.data === null) return;
  const command = event.data;
  if (command.type === 'run') start(command);
  else if (command.type === 'load') {
    load(command);
    prepareSpares();
  } else if (command.type === 'stop' && active?.runId === command.runId) end(active, 'stopped', 'Stopped by you.');
}

/** The frame's one message: the port to the app's page. Commands come only on it. */
function onFrame(event: MessageEvent<unknown>): void {
  const port = event.ports[0];
  if (page || !port) return;
  page = port;
  page.addEventListener('message', onCommand);
  page.start();
  send({ type: 'ready' });
}

self.addEventListener('message', onFrame);
