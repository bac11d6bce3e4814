/**
 * A call retried inside one reservation is charged for every attempt that reached the
 * provider (issue 19): a first-token timeout and a cut with nothing delivered are each
 * billed for the input the provider read, and the answer that finally came for its own.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { callModel } from '../../../worker/orchestrator/call-model.ts';
import { createAdapter } from '../../../worker/providers/create-adapter.ts';
import { CircuitBreaker } from '../../../worker/providers/resilience/circuit-breaker.ts';
import type { CallRetry } from '../../../worker/providers/resilience/resilience-records.ts';
import { withResilience } from '../../../worker/providers/resilience/with-resilience.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ promptCache: true });
});
afterAll(() => sim.close());

test('the usage of a retried call is the sum of its attempts, at least what the simulator billed', async () => {
  const retries: CallRetry[] = [];
  const adapter = withResilience(
    createAdapter({ provider: 'openai', apiKey: 'sk-test-retries-0000', baseUrl: sim.baseUrl('openai') }),
    {
      breaker: new CircuitBreaker('openai', { failureThreshold: 10, cooldownMs: 30_000, now: () => Date.now() }),
      maxAttempts: 6,
      baseDelayMs: 10,
      maxDelayMs: 20,
      maxRetryAfterMs: 5_000,
      firstTokenTimeoutMs: 1_000,
      idleTimeoutMs: 5_000,
      random: () => 0.5,
      observer: { onRetry: (record) => void retries.push(record) },
    },
  );
  const first = sim.bills.length;
  sim.enqueue(
    'openai',
    // Taken, but their first words would come after the first-token deadline: each is
    // billed for its input.
    { kind: 'text', text: 'too late', firstTokenMs: 10_000 },
    { kind: 'text', text: 'too late again', firstTokenMs: 10_000 },
    { kind: 'text', text: 'The answer, at the third attempt.' },
  );
  const prompt = 'Write the notes service. '.repeat(40);
  const result = await callModel(
    adapter,
    {
      model: 'gpt-4.1-nano',
      system: 'You are terse.',
      messages: [{ role: 'user', content: prompt }],
      maxOutputTokens: 200,
    },
    new AbortController().signal,
    () => undefined,
  );
  expect(result.text).toBe('The answer, at the third attempt.');
  // Every failed attempt was in flight when its deadline cut it, so it may have been
  // read (and is charged so); on a busy machine the answer's own first word can miss the
  // deadline too, one more attempt. The simulator billed the two late answers and the last.
  const bills = sim.bills.slice(first);
  expect(retries.length).toBeGreaterThanOrEqual(2);
  expect(retries.every((retry) => retry.kind === 'timeout' && retry.billed === true)).toBe(true);
  expect(bills.length).toBeGreaterThanOrEqual(3);
  const billedInput = bills.reduce((sum, bill) => sum + bill.inputTokens, 0);
  const billedOutput = bills.reduce((sum, bill) => sum + bill.outputTokens, 0);
  expect(result.usage?.inputTokens).toBeGreaterThanOrEqual(billedInput);
  expect(result.usage?.outputTokens).toBeGreaterThanOrEqual(billedOutput);
  // Two attempts' input is an estimate: the whole usage is marked as one.
  expect(result.usage?.estimated).toBe(true);
});

test('a retry whose record cannot be written is not made', async () => {
  const adapter = withResilience(
    createAdapter({ provider: 'openai', apiKey: 'sk-test-retries-0000', baseUrl: sim.baseUrl('openai') }),
    {
      breaker: new CircuitBreaker('openai', { failureThreshold: 10, cooldownMs: 30_000, now: () => Date.now() }),
      maxAttempts: 4,
      baseDelayMs: 10,
      maxDelayMs: 20,
      maxRetryAfterMs: 5_000,
      firstTokenTimeoutMs: 5_000,
      idleTimeoutMs: 5_000,
      random: () => 0.5,
      observer: { onRetry: () => Promise.reject(new Error('The disk is full.')) },
    },
  );
  const before = sim.requests.length;
  // A retry, were it made, would be answered (the fixture).
  sim.enqueue('openai', { kind: 'server-error' });
  const result = await callModel(
    adapter,
    { model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Hello.' }], maxOutputTokens: 50 },
    new AbortController().signal,
    () => undefined,
  );
  expect(result.error?.kind).toBe('overloaded');
  expect(sim.requests.length - before).toBe(1);
});
