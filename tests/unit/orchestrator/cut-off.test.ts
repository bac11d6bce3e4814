import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { builderAnswer } from '../../sim/team-answers.ts';
import { approvedRun, engineWithTeam, scriptDefaultTeam, summary, waitFor } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.respond('openai', undefined);
});

test('an answer cut off mid-stream is said to be cut off, and the task runs again from the start', async () => {
  const { api } = await engineWithTeam(sim);
  scriptDefaultTeam(sim, {
    'code-generator': (request, nth) =>
      nth === 1
        ? { kind: 'truncated', text: 'the first half of an answer that never finished arriving here' }
        : builderAnswer(request),
  });
  const projectId = await approvedRun(api, { name: 'Notes', description: 'A notes service with a page.' });
  const finished = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped');
  expect(summary(finished).tasks).toContain('api:done:2');
  const events = await api.readEvents(projectId, 1, Number.MAX_SAFE_INTEGER);
  if (!events.ok) throw new Error(events.message);
  const failure = events.value.find((event) => event.type === 'task-fail');
  expect(failure?.type === 'task-fail' && failure.payload).toMatchObject({
    taskId: 'api',
    kind: 'cut_off',
    retryable: true,
  });
  const message = failure?.type === 'task-fail' ? failure.payload.message : '';
  expect(message).toMatch(/was cut off before it was complete/);
  expect(message).not.toMatch(/key was rejected|network blocked/);
  // Its partial text was paid for: the cut call's estimated usage is settled, not given back.
  const apiReservations = events.value.filter(
    (event) => event.type === 'cost-reserve' && event.payload.taskId === 'api',
  );
  const settled = new Set(
    events.value.flatMap((event) => (event.type === 'cost-settle' ? [event.payload.reservationId] : [])),
  );
  expect(apiReservations).toHaveLength(2);
  for (const reserve of apiReservations) {
    if (reserve.type === 'cost-reserve') expect(settled.has(reserve.payload.reservationId)).toBe(true);
  }
});
