/**
 * Models retire: the catalog carries the day, taken from the provider's SDK where it
 * lists end-of-life dates; from that day the model is never routed to; a catalog model
 * the provider's own list (Settings › Fetch models) lacks is not offered for that key.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { ModelChooser } from '../../../worker/orchestrator/model-choice.ts';
import { catalog, isRetired, listedAs, unavailableModels } from '../../../worker/providers/catalog.ts';
import type { ProviderReady } from '../../../worker/providers/contract/provider-service-api.ts';
import { ProviderService } from '../../../worker/providers/provider-service.ts';
import { mulberry32 } from '../../../worker/router/index.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { retirement } from '../../../web/format/retirement.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const day = (date: string) => Date.parse(`${date}T00:00:00Z`);
const months = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** The Anthropic SDK's own end-of-life table (it warns with it at each call), as YYYY-MM-DD. */
function sdkEndOfLife(): Map<string, string> {
  const sdk = createRequire(import.meta.url).resolve('@anthropic-ai/sdk');
  const text = readFileSync(join(sdk, '..', 'internal', 'data', 'deprecated-models.js'), 'utf8');
  const dates = new Map<string, string>();
  for (const [, model, month, date, year] of text.matchAll(/'([^']+)':\s*'(\w+) (\d+)\w*, (\d{4})'/g)) {
    const index = months.indexOf(month ?? '');
    if (model && index >= 0)
      dates.set(model, `${year}-${String(index + 1).padStart(2, '0')}-${String(date).padStart(2, '0')}`);
  }
  return dates;
}

test('the catalog retires every model the Anthropic SDK lists as reaching end of life, on its day', () => {
  const endOfLife = sdkEndOfLife();
  expect(endOfLife.size).toBeGreaterThan(0);
  for (const entry of catalog.filter((model) => model.provider === 'anthropic')) {
    expect(entry.retiresOn, entry.id).toBe(endOfLife.get(entry.id));
  }
});

test('a model is retired from the first moment of its day (UTC), not before', () => {
  expect(isRetired('anthropic', 'claude-sonnet-4-5', day('2026-11-30') - 1)).toBe(false);
  expect(isRetired('anthropic', 'claude-sonnet-4-5', day('2026-11-30'))).toBe(true);
  expect(isRetired('anthropic', 'claude-sonnet-4-5-20250929', day('2027-01-01'))).toBe(true);
  expect(isRetired('anthropic', 'claude-haiku-4-5', day('2030-01-01'))).toBe(false);
  expect(isRetired('openai', 'a-model-nobody-lists', day('2030-01-01'))).toBe(false);
  expect(listedAs('gpt-5-mini-2025-08-07', 'gpt-5-mini')).toBe(true);
  expect(listedAs('claude-sonnet-4-5-20250929', 'claude-sonnet-4-5')).toBe(true);
  expect(listedAs('gpt-5-mini', 'gpt-5')).toBe(false);
  expect(listedAs('gpt-5-mini-2025-08-07', 'gpt-5')).toBe(false);
  expect(retirement('2026-11-30', day('2026-11-29'))).toBe('retires 2026-11-30');
  expect(retirement('2026-11-30', day('2026-12-01'))).toBe('retired 2026-11-30, not used');
});

const request = {
  taskType: 'backend-code',
  preference: 'best quality' as const,
  inputTokens: 3000,
  outputTokens: 2000,
  attempt: 1,
  budgetRemainingUsd: 100,
};

test('a retired model is never routed to; before its day it is', () => {
  const readyAt = (now: number): ProviderReady[] => [
    {
      provider: 'anthropic',
      ready: true,
      detail: 'Key stored on this device.',
      unavailableModels: unavailableModels('anthropic', now),
    },
  ];
  const chosen = (now: number) => {
    const chooser = new ModelChooser({ random: mulberry32(5) });
    const models = new Set<string>();
    for (let round = 0; round < 300; round++) {
      const result = chooser.choose(request, readyAt(now));
      if (!result.ok) throw new Error(result.message);
      models.add(result.choice.model);
      chooser.router(request.preference).cancel(result.choice.decision);
    }
    return models;
  };
  expect(chosen(day('2026-11-01'))).toContain('claude-sonnet-4-5');
  const after = chosen(day('2026-12-01'));
  expect(after).not.toContain('claude-sonnet-4-5');
  expect(after.size).toBeGreaterThan(0);
});

test('after Fetch models, catalog models the provider did not list for the key are never routed to', async () => {
  const db = new OrchestraDb(`retire-${Date.now()}`);
  const service = new ProviderService(db, { appOrigin: '', now: () => day('2026-12-07') });
  await service.updateConfig('openai', { baseUrl: sim.baseUrl('openai') });
  await service.keys.set('openai', 'sk-test-retire-0000000000');
  expect((await service.readiness()).find((entry) => entry.provider === 'openai')?.listedModels).toBeUndefined();
  // The simulator lists gpt-4.1-nano and gpt-5-mini only.
  const listed = await service.fetchModels('openai', new AbortController().signal);
  expect(listed.map((model) => model.id)).toEqual(['gpt-4.1-nano', 'gpt-5-mini']);
  const readiness = await service.readiness();
  expect(readiness.find((entry) => entry.provider === 'openai')?.listedModels).toEqual(['gpt-4.1-nano', 'gpt-5-mini']);
  const chooser = new ModelChooser({ random: mulberry32(9) });
  for (let round = 0; round < 200; round++) {
    const result = chooser.choose(request, readiness);
    if (!result.ok) throw new Error(result.message);
    expect(result.choice.model).toBe('gpt-5-mini');
    chooser.router(request.preference).cancel(result.choice.decision);
  }
  // Anthropic's retired model is marked for every key, listed or not.
  await service.keys.set('anthropic', 'sk-ant-test-retire-000000');
  const anthropic = (await service.readiness()).find((entry) => entry.provider === 'anthropic');
  expect(anthropic?.unavailableModels).toEqual(['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929']);
});
