import { afterAll, beforeAll, expect, test } from 'vitest';
import { createAnthropicAdapter } from '../../../worker/providers/anthropic/anthropic-adapter.ts';
import { costOf, findModel } from '../../../worker/providers/catalog.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { collect, errorOf, request, textOf } from './collect.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const adapter = () =>
  createAnthropicAdapter({
    provider: 'anthropic',
    apiKey: 'sk-ant-test-key-000000',
    baseUrl: sim.baseUrl('anthropic'),
  });

test('the recorded Anthropic stream arrives in order with its usage, then finish', async () => {
  const parts = await collect(adapter().stream(request, new AbortController().signal));
  expect(textOf(parts)).toBe(
    "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
  );
  expect(parts.slice(-2)).toEqual([
    { type: 'usage', usage: { inputTokens: 12, outputTokens: 30, cachedInputTokens: 0, estimated: false } },
    { type: 'finish', reason: 'stop' },
  ]);
  const price = findModel('anthropic', 'claude-sonnet-4-5-20250929')?.price;
  expect(price).toBeDefined();
  // 12 input tokens at $3/M and 30 output tokens at $15/M.
  if (price)
    expect(costOf(price, { inputTokens: 12, outputTokens: 30, cachedInputTokens: 0, estimated: false })).toBeCloseTo(
      0.000486,
      9,
    );
});

test('the SDK sends the key once, with the browser-access header and the request as asked', async () => {
  await collect(
    adapter().stream(
      { ...request, responseFormat: { type: 'json', name: 'answer', schema: { type: 'object' } } },
      new AbortController().signal,
    ),
  );
  const received = sim.requests.at(-1);
  // SDK 1.x sends the key as a bearer token rather than x-api-key.
  expect(received?.headers.authorization).toBe('Bearer sk-ant-test-key-000000');
  expect(received?.headers['x-api-key']).toBeUndefined();
  expect(received?.headers['anthropic-dangerous-direct-browser-access']).toBe('true');
  expect(received?.body).toMatchObject({
    model: 'claude-sonnet-4-5',
    system: 'You are terse.',
    stream: true,
    max_tokens: 256,
    output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
  });
});

test.each([
  [{ kind: 'auth' }, 'auth', 401],
  [{ kind: 'permission' }, 'permission', 403],
  [{ kind: 'rate-limited', retryAfterSeconds: 7 }, 'rate_limited', 429],
  [{ kind: 'overloaded' }, 'overloaded', 529],
  [{ kind: 'server-error' }, 'overloaded', 500],
  [{ kind: 'bad-request' }, 'bad_request', 400],
  [{ kind: 'context-too-long' }, 'context_too_long', 400],
] as const)('Anthropic %o maps to %s', async (scenario, kind, status) => {
  sim.enqueue('anthropic', scenario);
  const error = errorOf(await collect(adapter().stream(request, new AbortController().signal)));
  expect(error?.kind).toBe(kind);
  expect(error?.status).toBe(status);
  if (kind === 'rate_limited') expect(error?.retryAfterMs).toBe(7000);
  expect(error?.message).not.toContain('sk-ant-test-key');
});

test('a mid-stream error event after text is an overloaded error, with usage still reported', async () => {
  sim.enqueue('anthropic', { kind: 'mid-stream-error' });
  const parts = await collect(adapter().stream(request, new AbortController().signal));
  expect(textOf(parts).length).toBeGreaterThan(0);
  expect(errorOf(parts)?.kind).toBe('overloaded');
  expect(parts.some((part) => part.type === 'usage')).toBe(true);
});

test('a malformed event is a malformed_response, a cut stream a network error', async () => {
  sim.enqueue('anthropic', { kind: 'malformed' }, { kind: 'truncated' });
  expect(errorOf(await collect(adapter().stream(request, new AbortController().signal)))?.kind).toBe(
    'malformed_response',
  );
  const cut = await collect(adapter().stream(request, new AbortController().signal));
  expect(errorOf(cut)?.kind).toBe('network');
});

test('abort stops the request on the wire and ends the stream as cancelled', async () => {
  sim.enqueue('anthropic', { kind: 'hang', after: 'first-token' });
  const controller = new AbortController();
  const parts: string[] = [];
  let kind: string | undefined;
  for await (const part of adapter().stream(request, controller.signal)) {
    parts.push(part.type);
    if (part.type === 'text-delta') controller.abort();
    if (part.type === 'error') kind = part.error.kind;
  }
  expect(kind).toBe('cancelled');
  await sim.settled();
  expect(sim.requests.at(-1)?.aborted).toBe(true);
});

test('the model list comes from the models endpoint', async () => {
  const models = await adapter().listModels?.(new AbortController().signal);
  expect(models?.map((model) => model.id)).toEqual(['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001']);
});
