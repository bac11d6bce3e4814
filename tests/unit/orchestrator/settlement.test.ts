import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readLog } from '../../../worker/events/log-table.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { approvedRun, engineWithTeam, scriptDefaultTeam, waitFor } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

test('an answered call is settled in the same append as its completion, just ahead of it', async () => {
  const { api, db } = await engineWithTeam(sim);
  scriptDefaultTeam(sim);
  const projectId = await approvedRun(api, { name: 'Notes', description: 'A notes service with a page.' });
  const finished = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped');
  expect(finished.project.reservedUsd).toBe(0);

  const events = await readLog(db, projectId);
  const completions = events.filter((event) => event.type === 'task-complete');
  expect(completions.length).toBeGreaterThan(0);
  for (const completion of completions) {
    const batch = events.filter((event) => event.correlationId === completion.correlationId);
    const settle = batch.findIndex((event) => event.type === 'cost-settle');
    expect(settle, `the settlement travels with ${completion.payload.taskId}'s completion`).toBeGreaterThanOrEqual(0);
    expect(settle).toBeLessThan(batch.indexOf(completion));
  }
  // Every reservation was settled or released exactly once.
  const reserved = events.flatMap((event) => (event.type === 'cost-reserve' ? [event.payload.reservationId] : []));
  const closed = events.flatMap((event) =>
    event.type === 'cost-settle' || event.type === 'cost-release' ? [event.payload.reservationId] : [],
  );
  expect(closed.sort()).toEqual(reserved.sort());
});
