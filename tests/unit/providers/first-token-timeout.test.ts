/** The first-token deadline adapts to the model and to how much it has to read. */
import { expect, test } from 'vitest';
import type { ProviderId } from '../../../worker/providers/contract/provider-id.ts';
import {
  firstTokenTimeoutMs,
  maxFirstTokenMs,
  minFirstTokenMs,
  modelPace,
} from '../../../worker/providers/resilience/first-token-timeout.ts';

const ask = (provider: ProviderId, model: string, promptChars: number) =>
  firstTokenTimeoutMs(provider, {
    model,
    system: 'You are terse.',
    messages: [{ role: 'user', content: 'x'.repeat(promptChars) }],
    maxOutputTokens: 1000,
  });

test('a short prompt to a fast model waits about 20 s, not the old fixed 90 s', () => {
  for (const [provider, model] of [
    ['openai', 'gpt-4.1-nano'],
    ['openai', 'gpt-5-mini'],
    ['gemini', 'gemini-2.5-flash'],
    ['anthropic', 'claude-haiku-4-5'],
  ] as const) {
    expect(modelPace(provider, model)).toBe('fast');
    expect(ask(provider, model, 200)).toBe(20_000);
  }
});

test('a reasoning model is given time to think; a flagship sits between', () => {
  expect(modelPace('openai', 'gpt-5')).toBe('reasoning');
  expect(modelPace('gemini', 'gemini-2.5-pro')).toBe('reasoning');
  expect(modelPace('anthropic', 'claude-opus-4-1')).toBe('reasoning');
  expect(modelPace('openai', 'o3')).toBe('reasoning');
  expect(modelPace('anthropic', 'claude-sonnet-4-5')).toBe('standard');
  const fast = ask('openai', 'gpt-4.1-nano', 200);
  const standard = ask('anthropic', 'claude-sonnet-4-5', 200);
  const reasoning = ask('openai', 'gpt-5', 200);
  expect(fast).toBeLessThan(standard);
  expect(standard).toBeLessThan(reasoning);
});

test('a longer prompt waits longer, one second per 4,000 tokens, up to the cap', () => {
  const short = ask('anthropic', 'claude-sonnet-4-5', 4_000); // 1,000 tokens
  const long = ask('anthropic', 'claude-sonnet-4-5', 400_000); // 100,000 tokens
  expect(long - short).toBeGreaterThanOrEqual(24_000);
  expect(long - short).toBeLessThanOrEqual(25_000);
  expect(ask('gemini', 'gemini-2.5-pro', 4_000_000)).toBe(maxFirstTokenMs);
  expect(ask('openai', 'gpt-4.1-nano', 0)).toBeGreaterThanOrEqual(minFirstTokenMs);
});

test('a local server may be loading its model: it gets the longest base', () => {
  expect(modelPace('openai-compatible', 'llama3.1:8b-mini')).toBe('local');
  expect(ask('openai-compatible', 'llama3.1', 200)).toBe(90_000);
});
