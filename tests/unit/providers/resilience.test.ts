/** The resilience layer around real adapters (real SDKs) against the simulator. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RemoteProviderId } from '../../../worker/providers/contract/provider-id.ts';
import type { StreamPart } from '../../../worker/providers/contract/stream-part.ts';
import { createAdapter } from '../../../worker/providers/create-adapter.ts';
import { CircuitBreaker } from '../../../worker/providers/resilience/circuit-breaker.ts';
import type {
  BreakerChange,
  CallFail,
  CallRetry,
  CallUsage,
} from '../../../worker/providers/resilience/resilience-records.ts';
import { type ResilienceOptions, withResilience } from '../../../worker/providers/resilience/with-resilience.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { collect, errorOf, request, textOf } from './collect.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

interface Harness {
  retries: CallRetry[];
  changes: BreakerChange[];
  usage: CallUsage[];
  failures: CallFail[];
  clock: { now: number };
  breaker: CircuitBreaker;
  stream: (signal?: AbortSignal) => AsyncIterable<StreamPart>;
  requestsSince: () => number;
}

function harness(provider: RemoteProviderId, overrides: Partial<ResilienceOptions> = {}): Harness {
  const retries: CallRetry[] = [];
  const changes: BreakerChange[] = [];
  const usage: CallUsage[] = [];
  const failures: CallFail[] = [];
  const clock = { now: 1_000_000 };
  const breaker = new CircuitBreaker(provider, {
    failureThreshold: 3,
    cooldownMs: 30_000,
    now: () => clock.now,
    onChange: (record) => changes.push(record),
  });
  const adapter = withResilience(
    createAdapter({ provider, apiKey: 'sk-test-resilience', baseUrl: sim.baseUrl(provider) }),
    {
      breaker,
      maxAttempts: 3,
      baseDelayMs: 40,
      maxDelayMs: 400,
      maxRetryAfterMs: 5_000,
      firstTokenTimeoutMs: 5_000,
      idleTimeoutMs: 5_000,
      random: () => 0.5,
      observer: {
        onRetry: (record) => retries.push(record),
        onBreakerChange: (record) => changes.push(record),
        onUsage: (record) => usage.push(record),
        onFail: (record) => failures.push(record),
      },
      ...overrides,
    },
  );
  const start = sim.requests.length;
  return {
    retries,
    changes,
    usage,
    failures,
    clock,
    breaker,
    stream: (signal = new AbortController().signal) => adapter.stream({ ...request, model: 'gpt-4.1-nano' }, signal),
    requestsSince: () => sim.requests.length - start,
  };
}

test('a 429 is retried after the retry-after the provider sent, then the answer streams', async () => {
  const h = harness('anthropic');
  sim.enqueue('anthropic', { kind: 'rate-limited', retryAfterSeconds: 1 }, { kind: 'text', text: 'made it' });
  const started = performance.now();
  const parts = await collect(h.stream());
  expect(textOf(parts)).toBe('made it');
  expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  expect(h.retries).toEqual([
    {
      provider: 'anthropic',
      model: 'gpt-4.1-nano',
      attempt: 1,
      kind: 'rate_limited',
      delayMs: 1000,
      fromRetryAfter: true,
    },
  ]);
  expect(h.requestsSince()).toBe(2);
});

test('Gemini’s RetryInfo delay in the body is honoured like a retry-after header', async () => {
  const h = harness('gemini');
  sim.enqueue('gemini', { kind: 'rate-limited', retryAfterSeconds: 0.3 }, { kind: 'text', text: 'ok' });
  expect(textOf(await collect(h.stream()))).toBe('ok');
  expect(h.retries[0]).toMatchObject({ kind: 'rate_limited', delayMs: 300, fromRetryAfter: true });
});

test('server errors are retried with full-jitter exponential backoff, up to the attempt limit', async () => {
  const h = harness('openai');
  sim.enqueue('openai', { kind: 'server-error' }, { kind: 'overloaded' }, { kind: 'server-error' });
  const parts = await collect(h.stream());
  expect(errorOf(parts)?.kind).toBe('overloaded');
  // random() = 0.5 of the cap: 40 ms, then 80 ms; the third failure is the last attempt.
  expect(h.retries.map((retry) => retry.delayMs)).toEqual([20, 40]);
  expect(h.requestsSince()).toBe(3);
  expect(h.failures).toHaveLength(1);
  expect(h.failures[0]?.attempts).toBe(3);
});

test.each(['auth', 'bad-request', 'permission', 'context-too-long'] as const)('%s is never retried', async (kind) => {
  const h = harness('openai');
  sim.enqueue('openai', { kind });
  const parts = await collect(h.stream());
  expect(errorOf(parts)?.isRetryable).toBe(false);
  expect(h.requestsSince()).toBe(1);
  expect(h.retries).toEqual([]);
});

test('a retry-after longer than the limit is passed on instead of waited for', async () => {
  const h = harness('anthropic');
  sim.enqueue('anthropic', { kind: 'rate-limited', retryAfterSeconds: 60 });
  const parts = await collect(h.stream());
  expect(errorOf(parts)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
  expect(h.requestsSince()).toBe(1);
});

test('no first token in time is a timeout, the request is cut on the wire and then retried', async () => {
  const h = harness('openai', { firstTokenTimeoutMs: 200 });
  sim.enqueue('openai', { kind: 'hang', after: 'request' }, { kind: 'text', text: 'second try' });
  const parts = await collect(h.stream());
  expect(textOf(parts)).toBe('second try');
  expect(h.retries[0]?.kind).toBe('timeout');
  await sim.settled();
  expect(sim.requests.at(-2)?.aborted).toBe(true);
});

test('a stream that goes quiet after text is cut off, and not retried here (the text was delivered)', async () => {
  const h = harness('anthropic', { idleTimeoutMs: 200 });
  sim.enqueue('anthropic', { kind: 'hang', after: 'first-token' });
  const parts = await collect(h.stream());
  expect(textOf(parts).length).toBeGreaterThan(0);
  expect(errorOf(parts)?.kind).toBe('cut_off');
  expect(errorOf(parts)?.message).toMatch(/was cut off before it was complete\. \(no new token for 0.2 s\)/);
  expect(h.requestsSince()).toBe(1);
});

test('a slow reader does not trip the idle timeout', async () => {
  const h = harness('openai', { idleTimeoutMs: 100 });
  sim.enqueue('openai', { kind: 'text', text: 'one two three' });
  const parts = [];
  for await (const part of h.stream()) {
    parts.push(part);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  expect(textOf(parts)).toBe('one two three');
});

test('a cut stream after text is “the answer was cut off”, retryable by the task, not here', async () => {
  const h = harness('openai');
  sim.enqueue('openai', { kind: 'truncated', text: 'a b c d e f g h i j k l m n o p' });
  const parts = await collect(h.stream());
  const error = errorOf(parts);
  expect(error?.kind).toBe('cut_off');
  expect(error?.message).toMatch(/^The answer from OpenAI \(GPT\) was cut off before it was complete\./);
  expect(error?.message).not.toMatch(/key was rejected/);
  // No error-kind jargon after the sentence ("(network)", "(malformed_response)").
  expect(error?.message).not.toMatch(/\([a-z_]+\)$/);
  // The attempt may start afresh (nothing of the partial answer is kept); this layer never repeats text.
  expect(error?.isRetryable).toBe(true);
  expect(h.requestsSince()).toBe(1);
});

test('a provider failing mid-answer (Anthropic’s error event after text) is cut off too', async () => {
  const h = harness('anthropic');
  sim.enqueue('anthropic', { kind: 'mid-stream-error' });
  const parts = await collect(h.stream());
  expect(textOf(parts).length).toBeGreaterThan(0);
  expect(errorOf(parts)?.kind).toBe('cut_off');
  expect(errorOf(parts)?.message).not.toMatch(/\([a-z_]+\)$/);
  expect(h.requestsSince()).toBe(1);
});

test('the first-token deadline is asked of the request: an adaptive one cuts a hang at its own time', async () => {
  const asked: string[] = [];
  const h = harness('openai', {
    firstTokenTimeoutMs: (sent) => {
      asked.push(sent.model);
      return 250;
    },
  });
  sim.enqueue('openai', { kind: 'hang', after: 'request' }, { kind: 'text', text: 'second try' });
  const started = performance.now();
  const parts = await collect(h.stream());
  expect(textOf(parts)).toBe('second try');
  expect(asked).toEqual(['gpt-4.1-nano']);
  expect(h.retries[0]?.kind).toBe('timeout');
  // Cut at about 250 ms, not at the fixed deadline the harness would otherwise give (5 s).
  expect(performance.now() - started).toBeLessThan(3000);
});

test('the breaker opens after repeated failures, refuses calls without a request, then a probe closes it', async () => {
  const h = harness('openai', { maxAttempts: 1 });
  sim.enqueue('openai', { kind: 'overloaded' }, { kind: 'overloaded' }, { kind: 'overloaded' });
  for (let call = 0; call < 3; call += 1) await collect(h.stream());
  expect(h.breaker.state).toBe('open');
  expect(h.changes).toEqual([
    { provider: 'openai', from: 'closed', to: 'open', failures: 3, at: 1_000_000, reopensAt: 1_030_000 },
  ]);

  const refused = await collect(h.stream());
  expect(errorOf(refused)).toMatchObject({ kind: 'overloaded', retryAfterMs: 30_000 });
  expect(h.requestsSince()).toBe(3);

  h.clock.now += 30_000;
  sim.enqueue('openai', { kind: 'text', text: 'back' });
  expect(textOf(await collect(h.stream()))).toBe('back');
  expect(h.breaker.state).toBe('closed');
  expect(h.changes.map((change) => `${change.from}->${change.to}`)).toEqual([
    'closed->open',
    'open->half-open',
    'half-open->closed',
  ]);
});

test('a failed probe opens the breaker again for another cooldown', async () => {
  const h = harness('gemini', { maxAttempts: 1 });
  sim.enqueue(
    'gemini',
    { kind: 'overloaded' },
    { kind: 'overloaded' },
    { kind: 'overloaded' },
    { kind: 'server-error' },
  );
  for (let call = 0; call < 3; call += 1) await collect(h.stream());
  h.clock.now += 30_001;
  await collect(h.stream());
  expect(h.breaker.state).toBe('open');
  expect(h.changes.map((change) => change.to)).toEqual(['open', 'half-open', 'open']);
  expect(h.changes.at(-1)?.reopensAt).toBe(h.clock.now + 30_000);
});

test('auth failures do not open the breaker: the provider is up, the key is wrong', async () => {
  const h = harness('openai', { maxAttempts: 1 });
  sim.enqueue('openai', { kind: 'auth' }, { kind: 'auth' }, { kind: 'auth' }, { kind: 'auth' });
  for (let call = 0; call < 4; call += 1) await collect(h.stream());
  expect(h.breaker.state).toBe('closed');
});

test('cancelling during a retry wait ends at once with cancelled and makes no further request', async () => {
  const h = harness('anthropic');
  sim.enqueue('anthropic', { kind: 'rate-limited', retryAfterSeconds: 3 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 150);
  const started = performance.now();
  const parts = await collect(h.stream(controller.signal));
  expect(errorOf(parts)?.kind).toBe('cancelled');
  expect(performance.now() - started).toBeLessThan(1000);
  expect(h.requestsSince()).toBe(1);
});

test('a consumer that stops reading stops the request on the wire', async () => {
  const h = harness('openai');
  sim.enqueue('openai', { kind: 'text', text: 'a b c d e f g h', tokensPerSecond: 5 });
  for await (const part of h.stream()) {
    if (part.type === 'text-delta') break;
  }
  await sim.settled();
  expect(sim.requests.at(-1)?.aborted).toBe(true);
  expect(h.breaker.state).toBe('closed');
});

test('usage and cost are reported for every finished call', async () => {
  const h = harness('openai');
  sim.enqueue('openai', {
    kind: 'text',
    text: 'x',
    usage: { inputTokens: 1000, outputTokens: 500, cachedInputTokens: 200 },
  });
  await collect(h.stream());
  // gpt-4.1-nano: 800 fresh input at $0.10/M + 200 cached at $0.025/M + 500 output at $0.40/M.
  expect(h.usage).toHaveLength(1);
  expect(h.usage[0]?.priced).toBe(true);
  expect(h.usage[0]?.costUsd).toBeCloseTo(0.000285, 10);
});
