import { describe, expect, test } from 'vitest';
import type { RuntimeCommand } from '../../../../sandbox/frame/protocol.ts';
import { serveRuntime } from '../../../../sandbox/frame/worker-main.ts';
import { emptyReport } from '../../../../sandbox/frame/run-record.ts';
import type { CheckAssets, CheckRuntimeModule } from '../../../../worker/checks/contract.ts';

/** The runtime worker's bootstrap with a plain object for its global scope. */
function scope() {
  const posted: unknown[] = [];
  let listener: ((event: MessageEvent<RuntimeCommand>) => void) | undefined;
  return {
    posted,
    scope: {
      postMessage: (message: unknown) => posted.push(message),
      addEventListener: (_type: 'message', next: (event: MessageEvent<RuntimeCommand>) => void) => (listener = next),
    },
    send: (command: RuntimeCommand) => listener?.({ data: command } as MessageEvent<RuntimeCommand>),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('serveRuntime', () => {
  test('prepare runs before the run, with the assets the run then gets; "prepared" is said once', async () => {
    const calls: string[] = [];
    let release: () => void = () => undefined;
    const runtime: CheckRuntimeModule = {
      name: 'python',
      prepare: async (assets: CheckAssets) => {
        calls.push(`prepare ${[...assets.keys()].join(',')}`);
        await new Promise<void>((resolve) => (release = resolve));
        calls.push('prepared');
      },
      run: (_request, assets) => {
        calls.push(`run ${[...assets.keys()].join(',')}`);
        return Promise.resolve(emptyReport('python', 'not-runnable', 'nothing'));
      },
    };
    const { posted, scope: fake, send } = scope();
    serveRuntime(runtime, fake);
    send({ type: 'prepare', assets: [['a.wasm', new ArrayBuffer(1)]] });
    send({ type: 'start', request: { runtime: 'python', files: [], timeoutMs: 1000, allowNetwork: false } });
    await settle();
    // The run waits for the preparation under way.
    expect(calls).toEqual(['prepare a.wasm']);
    release();
    await settle();
    expect(calls).toEqual(['prepare a.wasm', 'prepared', 'run a.wasm']);
    expect(posted).toEqual([{ type: 'done', report: emptyReport('python', 'not-runnable', 'nothing') }]);
  });

  test('a prepared worker says so and runs once only; a second prepare or start is ignored', async () => {
    let runs = 0;
    const runtime: CheckRuntimeModule = {
      name: 'node',
      run: () => {
        runs += 1;
        return Promise.resolve(emptyReport('node', 'not-runnable', 'x'));
      },
    };
    const { posted, scope: fake, send } = scope();
    serveRuntime(runtime, fake);
    send({ type: 'prepare', assets: [] });
    await settle();
    expect(posted).toEqual([{ type: 'prepared' }]);
    const request = { runtime: 'node' as const, files: [], timeoutMs: 1000, allowNetwork: false };
    send({ type: 'prepare', assets: [['other', 'x']] });
    send({ type: 'start', request });
    send({ type: 'start', request });
    await settle();
    expect(runs).toBe(1);
    expect(posted).toHaveLength(2);
  });

  test('a failed preparation is left for the run to report', async () => {
    const runtime: CheckRuntimeModule = {
      name: 'python',
      prepare: () => Promise.reject(new Error('no wasm')),
      run: () => Promise.reject(new Error('Python could not start: no wasm')),
    };
    const { posted, scope: fake, send } = scope();
    serveRuntime(runtime, fake);
    send({ type: 'prepare', assets: [] });
    send({ type: 'start', request: { runtime: 'python', files: [], timeoutMs: 1000, allowNetwork: false } });
    await settle();
    expect(posted).toEqual([
      {
        type: 'done',
        report: emptyReport('python', 'crashed', 'The python runtime failed: Python could not start: no wasm'),
      },
    ]);
  });
});
