/**
 * A refusal is an outcome of that model on that task: the router learns it, the task goes
 * once to another model, and when none will take it the run pauses with the provider's
 * own sentence and the way to edit the task. A blocked prompt is not sent again at all.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readLog } from '../../../worker/events/log-table.ts';
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
