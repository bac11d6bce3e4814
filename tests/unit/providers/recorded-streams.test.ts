/** Each adapter reads a real recorded stream (tests/fixtures/providers) as the provider sent it. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { costOf, findModel } from '../../../worker/providers/catalog.ts';
import { createAdapter } from '../../../worker/providers/create-adapter.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { collect, request, textOf } from './collect.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

/** The answer text of a recorded OpenAI-protocol stream, read straight from the file. */
function recordedOpenAiText(name: string): string {
  return readFileSync(new URL(`../../fixtures/providers/${name}.chunks.txt`, import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const chunk = JSON.parse(line) as { choices: { delta?: { content?: string | null } }[] };
      return chunk.choices[0]?.delta?.content ?? '';
    })
    .join('');
}

test('OpenAI: the recorded 300-token stream arrives whole, with usage from its last chunk', async () => {
  const adapter = createAdapter({ provider: 'openai', apiKey: 'sk-test', baseUrl: sim.baseUrl('openai') });
  const parts = await collect(adapter.stream({ ...request, model: 'gpt-4.1-nano' }, new AbortController().signal));
  expect(textOf(parts)).toBe(recordedOpenAiText('openai-text'));
  expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(250);
  const usage = parts.at(-2);
  expect(usage).toEqual({
    type: 'usage',
    usage: {
      inputTokens: 16,
      outputTokens: 300,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      estimated: false,
    },
  });
  const price = findModel('openai', 'gpt-4.1-nano-2025-04-14')?.price;
  // 16 input tokens at $0.10/M, 300 output tokens at $0.40/M.
  expect(price && usage?.type === 'usage' ? costOf(price, usage.usage) : -1).toBeCloseTo(0.0001216, 10);
});

test('OpenAI: the request asks for usage in the stream and uses max_completion_tokens', async () => {
  const adapter = createAdapter({ provider: 'openai', apiKey: 'sk-test', baseUrl: sim.baseUrl('openai') });
  await collect(adapter.stream(request, new AbortController().signal));
  expect(sim.requests.at(-1)?.body).toMatchObject({
    stream: true,
    stream_options: { include_usage: true },
    max_completion_tokens: 256,
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hello, how are you?' },
    ],
  });
});

test('OpenAI-compatible (xAI recording): cached input and reasoning tokens are counted', async () => {
  const adapter = createAdapter({
    provider: 'openai-compatible',
    apiKey: 'xai-test',
    baseUrl: sim.baseUrl('openai-compatible'),
  });
  const parts = await collect(adapter.stream({ ...request, model: 'grok-3-mini' }, new AbortController().signal));
  expect(textOf(parts)).toBe(recordedOpenAiText('xai-text'));
  // prompt 12 (11 cached), completion 2, total 354: 340 reasoning tokens billed as output.
  expect(parts.at(-2)).toEqual({
    type: 'usage',
    usage: {
      inputTokens: 12,
      outputTokens: 342,
      cachedInputTokens: 11,
      cacheWriteTokens: 0,
      reasoningTokens: 340,
      estimated: false,
    },
  });
  expect(sim.requests.at(-1)?.body).toMatchObject({ max_tokens: 256 });
});

test('Gemini: the recorded stream gives its text, thinking billed as output, and STOP', async () => {
  const adapter = createAdapter({ provider: 'gemini', apiKey: 'AIza-test', baseUrl: sim.baseUrl('gemini') });
  const parts = await collect(
    adapter.stream({ ...request, model: 'gemini-3-pro-preview' }, new AbortController().signal),
  );
  expect(textOf(parts)).toBe('There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
  expect(parts.slice(-2)).toEqual([
    {
      type: 'usage',
      usage: {
        inputTokens: 9,
        outputTokens: 208,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 185,
        estimated: false,
      },
    },
    { type: 'finish', reason: 'stop' },
  ]);
  const received = sim.requests.at(-1);
  expect(received?.path).toBe('/v1beta/models/gemini-3-pro-preview:streamGenerateContent');
  expect(received?.query).toBe('?alt=sse');
  expect(received?.headers['x-goog-api-key']).toBe('AIza-test');
});
