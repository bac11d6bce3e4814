/**
 * Overhead of Orchestra's provider layer (adapter + resilience wrapper) over the bare
 * official SDK, both streaming from the provider simulator over loopback in the same run.
 * Runs alternate between the two so drift on a noisy machine hits both alike.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { RemoteProviderId } from '../../../worker/providers/contract/provider-id.ts';
import type { ProviderRequest } from '../../../worker/providers/contract/provider-request.ts';
import { createAdapter } from '../../../worker/providers/create-adapter.ts';
import { CircuitBreaker } from '../../../worker/providers/resilience/circuit-breaker.ts';
import { defaultResilience, withResilience } from '../../../worker/providers/resilience/with-resilience.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { type BenchResult, median, withBaseline } from '../result.ts';

const streamTokens = 1000;
const rounds = 40;
const warmup = 5;
// Faster than any hosted model streams today (they send 50–300 tokens a second).
const pacedTokensPerSecond = 2000;
const pacedRounds = 10;
const apiKey = 'sk-bench-key';
const request: ProviderRequest = {
  model: 'bench-model',
  messages: [{ role: 'user', content: 'Write a long answer.' }],
  maxOutputTokens: 4096,
};

type Runner = () => Promise<number>;

export async function providersSuite(): Promise<BenchResult[]> {
  const sim = await startSimulator();
  try {
    const results: BenchResult[] = [];
    for (const provider of ['openai', 'anthropic', 'gemini'] as const) {
      const text = Array.from({ length: streamTokens }, (_, index) => `t${index % 10}`).join(' ');
      const paced = await compare(sim, provider, pacedRounds, {
        kind: 'text',
        text,
        tokens: streamTokens,
        tokensPerSecond: pacedTokensPerSecond,
      });
      const long = await compare(sim, provider, rounds, { kind: 'text', text, tokens: streamTokens });
      const short = await compare(sim, provider, rounds, { kind: 'text', text: 'ok', tokens: 1 });
      results.push(
        withBaseline({
          metric: `${provider}_1000_token_stream_at_${pacedTokensPerSecond}_tps_median_ms`,
          value: round(paced.wrapped),
          unit: 'ms',
          baseline: { name: `raw_${provider}_sdk`, value: round(paced.raw) },
          target: '<= 1.05 of baseline (<= 5% extra time)',
        }),
        withBaseline({
          metric: `${provider}_1000_token_stream_unpaced_median_ms`,
          value: round(long.wrapped),
          unit: 'ms',
          baseline: { name: `raw_${provider}_sdk`, value: round(long.raw) },
          target: 'worst case: tokens as fast as loopback carries them',
        }),
        {
          metric: `${provider}_overhead_per_token_us`,
          value: round(((long.wrapped - long.raw) / streamTokens) * 1000),
          unit: 'µs',
        },
        withBaseline({
          metric: `${provider}_one_token_call_median_ms`,
          value: round(short.wrapped),
          unit: 'ms',
          baseline: { name: `raw_${provider}_sdk`, value: round(short.raw) },
          target: 'per-call overhead; no absolute target',
        }),
      );
    }
    return results;
  } finally {
    await sim.close();
  }
}

async function compare(
  sim: Simulator,
  provider: RemoteProviderId & ('openai' | 'anthropic' | 'gemini'),
  rounds: number,
  scenario: Parameters<Simulator['enqueue']>[1],
): Promise<{ raw: number; wrapped: number }> {
  const raw = rawRunner(sim, provider);
  const wrapped = wrappedRunner(sim, provider);
  const rawTimes: number[] = [];
  const wrappedTimes: number[] = [];
  const warm = Math.min(warmup, rounds);
  for (let round = 0; round < rounds + warm; round += 1) {
    // Alternate which goes first, so neither always meets a warmer socket.
    const order: [Runner, number[]][] =
      round % 2 === 0
        ? [
            [raw, rawTimes],
            [wrapped, wrappedTimes],
          ]
        : [
            [wrapped, wrappedTimes],
            [raw, rawTimes],
          ];
    for (const [run, times] of order) {
      sim.enqueue(provider, scenario);
      const elapsed = await run();
      if (round >= warm) times.push(elapsed);
    }
  }
  return { raw: median(rawTimes), wrapped: median(wrappedTimes) };
}

function wrappedRunner(sim: Simulator, provider: 'openai' | 'anthropic' | 'gemini'): Runner {
  const adapter = withResilience(createAdapter({ provider, apiKey, baseUrl: sim.baseUrl(provider) }), {
    ...defaultResilience,
    breaker: new CircuitBreaker(provider, { failureThreshold: 5, cooldownMs: 30_000, now: Date.now }),
    observer: { onUsage: () => undefined },
  });
  return async () => {
    const started = performance.now();
    let text = '';
    for await (const part of adapter.stream(request, new AbortController().signal)) {
      if (part.type === 'text-delta') text += part.text;
      if (part.type === 'error') throw part.error;
    }
    if (text.length === 0) throw new Error('empty answer');
    return performance.now() - started;
  };
}

/** The bare SDK doing the same work: stream the answer and collect its text and usage. */
function rawRunner(sim: Simulator, provider: 'openai' | 'anthropic' | 'gemini'): Runner {
  const timed = (work: () => Promise<string>) => async () => {
    const started = performance.now();
    const text = await work();
    if (text.length === 0) throw new Error('empty answer');
    return performance.now() - started;
  };
  switch (provider) {
    case 'openai': {
      const client = new OpenAI({ apiKey, baseURL: sim.baseUrl('openai'), maxRetries: 0 });
      return timed(async () => {
        let text = '';
        const stream = await client.chat.completions.create({
          model: request.model,
          messages: [{ role: 'user', content: 'Write a long answer.' }],
          stream: true,
          stream_options: { include_usage: true },
          max_completion_tokens: request.maxOutputTokens,
        });
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        return text;
      });
    }
    case 'anthropic': {
      const client = new Anthropic({ apiKey, baseURL: sim.baseUrl('anthropic'), maxRetries: 0 });
      return timed(async () => {
        let text = '';
        const stream = await client.messages.create({
          model: request.model,
          max_tokens: request.maxOutputTokens,
          messages: [{ role: 'user', content: 'Write a long answer.' }],
          stream: true,
        });
        for await (const event of stream) {
          if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
        }
        return text;
      });
    }
    case 'gemini': {
      const ai = new GoogleGenAI({ apiKey, httpOptions: { baseUrl: sim.baseUrl('gemini') } });
      return timed(async () => {
        let text = '';
        const stream = await ai.models.generateContentStream({
          model: request.model,
          contents: [{ role: 'user', parts: [{ text: 'Write a long answer.' }] }],
          config: { maxOutputTokens: request.maxOutputTokens },
        });
        for await (const chunk of stream) {
          for (const part of chunk.candidates?.[0]?.content?.parts ?? []) text += part.text ?? '';
        }
        return text;
      });
    }
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
