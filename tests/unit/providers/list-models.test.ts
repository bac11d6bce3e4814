import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { workerApiWithProviders } from './worker-api.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

test('"Fetch models" says whether the endpoint was asked, and why not when it could not be', async () => {
  const api = workerApiWithProviders(new OrchestraDb(`list-models-${Date.now()}`));
  await api.updateProvider('openai', { baseUrl: sim.baseUrl('openai') });
  await api.setKey('openai', 'sk-test-list-models-000000000000');

  const listed = await api.listModels('openai');
  expect(listed).toMatchObject({ ok: true, value: { fetched: true, problem: null } });
  // The simulator lists gpt-5-mini and gpt-4.1-nano for this key: catalog models it lacks are not offered.
  expect(listed.ok && listed.value.models.map((model) => model.id)).toEqual(['gpt-5-mini', 'gpt-4.1-nano']);

  sim.enqueue('openai', { kind: 'auth' });
  const refused = await api.listModels('openai');
  expect(refused).toMatchObject({ ok: true, value: { fetched: false } });
  expect(refused.ok && refused.value.problem).toMatch(/key/i);
  expect(refused.ok && refused.value.models.length).toBeGreaterThan(0);

  // An OpenAI-compatible endpoint has no catalog to fall back on: its failure is the answer.
  await api.updateProvider('openai-compatible', { baseUrl: sim.baseUrl('openai-compatible') });
  await api.setKey('openai-compatible', 'sk-test-compatible-0000000000');
  sim.enqueue('openai-compatible', { kind: 'auth' });
  expect(await api.listModels('openai-compatible')).toMatchObject({ ok: false, kind: 'provider' });
});
