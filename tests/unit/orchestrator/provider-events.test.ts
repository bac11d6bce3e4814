import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { describeEvent } from '../../../worker/query/index.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { files } from '../../sim/team-answers.ts';
import { engineWithTeam, scriptDefaultTeam, waitFor } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => sim.respond('openai', undefined));

async function run(codeGenerator: Parameters<typeof scriptDefaultTeam>[1]) {
  const { api } = await engineWithTeam(sim);
  scriptDefaultTeam(sim, codeGenerator);
  const created = await api.createProject({ name: 'Flaky', description: 'Notes.', autoApprove: true });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  await api.openProject(projectId);
  await api.startRun(projectId);
  return { api, projectId };
}

test('a retried call is a line in its project’s feed, with the wait the provider asked for', async () => {
  const { api, projectId } = await run({
    'code-generator': (_request, nth) =>
      nth === 1 ? { kind: 'rate-limited', retryAfterSeconds: 1 } : { kind: 'json', value: files.api(nth > 2) },
  });
  await waitFor(api, projectId, (view) => view.tasks.find((task) => task.taskId === 'api')?.status === 'done');
  const events = await api.readEvents(projectId, 1, 1e9);
  if (!events.ok) throw new Error(events.message);
  const retries = events.value.filter((event) => event.type === 'call-retry');
  expect(retries).toHaveLength(1);
  expect(retries[0]?.payload).toMatchObject({
    taskId: 'api',
    provider: 'openai',
    kind: 'rate_limited',
    delayMs: 1000,
    fromRetryAfter: true,
  });
  expect(retries[0] && describeEvent(retries[0])).toBe(
    'OpenAI call 1 failed (it limits how fast this key may call); retrying in 1.0 s, as it asked.',
  );
});

test('a provider failing again and again opens its circuit, and the running project hears of it', async () => {
  const { api, projectId } = await run({ 'code-generator': { kind: 'overloaded' } });
  const paused = await waitFor(api, projectId, (view) => view.project.runStatus === 'paused', 30_000);
  // With its only provider paused, no model can take the next call: the run says which
  // provider, and to wait (issue 20: not "a task failed").
  expect(paused.project.pauseKind).toBe('no-model');
  expect(paused.project.pauseReason).toContain('OpenAI (GPT) is paused for a minute after repeated failures');
  const events = await api.readEvents(projectId, 1, 1e9);
  if (!events.ok) throw new Error(events.message);
  const changes = events.value.filter((event) => event.type === 'breaker-change');
  expect(changes.map((event) => event.payload.to)).toContain('open');
  const opened = changes.find((event) => event.payload.to === 'open');
  expect(opened && describeEvent(opened)).toMatch(
    /^OpenAI failed 5 times in a row: Orchestra leaves it alone for 30 s, then tries one call\.$/,
  );
}, 40_000);
