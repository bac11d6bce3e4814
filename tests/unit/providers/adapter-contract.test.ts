/**
 * One suite run against every adapter, each through its real SDK against the simulator:
 * the contract of worker/providers/contract/provider-adapter.ts, scenario by scenario.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RemoteProviderId } from '../../../worker/providers/contract/provider-id.ts';
import { createAdapter } from '../../../worker/providers/create-adapter.ts';
import { type Scenario, type Simulator, startSimulator } from '../../sim/simulator.ts';
import { collect, errorOf, request, textOf } from './collect.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const keys: Record<RemoteProviderId, string> = {
  anthropic: 'sk-ant-api03-contract-key-aaaaaaaa',
  openai: 'sk-proj-contract-key-bbbbbbbbbbbbbbbb',
  'openai-compatible': 'local-contract-key-cccc',
  gemini: 'AIzaContractKeyDddddddddddddddddd',
};

interface Expectations {
  auth: number;
  overloaded: number;
}

const providers: [RemoteProviderId, Expectations][] = [
  ['anthropic', { auth: 401, overloaded: 529 }],
  ['openai', { auth: 401, overloaded: 503 }],
  ['openai-compatible', { auth: 401, overloaded: 503 }],
  // Gemini answers a bad key with 400 INVALID_ARGUMENT / API_KEY_INVALID.
  ['gemini', { auth: 400, overloaded: 503 }],
];

describe.each(providers)('%s adapter', (provider, expected) => {
  const adapter = () => createAdapter({ provider, apiKey: keys[provider], baseUrl: sim.baseUrl(provider) });
  const run = async (...scenarios: Scenario[]) => {
    sim.enqueue(provider, ...scenarios);
    return collect(adapter().stream({ ...request, model: 'sim-model' }, new AbortController().signal));
  };

  test('streams text deltas in order, then usage, then finish', async () => {
    const text = Array.from({ length: 40 }, (_, index) => `w${index}`).join(' ');
    const parts = await run({ kind: 'text', text });
    expect(textOf(parts)).toBe(text);
    const kinds = parts.map((part) => part.type);
    expect(kinds.slice(-2)).toEqual(['usage', 'finish']);
    expect(kinds.slice(0, -2).every((kind) => kind === 'text-delta')).toBe(true);
    const usage = parts.at(-2);
    expect(usage?.type === 'usage' && usage.usage).toEqual({
      inputTokens: 20,
      outputTokens: 40,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      estimated: false,
    });
  });

  test('a JSON answer arrives whole and parses', async () => {
    const parts = await run({ kind: 'json', value: { files: [{ path: 'a.py', content: 'print(1)' }] } });
    expect(JSON.parse(textOf(parts))).toEqual({ files: [{ path: 'a.py', content: 'print(1)' }] });
  });

  test('a wrong-schema answer still arrives whole as JSON, for the caller to validate', async () => {
    const parts = await run({ kind: 'wrong-schema' });
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    expect(JSON.parse(textOf(parts))).toEqual({ unexpected: 'this is not what the schema asked for' });
  });

  test('a slow first token and a paced stream still arrive whole and in order', async () => {
    const started = performance.now();
    const parts = await run({ kind: 'text', text: 'a b c d e', firstTokenMs: 150, tokensPerSecond: 50 });
    expect(textOf(parts)).toBe('a b c d e');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  test.each([
    [{ kind: 'auth' }, 'auth', expected.auth],
    [{ kind: 'permission' }, 'permission', 403],
    [{ kind: 'rate-limited', retryAfterSeconds: 7 }, 'rate_limited', 429],
    [{ kind: 'overloaded' }, 'overloaded', expected.overloaded],
    [{ kind: 'server-error' }, 'overloaded', 500],
    [{ kind: 'bad-request' }, 'bad_request', 400],
    [{ kind: 'context-too-long' }, 'context_too_long', 400],
  ] as const)('%o is a %s error (HTTP %i) with no key in its message', async (scenario, kind, status) => {
    const error = errorOf(await run(scenario));
    expect(error?.kind).toBe(kind);
    expect(error?.status).toBe(status);
    expect(error?.isRetryable).toBe(['rate_limited', 'overloaded'].includes(kind));
    if (kind === 'rate_limited') expect(error?.retryAfterMs).toBe(7000);
    expect(error?.message).not.toContain(keys[provider]);
    expect(error?.action.length).toBeGreaterThan(0);
  });

  test('a malformed stream event is a malformed_response', async () => {
    expect(errorOf(await run({ kind: 'malformed' }))?.kind).toBe('malformed_response');
  });

  test('a cut stream keeps the text so far, estimates usage, and ends as a network error', async () => {
    const parts = await run({
      kind: 'truncated',
      text: 'one two three four five six seven eight nine ten eleven twelve',
    });
    expect(textOf(parts).length).toBeGreaterThan(0);
    expect(errorOf(parts)?.kind).toBe('network');
    const usage = parts.find((part) => part.type === 'usage');
    expect(usage?.type === 'usage' && usage.usage.outputTokens).toBeGreaterThan(0);
  });

  test('abort stops the request on the wire at once and ends as cancelled', async () => {
    sim.enqueue(provider, { kind: 'hang', after: 'first-token' });
    const controller = new AbortController();
    const seen: string[] = [];
    const started = performance.now();
    for await (const part of adapter().stream(request, controller.signal)) {
      seen.push(part.type === 'error' ? part.error.kind : part.type);
      if (part.type === 'text-delta') controller.abort();
    }
    expect(seen.at(-1)).toBe('cancelled');
    expect(performance.now() - started).toBeLessThan(2000);
    await sim.settled();
    expect(sim.requests.at(-1)?.aborted).toBe(true);
  });

  test('the key goes only to its own provider', async () => {
    const before = sim.requests.length;
    await run({ kind: 'text', text: 'hi' });
    const sent = sim.requests.slice(before);
    expect(sent.map((received) => received.provider)).toEqual([provider]);
    const otherKeys = Object.entries(keys).filter(([name]) => name !== provider);
    const headers = JSON.stringify(sent[0]?.headers);
    expect(headers).toContain(keys[provider]);
    for (const [, key] of otherKeys) expect(headers).not.toContain(key);
  });

  test('lists the endpoint’s models', async () => {
    const models = await adapter().listModels?.(new AbortController().signal);
    expect(models?.length).toBe(2);
  });
});
