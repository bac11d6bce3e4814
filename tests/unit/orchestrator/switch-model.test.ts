/**
 * "Switch model" (issue 19): a call that has had no answer for a while is stopped, and
 * its task runs again on another model, the silent one left out for that attempt.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readLog } from '../../../worker/events/log-table.ts';
import { roleOf } from '../../sim/agent-script.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { builderAnswer } from '../../sim/team-answers.ts';
import { approvedRun, engineWithTeam, scriptDefaultTeam, waitFor } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const modelOf = (body: unknown) => (body as { model?: string }).model;

test('switching model stops the silent call and runs the task again on another model', async () => {
  const { api, db } = await engineWithTeam(sim);
  const mark = sim.requests.length;
  // The code generator's first call is never answered; any later one is.
  scriptDefaultTeam(sim, {
    'code-generator': (request, nth) => (nth === 1 ? { kind: 'hang', after: 'request' } : builderAnswer(request)),
  });
  const projectId = await approvedRun(api, { name: 'Notes', description: 'A notes service with a page.' });
  const builders = () => sim.requests.slice(mark).filter((request) => roleOf(request) === 'code-generator');
  await expect.poll(() => builders().length, { timeout: 10_000 }).toBe(1);
  const silentModel = modelOf(builders()[0]?.body);

  // Not a task that is running: refused with a sentence.
  const wrong = await api.switchModel(projectId, 'review');
  expect(wrong.ok).toBe(false);

  const switched = await api.switchModel(projectId, 'api');
  expect(switched).toEqual({ ok: true, value: undefined });
  const finished = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped', 30_000);
  expect(finished.tasks.find((task) => task.taskId === 'api')?.status).toBe('done');

  // The silent call was cut on the wire, and the next went to another model.
  expect(builders()[0]?.aborted).toBe(true);
  const next = builders()[1];
  expect(modelOf(next?.body)).toBeDefined();
  expect(modelOf(next?.body)).not.toBe(silentModel);

  const events = await readLog(db, projectId);
  const interrupt = events.find((event) => event.type === 'task-interrupt' && event.payload.taskId === 'api');
  expect(interrupt?.type === 'task-interrupt' && interrupt.payload.reason).toMatch(/^No answer from .+: you switched/);
  const starts = events.filter((event) => event.type === 'task-start' && event.payload.taskId === 'api');
  expect(starts.map((event) => event.type === 'task-start' && event.payload.attempt)).toEqual([1, 2]);
});
