import { expect, test } from 'vitest';
import { type PreferredRecord, ModelChooser } from '../../../worker/orchestrator/model-choice.ts';
import type { ProviderReady } from '../../../worker/providers/contract/provider-service-api.ts';
import { mulberry32 } from '../../../worker/router/index.ts';

const request = {
  taskType: 'backend-code',
  preference: 'balanced' as const,
  inputTokens: 3000,
  outputTokens: 2000,
  attempt: 1,
  budgetRemainingUsd: 10,
};
const ready = (provider: ProviderReady['provider'], model?: string): ProviderReady => ({
  provider,
  ready: true,
  detail: 'test',
  ...(model ? { model } : {}),
});

test('only models of ready providers are candidates; Google’s catalog models go to the Gemini provider', () => {
  const chooser = new ModelChooser({ random: mulberry32(1) });
  for (let index = 0; index < 30; index += 1) {
    const result = chooser.choose(request, [ready('gemini'), { provider: 'openai', ready: false, detail: 'no key' }]);
    if (!result.ok) throw new Error(result.message);
    expect(result.choice.provider).toBe('gemini');
    expect(result.choice.model).toMatch(/^gemini-/);
  }
  expect(chooser.choose(request, [])).toMatchObject({ ok: false, budget: false });
});

test('a model chosen in Settings that the catalog does not name becomes a candidate of its own, priced from the provider catalog', () => {
  const chooser = new ModelChooser({ random: mulberry32(2) });
  const seen = new Set<string>();
  const records: PreferredRecord[] = [];
  for (let index = 0; index < 60; index += 1) {
    const result = chooser.choose({ ...request, preference: 'cheapest' }, [ready('openai', 'gpt-4.1-nano')]);
    records.push(...result.records);
    if (result.ok) seen.add(result.choice.armId);
  }
  const arm = chooser
    .router('cheapest')
    .arms()
    .find((entry) => entry.id === 'openai:gpt-4.1-nano');
  expect(arm).toMatchObject({
    provider: 'openai',
    model: 'gpt-4.1-nano',
    inputPricePerMillion: 0.1,
    outputPricePerMillion: 0.4,
  });
  expect(seen.has('openai:gpt-4.1-nano')).toBe(true);
  // Added once: the records say so once.
  expect(records.filter((entry) => entry.record.type === 'route-arm-set')).toHaveLength(1);
});

test('an OpenAI-compatible endpoint is used with its current model only', () => {
  const chooser = new ModelChooser({ random: mulberry32(3) });
  chooser.choose(request, [ready('openai-compatible', 'llama-3.1-8b')]);
  const result = chooser.choose(request, [ready('openai-compatible', 'qwen-2.5-coder')]);
  expect(result).toMatchObject({ ok: true, choice: { provider: 'openai-compatible', model: 'qwen-2.5-coder' } });
});
