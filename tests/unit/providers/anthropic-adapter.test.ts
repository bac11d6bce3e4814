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
    {
      type: 'usage',
      usage: {
        inputTokens: 12,
        outputTokens: 30,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        estimated: false,
      },
    },
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

test('a mid-stream error event after text is an overloaded error, with usage still reported', async () => {
  sim.enqueue('anthropic', { kind: 'mid-stream-error' });
  const parts = await collect(adapter().stream(request, new AbortController().signal));
  expect(textOf(parts).length).toBeGreaterThan(0);
  expect(errorOf(parts)?.kind).toBe('overloaded');
  expect(parts.some((part) => part.type === 'usage')).toBe(true);
});

test('the model list comes from the models endpoint', async () => {
  const models = await adapter().listModels?.(new AbortController().signal);
  expect(models?.map((model) => model.id)).toEqual(['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001']);
});
