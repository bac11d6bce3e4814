/**
 * A call aborted before its request went out is not billed: no usage part, so the
 * metered call gives its reservation back instead of charging an estimate of input the
 * provider never read. Two places a request waits before it is sent: the SDK loading on
 * an adapter's first call, and (Anthropic) the wait for another request of the same
 * cached prefix to begin answering (`cache-ledger.ts`). The simulator counts what
 * arrived, so each test also shows that nothing did. No timing: the abort is made while
 * the wait is provably pending.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CacheLedger } from '../../../worker/providers/anthropic/cache-ledger.ts';
import type { ProviderRequest } from '../../../worker/providers/contract/provider-request.ts';
import type { RemoteProviderId } from '../../../worker/providers/contract/provider-id.ts';
import type { StreamPart } from '../../../worker/providers/contract/stream-part.ts';
import { createAdapter } from '../../../worker/providers/create-adapter.ts';
import { CircuitBreaker } from '../../../worker/providers/resilience/circuit-breaker.ts';
import { withResilience } from '../../../worker/providers/resilience/with-resilience.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { collect, errorOf } from './collect.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ promptCache: true });
});
afterAll(() => sim.close());

const system = `You are the Code Generator (role: code-generator).\n${'Write complete, runnable files. '.repeat(200)}`;
const stable = `# Project: Notes\n\n${'A notes service with a small web page and its upstream files. '.repeat(300)}`;
const key = 'project-1:code-generator';

function requestFor(model: string): ProviderRequest {
  return {
    model,
    system,
    messages: [{ role: 'user', content: `${stable}\n\n## Your task: the api` }],
    maxOutputTokens: 256,
    cache: { key, stablePrefixChars: stable.length },
  };
}

const received = (provider: RemoteProviderId) => sim.requests.filter((request) => request.provider === provider).length;

function expectNotBilled(parts: StreamPart[]) {
  expect(parts.filter((part) => part.type === 'usage')).toEqual([]);
  expect(errorOf(parts)?.kind).toBe('cancelled');
}

describe.each([
  ['anthropic', 'claude-opus-4-1'],
  ['openai', 'gpt-5-mini'],
  ['gemini', 'gemini-2.5-flash'],
] as const)('%s', (provider, model) => {
  test('aborted while the SDK loads, before the request is sent: not sent, not billed', async () => {
    const before = received(provider);
    // A fresh adapter loads its SDK client on its first call: the stream waits on that.
    const adapter = createAdapter({ provider, apiKey: 'sk-test-unsent', baseUrl: sim.baseUrl(provider) });
    const controller = new AbortController();
    const parts = adapter.stream(requestFor(model), controller.signal)[Symbol.asyncIterator]();
    const first = parts.next();
    controller.abort('cancel');
    const collected: StreamPart[] = [];
    for (let next = await first; !next.done; next = await parts.next()) collected.push(next.value);
    expectNotBilled(collected);
    expect(received(provider)).toBe(before);
  });
});

/**
 * A ledger on which a request of `model` leads and never begins answering, so that the
 * next marked request of that prefix waits; `joined` settles once that one is waiting.
 */
function ledgerWithSilentLeader(model: string) {
  // A wait far longer than any test: only the abort can end it.
  const ledger = new CacheLedger(Date.now, 600_000);
  ledger.join(model, key, new AbortController().signal);
  let joined: () => void = () => undefined;
  const waiting = new Promise<void>((resolve) => (joined = resolve));
  const join = ledger.join.bind(ledger);
  ledger.join = (...args) => {
    const result = join(...args);
    joined();
    return result;
  };
  return { ledger, waiting };
}

const connection = { provider: 'anthropic', apiKey: 'sk-test-unsent', baseUrl: '' } as const;

test('Anthropic: a request aborted while it waits for another answer of its prefix to begin is not sent, not billed', async () => {
  const model = 'claude-opus-4-1';
  const { ledger, waiting } = ledgerWithSilentLeader(model);
  const before = received('anthropic');
  const adapter = createAdapter({ ...connection, baseUrl: sim.baseUrl('anthropic') }, { cacheLedger: ledger });
  const controller = new AbortController();
  const parts = collect(adapter.stream(requestFor(model), controller.signal));
  await waiting;
  controller.abort('emergency');
  expectNotBilled(await parts);
  expect(received('anthropic')).toBe(before);
});

test('Anthropic, through resilience: the same abort in the wait is not billed, and not retried', async () => {
  const model = 'claude-opus-4-1';
  const { ledger, waiting } = ledgerWithSilentLeader(model);
  const before = received('anthropic');
  const usages: unknown[] = [];
  const adapter = withResilience(
    createAdapter({ ...connection, baseUrl: sim.baseUrl('anthropic') }, { cacheLedger: ledger }),
    {
      breaker: new CircuitBreaker('anthropic', { failureThreshold: 1, cooldownMs: 60_000, now: Date.now }),
      maxAttempts: 4,
      baseDelayMs: 5,
      maxDelayMs: 20,
      maxRetryAfterMs: 5_000,
      firstTokenTimeoutMs: 600_000,
      idleTimeoutMs: 600_000,
      observer: { onUsage: (record) => void usages.push(record) },
    },
  );
  const controller = new AbortController();
  const parts = collect(adapter.stream(requestFor(model), controller.signal));
  await waiting;
  controller.abort('switch');
  expectNotBilled(await parts);
  expect(usages).toEqual([]);
  expect(received('anthropic')).toBe(before);
});
