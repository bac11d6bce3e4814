/**
 * A refusal is an outcome of that model on that task: the router learns it, the task goes
 * once to another model, and when none will take it the run pauses with the provider's
 * own sentence and the way to edit the task. A blocked prompt is not sent again at all.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createWorkerApi } from '../../../worker/api.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import type { OrchestraEvent } from '../../../worker/events/catalog.ts';
import { readLog } from '../../../worker/events/log-table.ts';
import { refusalsFromLog } from '../../../worker/orchestrator/refusal-memory.ts';
import { ProviderService } from '../../../worker/providers/provider-service.ts';
import { mulberry32 } from '../../../worker/router/index.ts';
import { builderAnswer, files } from '../../sim/team-answers.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { roleOf } from '../../sim/agent-script.ts';
import { approvedRun, engineWithTeam, scriptDefaultTeam, waitFor } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const modelOf = (body: unknown) => (body as { model?: string }).model;

test('a refused task goes once to another model, and the router observes the refusal', async () => {
  const { api, db } = await engineWithTeam(sim);
  const mark = sim.requests.length;
  scriptDefaultTeam(sim, {
    'code-generator': (request, nth) =>
      nth === 1 ? { kind: 'fixture', name: 'openai-refusal' } : builderAnswer(request),
  });
  const projectId = await approvedRun(api, { name: 'Notes', description: 'A notes service with a page.' });
  const finished = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped', 30_000);
  expect(finished.tasks.every((task) => task.status === 'done' || task.status === 'cancelled')).toBe(true);

  const builders = sim.requests.slice(mark).filter((request) => roleOf(request) === 'code-generator');
  const [refusedModel, nextModel] = builders.map((request) => modelOf(request.body));
  expect(nextModel).toBeDefined();
  expect(nextModel).not.toBe(refusedModel);

  const events = await readLog(db, projectId);
  const failure = events.find((event) => event.type === 'task-fail' && event.payload.kind === 'refused');
  expect(failure?.type === 'task-fail' && failure.payload.message).toContain(
    "I'm sorry, I can't help with that request.",
  );
  expect(failure?.type === 'task-fail' && failure.payload.retryable).toBe(true);
  const observed = events.filter(
    (event) =>
      event.type === 'route-record' &&
      event.payload.record.type === 'route-observe' &&
      event.payload.record.outcome.quality === 0,
  );
  expect(observed.length).toBeGreaterThanOrEqual(1);
});

test('a task every model declines pauses the run with the provider’s words; a retry with new instructions runs it', async () => {
  const { api, db } = await engineWithTeam(sim);
  let declining = true;
  scriptDefaultTeam(sim, {
    'ui-designer': () => (declining ? { kind: 'fixture', name: 'openai-refusal' } : { kind: 'json', value: files.ui }),
  });
  const projectId = await approvedRun(api, { name: 'Notes', description: 'A notes service with a page.' });
  const paused = await waitFor(api, projectId, (view) => view.project.runStatus === 'paused', 15_000);
  expect(paused.project.pauseReason).toContain("I'm sorry, I can't help with that request.");
  expect(paused.project.pauseReason).toContain('Edit the task’s instructions');
  const declined = paused.tasks.find((task) => task.status === 'failed');
  expect(declined?.lastError?.kind).toBe('refused');
  const refusals = (await readLog(db, projectId)).filter(
    (event) => event.type === 'task-fail' && event.payload.kind === 'refused',
  );
  // Once on the first model, once on another: then the person decides.
  expect(refusals.length).toBe(2);

  declining = false;
  if (!declined) return;
  const retried = await api.retryTask(projectId, declined.taskId, 'Style the page with plain CSS, nothing else.');
  expect(retried.ok).toBe(true);
  const done = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped', 15_000);
  const task = done.tasks.find((row) => row.taskId === declined.taskId);
  expect(task?.status).toBe('done');
  expect(task?.instructions).toBe('Style the page with plain CSS, nothing else.');
});

test('after a reload the models that declined a task are still not asked again', async () => {
  const name = `refusal-reload-${Date.now()}`;
  // Attempts to spare, so that only the memory of who declined can pause the run.
  const limits = { maxAttempts: 8 };
  const first = await engineWithTeam(sim, limits, name);
  const mark = sim.requests.length;
  // The page declines on the first model; the attempt on the next model hangs until the tab closes.
  scriptDefaultTeam(sim, {
    'ui-designer': (_request, nth) =>
      nth === 1 ? { kind: 'fixture', name: 'openai-refusal' } : { kind: 'hang', after: 'request' },
  });
  const projectId = await approvedRun(first.api, { name: 'Notes', description: 'A notes service with a page.' });
  const designers = () => sim.requests.slice(mark).filter((request) => roleOf(request) === 'ui-designer');
  await waitFor(first.api, projectId, () => designers().length >= 2, 20_000);
  const [declinedBy, hungOn] = designers().map((request) => modelOf(request.body));
  expect(hungOn).not.toBe(declinedBy);

  // The tab closes; a new engine opens the same database, and every model now declines the page.
  scriptDefaultTeam(sim, { 'ui-designer': { kind: 'fixture', name: 'openai-refusal' } });
  const db = new OrchestraDb(name);
  const second = createWorkerApi({
    db,
    engine: createEngine(db),
    storage: undefined,
    providers: (options) => Promise.resolve(new ProviderService(db, options)),
    orchestrator: { limits, random: mulberry32(3), templateDelayMs: 0 },
  });
  expect((await second.openProject(projectId)).ok).toBe(true);
  const paused = await waitFor(second, projectId, (view) => view.project.runStatus === 'paused', 20_000);
  expect(paused.project.pauseReason).toContain("I'm sorry, I can't help with that request.");
  const afterReload = designers()
    .slice(2)
    .map((request) => modelOf(request.body));
  // The interrupted attempt runs again and is declined: two models have declined, so the
  // run pauses. Forgetting the first refusal would send the page to a third model.
  expect(afterReload).not.toContain(declinedBy);
  expect(afterReload.length).toBe(1);
  const refusals = (await readLog(db, projectId)).filter(
    (event) => event.type === 'task-fail' && event.payload.kind === 'refused',
  );
  expect(refusals.length).toBe(2);
});

test('the refusals read back from the log: arms from the reservations, forgotten on the person’s retry', () => {
  const at = (seq: number, type: string, payload: object, actor: object = { kind: 'system', component: 'x' }) =>
    ({ seq, type, payload, actor }) as unknown as OrchestraEvent;
  const log = [
    at(1, 'cost-reserve', { reservationId: 'r1', taskId: 'ui', armId: 'gpt-5-mini', maxUsd: 1 }),
    at(2, 'task-fail', { taskId: 'ui', attempt: 1, kind: 'refused', message: 'No.', retryable: true }),
    at(3, 'cost-reserve', { reservationId: 'r2', taskId: 'ui', armId: 'gpt-5', maxUsd: 1 }),
    at(4, 'task-fail', {
      taskId: 'ui',
      attempt: 2,
      kind: 'refused',
      message: 'Still no. No other model can take this task.',
      retryable: false,
    }),
    at(5, 'cost-reserve', { reservationId: 'r3', taskId: 'api', armId: 'gpt-5-nano', maxUsd: 1 }),
    at(6, 'task-fail', { taskId: 'api', attempt: 1, kind: 'refused', message: 'Nope.', retryable: true }),
    at(7, 'task-fail', { taskId: 'tests', attempt: 1, kind: 'network', message: 'Down.', retryable: true }),
  ];
  const refusals = refusalsFromLog(log);
  expect([...refusals.keys()].sort()).toEqual(['api', 'ui']);
  expect(refusals.get('ui')).toEqual({ arms: new Set(['gpt-5-mini', 'gpt-5']), message: 'Still no.' });
  const retried = refusalsFromLog([...log, at(8, 'task-retry', { taskId: 'ui', reason: 'r' }, { kind: 'user' })]);
  expect([...retried.keys()]).toEqual(['api']);
  // The runner's own retry (to another model) forgets nothing.
  const system = refusalsFromLog([...log, at(8, 'task-retry', { taskId: 'api', reason: 'r' })]);
  expect(system.get('api')?.arms).toEqual(new Set(['gpt-5-nano']));
});
