import type { CheckAssets, CheckProgress, CheckReport, CheckRuntimeModule } from '../../worker/checks/contract.ts';
import type { RuntimeCommand, RuntimePrepared } from './protocol.ts';
import { emptyReport } from './run-record.ts';

/**
 * The runtime worker's bootstrap: takes the frame's `prepare` (the runtime's assets; the
 * runtime's optional `prepare` loads what it can before a run is asked for), then one
 * `start`, runs the runtime, and posts every progress message and finally `done`. The
 * build wraps each runtime (`sandbox/<name>/index.ts`) with this into one bundle.
 *
 * The reply channel is captured before any generated code runs; the runtime itself
 * removes the worker's other doors (nested workers, storage, network APIs, the global
 * `postMessage`) from the global scope before it loads the project's code.
 */
export function serveRuntime(runtime: CheckRuntimeModule, scope: DedicatedScope = self) {
  const post = scope.postMessage.bind(scope);
  let assets: CheckAssets | undefined;
  let prepared: Promise<unknown> = Promise.resolve();
  let started = false;
  scope.addEventListener('message', (event: MessageEvent<RuntimeCommand>) => {
    const command = event.data;
    if (command?.type === 'prepare' && assets === undefined && !started) {
      const given: CheckAssets = new Map(command.assets);
      assets = given;
      // A failure here is the run's to report: `run` meets it again and says what it was.
      prepared = Promise.resolve()
        .then(() => runtime.prepare?.(given))
        .then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        )
        .then((failed) => {
          if (!started)
            post({ type: 'prepared', ...(failed === undefined ? {} : { failed }) } satisfies RuntimePrepared);
        });
      return;
    }
    if (command?.type !== 'start' || started) return;
    started = true;
    const { request } = command;
    const emit = (progress: CheckProgress) => post(progress);
    void prepared
      .then(() => runtime.run(request, assets ?? new Map(), emit))
      .then(
        (report) => post({ type: 'done', report } satisfies CheckProgress),
        (error: unknown) => post({ type: 'done', report: crashed(runtime, error) } satisfies CheckProgress),
      );
  });
}

/** What the worker global offers the bootstrap; a plain object in tests. */
export interface DedicatedScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<RuntimeCommand>) => void): void;
}

function crashed(runtime: CheckRuntimeModule, error: unknown): CheckReport {
  const message = error instanceof Error ? error.message : String(error);
  return emptyReport(runtime.name, 'crashed', `The ${runtime.name} runtime failed: ${message}`);
}
