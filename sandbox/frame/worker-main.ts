import type { CheckProgress, CheckReport, CheckRuntimeModule } from '../../worker/checks/contract.ts';
import type { RuntimeStart } from './protocol.ts';
import { emptyReport } from './run-record.ts';

/**
 * The runtime worker's bootstrap: waits for the frame's one `start` message, runs the
 * runtime, and posts every progress message and finally `done`. The build wraps each
 * runtime (`sandbox/<name>/index.ts`) with this into one self-contained module.
 *
 * The reply channel is captured before any generated code runs; the runtime itself
 * removes the worker's other doors (nested workers, storage, network APIs, the global
 * `postMessage`) from the global scope before it loads the project's code.
 */
export function serveRuntime(runtime: CheckRuntimeModule, scope: DedicatedScope = self) {
  const post = scope.postMessage.bind(scope);
  let started = false;
  scope.addEventListener('message', (event: MessageEvent<RuntimeStart>) => {
    if (started || event.data?.type !== 'start') return;
    started = true;
    const { request, assets } = event.data;
    const emit = (progress: CheckProgress) => post(progress);
    runtime.run(request, new Map(assets), emit).then(
      (report) => post({ type: 'done', report } satisfies CheckProgress),
      (error: unknown) => post({ type: 'done', report: crashed(runtime, error) } satisfies CheckProgress),
    );
  });
}

/** What the worker global offers the bootstrap; a plain object in tests. */
export interface DedicatedScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<RuntimeStart>) => void): void;
}

function crashed(runtime: CheckRuntimeModule, error: unknown): CheckReport {
  const message = error instanceof Error ? error.message : String(error);
  return emptyReport(runtime.name, 'crashed', `The ${runtime.name} runtime failed: ${message}`);
}
