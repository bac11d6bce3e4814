import type { CheckProgress, CheckReport } from '../../worker/checks/contract.ts';
import type { FrameCommand, FrameEvent, RuntimeStart } from './protocol.ts';
import { RunRecord, timeLimitReason } from './run-record.ts';

/**
 * The code-running frame's page script. It runs in an opaque origin (the frame is
 * sandboxed without `allow-same-origin`, and its own CSP allows no network), takes
 * commands only from the page that embeds it, and runs each check in a fresh worker
 * made from the runtime bundle the page sent. The frame, not the generated code, keeps
 * the time limit: a worker that passes it, or that dies, is terminated and the run
 * reported as such with the results that arrived before.
 *
 *   idle --run--> running --done---------> idle
 *                  |  --time limit------> idle (timed-out)
 *                  |  --stop------------> idle (stopped)
 *                  '  --worker error----> idle (crashed / out-of-memory)
 */

interface ActiveRun {
  runId: string;
  worker: Worker;
  record: RunRecord;
  timer: ReturnType<typeof setTimeout>;
  codeUrl: string;
}

let active: ActiveRun | undefined;

function send(event: FrameEvent): void {
  // The parent is the app's own page; its origin is not ours to name from an opaque origin.
  window.parent.postMessage(event, '*');
}

function finish(run: ActiveRun, report: CheckReport): void {
  if (active !== run) return;
  active = undefined;
  clearTimeout(run.timer);
  run.worker.terminate();
  URL.revokeObjectURL(run.codeUrl);
  send({ type: 'progress', runId: run.runId, progress: { type: 'done', report } });
}

function end(run: ActiveRun, outcome: 'timed-out' | 'stopped' | 'crashed' | 'out-of-memory', reason: string): void {
  finish(run, run.record.endedBy(outcome, reason, performance.now()));
}

function start(command: Extract<FrameCommand, { type: 'run' }>): void {
  if (active) end(active, 'stopped', 'Stopped: another run started.');
  const codeUrl = URL.createObjectURL(new Blob([command.code], { type: 'text/javascript' }));
  const worker = new Worker(codeUrl, { name: `checks-${command.request.runtime}` });
  const record = new RunRecord(command.request, performance.now());
  const run: ActiveRun = {
    runId: command.runId,
    worker,
    record,
    codeUrl,
    timer: setTimeout(
      () => end(run, 'timed-out', timeLimitReason(command.request.timeoutMs)),
      command.request.timeoutMs,
    ),
  };
  active = run;
  worker.addEventListener('message', (event: MessageEvent<CheckProgress>) => {
    if (active !== run) return;
    const progress = event.data;
    if (progress.type === 'done') return finish(run, progress.report);
    record.see(progress);
    send({ type: 'progress', runId: run.runId, progress });
  });
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    const message = event.message || 'the runtime stopped unexpectedly';
    const memory = /memory|allocation|invalid array length|out of memory/i.test(message);
    if (memory) end(run, 'out-of-memory', `Ran out of memory: ${message}`);
    else end(run, 'crashed', `The run crashed: ${message}`);
  });
  worker.addEventListener('messageerror', () => end(run, 'crashed', 'The run sent a message that could not be read.'));
  const transfer = command.assets.flatMap(([, bytes]) => (bytes instanceof ArrayBuffer ? [bytes] : []));
  const startMessage: RuntimeStart = { type: 'start', request: command.request, assets: command.assets };
  worker.postMessage(startMessage, transfer);
}

window.addEventListener('message', (event: MessageEvent<FrameCommand>) => {
  // Commands come only from the page that embeds the frame, never from the code it runs.
  if (event.source !== window.parent || typeof event.data !== 'object' || event.data === null) return;
  const command = event.data;
  if (command.type === 'run') start(command);
  else if (command.type === 'stop' && active?.runId === command.runId) end(active, 'stopped', 'Stopped by you.');
});

send({ type: 'ready' });
