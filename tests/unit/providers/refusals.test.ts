/**
 * Conformance: refusals, blocked prompts, filters that cut an answer, answers that stop
 * without a finish reason, and usage reported late. Each case is a recorded (or
 * recording-shaped) stream from tests/fixtures/providers, put on the wire by the
 * simulator and read by the adapter's real SDK — once bare, once inside the resilience
 * wrapper, which must send it exactly once (the simulator counts requests) and keep the
 * provider's circuit closed.
 */
import { FinishReason } from '@google/genai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ProviderAdapter } from '../../../worker/providers/contract/provider-adapter.ts';
import type { RemoteProviderId } from '../../../worker/providers/contract/provider-id.ts';
import type { Usage } from '../../../worker/providers/contract/usage.ts';
import { createAdapter } from '../../../worker/providers/create-adapter.ts';
import { CircuitBreaker } from '../../../worker/providers/resilience/circuit-breaker.ts';
import type { CallRetry } from '../../../worker/providers/resilience/resilience-records.ts';
import { withResilience } from '../../../worker/providers/resilience/with-resilience.ts';
import { type Scenario, type Simulator, startSimulator } from '../../sim/simulator.ts';
import { collect, errorOf, request, textOf } from './collect.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

interface Case {
  name: string;
  provider: RemoteProviderId;
  fixture: string;
  /** A variant of the recording: each payload line through this. */
  edit?: (line: string) => string;
  /** The text the filter let through, kept. */
  text: string;
  explanation: RegExp;
  usage: Usage;
}

const cases: Case[] = [
  {
    name: 'Anthropic refusal with stop_details.explanation (recorded)',
    provider: 'anthropic',
    fixture: 'anthropic-refusal',
    text: '',
    explanation: /^This request triggered restrictions on violative cyber content/,
    usage: usage(18, 5),
  },
  {
    name: 'Anthropic refusal after part of an answer',
    provider: 'anthropic',
    fixture: 'anthropic-refusal-mid-answer',
    text: 'Here is a first part of the answer',
    explanation: /restrictions on biological content/,
    usage: usage(22, 11),
  },
  {
    name: 'OpenAI refusal content',
    provider: 'openai',
    fixture: 'openai-refusal',
    text: '',
    explanation: /^I'm sorry, I can't help with that request\.$/,
    usage: usage(31, 9),
  },
  {
    name: 'OpenAI content_filter finish after part of an answer',
    provider: 'openai',
    fixture: 'openai-content-filter',
    text: 'def scan(host):\n    # open a socket',
    explanation: /content filter/,
    usage: usage(40, 12),
  },
  {
    name: 'Gemini promptFeedback.blockReason with no candidates (recorded)',
    provider: 'gemini',
    fixture: 'google-prompt-block',
    text: '',
    explanation: /PROHIBITED_CONTENT/,
    // The blocked prompt's tokens are billed and kept.
    usage: usage(9, 0),
  },
  {
    name: 'Gemini SAFETY finish after part of an answer',
    provider: 'gemini',
    fixture: 'google-safety-mid-answer',
    text: 'Step one: gather the parts listed below.',
    explanation: /SAFETY/,
    usage: usage(14, 10),
  },
];

/**
 * The other finish reasons of `@google/genai`'s enum that mean a filter stopped the answer,
 * each as the SAFETY recording with its reason swapped: the same stream shape, another word.
 */
const geminiFilterReasons = [
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
] as const;
const withFinish = (reason: string) => (line: string) =>
  line.replace('"finishReason":"SAFETY"', `"finishReason":"${reason}"`);
cases.push(
  ...geminiFilterReasons.map((reason): Case => ({
    name: `Gemini ${reason} finish after part of an answer`,
    provider: 'gemini',
    fixture: 'google-safety-mid-answer',
    edit: withFinish(reason),
    text: 'Step one: gather the parts listed below.',
    explanation: new RegExp(reason),
    usage: usage(14, 10),
  })),
);

function usage(inputTokens: number, outputTokens: number): Usage {
  return {
    inputTokens,
    outputTokens,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    estimated: false,
  };
}

function resilient(provider: RemoteProviderId, retries: CallRetry[], breaker: CircuitBreaker): ProviderAdapter {
  return withResilience(createAdapter({ provider, apiKey: 'sk-test-refusal', baseUrl: sim.baseUrl(provider) }), {
    breaker,
    maxAttempts: 4,
    baseDelayMs: 5,
    maxDelayMs: 20,
    maxRetryAfterMs: 5_000,
    firstTokenTimeoutMs: 5_000,
    idleTimeoutMs: 5_000,
    observer: { onRetry: (record) => retries.push(record) },
  });
}

const scenarioOf = (refusal: Case): Scenario =>
  refusal.edit
    ? { kind: 'fixture', name: refusal.fixture, edit: refusal.edit }
    : { kind: 'fixture', name: refusal.fixture };

describe.each(cases)('$name', (refusal) => {
  test('bare adapter: partial text kept, usage billed, then a refused error with the provider’s words', async () => {
    sim.enqueue(refusal.provider, scenarioOf(refusal));
    const adapter = createAdapter({
      provider: refusal.provider,
      apiKey: 'sk-test',
      baseUrl: sim.baseUrl(refusal.provider),
    });
    const parts = await collect(adapter.stream(request, new AbortController().signal));
    expect(textOf(parts)).toBe(refusal.text);
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
    expect(parts.at(-2)).toEqual({ type: 'usage', usage: refusal.usage });
    const error = errorOf(parts);
    expect(error?.kind).toBe('refused');
    expect(error?.isRetryable).toBe(false);
    expect(error?.explanation).toMatch(refusal.explanation);
    expect(error?.message).toContain(error?.explanation ?? '-');
    expect(error?.toData()).toMatchObject({ kind: 'refused', retryable: false, explanation: error?.explanation });
  });

  test('through resilience: sent once, never retried, the circuit stays closed', async () => {
    const retries: CallRetry[] = [];
    const breaker = new CircuitBreaker(refusal.provider, { failureThreshold: 1, cooldownMs: 60_000, now: Date.now });
    const before = sim.requests.length;
    sim.enqueue(refusal.provider, scenarioOf(refusal));
    const parts = await collect(
      resilient(refusal.provider, retries, breaker).stream(request, new AbortController().signal),
    );
    expect(sim.requests.length - before).toBe(1);
    expect(retries).toEqual([]);
    expect(errorOf(parts)?.kind).toBe('refused');
    expect(textOf(parts)).toBe(refusal.text);
    // A threshold of one: any health failure would have opened it.
    expect(breaker.state).toBe('closed');
  });
});

describe('a stream that ends without a finish reason', () => {
  test('bare: it is an incomplete answer, not a network error, with its usage lost only if never reported', async () => {
    sim.enqueue('gemini', { kind: 'fixture', name: 'google-usage-only' });
    const adapter = createAdapter({ provider: 'gemini', apiKey: 'AIza-test', baseUrl: sim.baseUrl('gemini') });
    const parts = await collect(adapter.stream(request, new AbortController().signal));
    const error = errorOf(parts);
    expect(error?.kind).toBe('incomplete');
    expect(error?.isRetryable).toBe(true);
    expect(error?.message).not.toMatch(/key/i);
  });

  test('through resilience: retried once when no text came, then given up', async () => {
    const retries: CallRetry[] = [];
    const breaker = new CircuitBreaker('gemini', { failureThreshold: 5, cooldownMs: 60_000, now: Date.now });
    const before = sim.requests.length;
    // Two queued: a third request would get the default recording, which finishes.
    sim.enqueue(
      'gemini',
      { kind: 'fixture', name: 'google-usage-only' },
      { kind: 'fixture', name: 'google-usage-only' },
    );
    const parts = await collect(resilient('gemini', retries, breaker).stream(request, new AbortController().signal));
    expect(errorOf(parts)?.kind).toBe('incomplete');
    expect(sim.requests.length - before).toBe(2);
    expect(retries.map((retry) => retry.kind)).toEqual(['incomplete']);
  });

  test('through resilience: a retry that finishes gives the answer', async () => {
    const retries: CallRetry[] = [];
    const breaker = new CircuitBreaker('gemini', { failureThreshold: 5, cooldownMs: 60_000, now: Date.now });
    sim.enqueue('gemini', { kind: 'fixture', name: 'google-usage-only' }, { kind: 'text', text: 'whole answer' });
    const parts = await collect(resilient('gemini', retries, breaker).stream(request, new AbortController().signal));
    expect(textOf(parts)).toBe('whole answer');
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });
});

describe('usage reported late or in several places', () => {
  test('Anthropic input_tokens in message_delta wins over message_start (recorded)', async () => {
    sim.enqueue('anthropic', { kind: 'fixture', name: 'anthropic-message-delta-input-tokens' });
    const adapter = createAdapter({ provider: 'anthropic', apiKey: 'sk-ant-test', baseUrl: sim.baseUrl('anthropic') });
    const parts = await collect(adapter.stream(request, new AbortController().signal));
    expect(textOf(parts)).toBe('pong');
    expect(parts.slice(-2)).toEqual([
      { type: 'usage', usage: usage(61, 2) },
      { type: 'finish', reason: 'stop' },
    ]);
  });
  test('Anthropic input_tokens only in message_delta reach the consumer whole through resilience, priced once', async () => {
    const usages: { usage: Usage; costUsd: number }[] = [];
    const retries: CallRetry[] = [];
    const breaker = new CircuitBreaker('anthropic', { failureThreshold: 1, cooldownMs: 60_000, now: Date.now });
    const before = sim.requests.length;
    // The recording with message_start's input_tokens taken out: the input comes only at the end.
    sim.enqueue('anthropic', {
      kind: 'fixture',
      name: 'anthropic-message-delta-input-tokens',
      edit: (line) => line.replace('"usage":{"input_tokens":43,"output_tokens":1}', '"usage":{"output_tokens":1}'),
    });
    const adapter = withResilience(
      createAdapter({ provider: 'anthropic', apiKey: 'sk-ant-test', baseUrl: sim.baseUrl('anthropic') }),
      {
        breaker,
        maxAttempts: 4,
        baseDelayMs: 5,
        maxDelayMs: 20,
        maxRetryAfterMs: 5_000,
        firstTokenTimeoutMs: 5_000,
        idleTimeoutMs: 5_000,
        observer: {
          onRetry: (record) => retries.push(record),
          onUsage: (record) => void usages.push({ usage: record.usage, costUsd: record.costUsd }),
        },
      },
    );
    const parts = await collect(adapter.stream(request, new AbortController().signal));
    expect(textOf(parts)).toBe('pong');
    expect(parts.slice(-2)).toEqual([
      { type: 'usage', usage: usage(61, 2) },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(sim.requests.length - before).toBe(1);
    expect(retries).toEqual([]);
    // The wrapper heard the same usage once, and priced it at the catalog's Sonnet 4.5 rates ($3 in, $15 out).
    expect(usages).toEqual([{ usage: usage(61, 2), costUsd: (61 * 3 + 2 * 15) / 1_000_000 }]);
  });
});

/** How the adapter reads each finish reason of the Gemini SDK's enum. */
const geminiFinishes = new Map<string, 'refused' | 'stop' | 'length' | 'other'>([
  ['STOP', 'stop'],
  ['MAX_TOKENS', 'length'],
  ['SAFETY', 'refused'],
  ...geminiFilterReasons.map((reason) => [reason, 'refused'] as const),
  ['FINISH_REASON_UNSPECIFIED', 'other'],
  ['LANGUAGE', 'other'],
  ['OTHER', 'other'],
  ['MALFORMED_FUNCTION_CALL', 'other'],
  ['UNEXPECTED_TOOL_CALL', 'other'],
  ['TOO_MANY_TOOL_CALLS', 'other'],
  ['NO_IMAGE', 'other'],
  ['IMAGE_OTHER', 'other'],
  ['CONTINUATION', 'other'],
]);

test('Gemini: every finish reason the SDK names is decided here; a new one fails this test until it is', () => {
  expect([...geminiFinishes.keys()].sort()).toEqual(Object.values(FinishReason).sort());
});

test.each([...geminiFinishes].filter(([, read]) => read !== 'refused'))(
  'Gemini %s is a finish (%s), not a refusal',
  async (reason, read) => {
    sim.enqueue('gemini', { kind: 'fixture', name: 'google-safety-mid-answer', edit: withFinish(reason) });
    const adapter = createAdapter({ provider: 'gemini', apiKey: 'sk-test', baseUrl: sim.baseUrl('gemini') });
    const parts = await collect(adapter.stream(request, new AbortController().signal));
    expect(errorOf(parts)).toBeUndefined();
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: read });
  },
);
