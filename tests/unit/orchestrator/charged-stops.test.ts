/**
 * A call stopped before any of its answer arrived is still paid for (issue 19): its
 * request went out, and the provider bills the input it read whether or not a word came
 * back. Switch model, cancel and emergency stop all cut calls this way; the log must
 * charge what was sent (an estimate, marked as one), not give the reservation back.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readLog } from '../../../worker/events/log-table.ts';
import type { OrchestraEvent } from '../../../worker/events/catalog.ts';
import { roleOf } from '../../sim/agent-script.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { builderAnswer } from '../../sim/team-answers.ts';
import { approvedRun, engineWithTeam, scriptDefaultTeam, waitFor } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ promptCache: true });
});
afterAll(() => sim.close());

/** How the reservation `reservationId` was closed: its settle or release. */
function closing(events: OrchestraEvent[], reservationId: string) {
  return events.find(
    (event) =>
      (event.type === 'cost-settle' || event.type === 'cost-release') && event.payload.reservationId === reservationId,
  );
}

test('a call switched away from before its first word is charged the input it sent', async () => {
  const { api, db } = await engineWithTeam(sim);
  const firstRequest = sim.requests.length;
  const firstBill = sim.bills.length;
  // The code generator's first call is taken (the response begins) but its first word
  // would come only after 15 s; any later call answers at once.
  scriptDefaultTeam(sim, {
    'code-generator': (request, nth) =>
      nth === 1 ? { ...builderAnswer(request), firstTokenMs: 15_000 } : builderAnswer(request),
  });
  const projectId = await approvedRun(api, { name: 'Notes', description: 'A notes service with a page.' });
  const builders = () => sim.requests.slice(firstRequest).filter((request) => roleOf(request) === 'code-generator');
  await expect.poll(() => builders().length, { timeout: 10_000 }).toBe(1);
  // The simulator has billed the silent call's input (it bills as the response begins).
  const silentModel = (builders()[0]?.body as { model?: string }).model;
  await expect
    .poll(
      () => sim.bills.slice(firstBill).filter((bill) => bill.model === silentModel && bill.outputTokens === 0).length,
    )
    .toBeGreaterThan(0);

  expect((await api.switchModel(projectId, 'api')).ok).toBe(true);
  await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped', 30_000);
  expect(builders()[0]?.aborted).toBe(true);

  const events = await readLog(db, projectId);
  const reserve = events.find((event) => event.type === 'cost-reserve' && event.payload.taskId === 'api');
  if (reserve?.type !== 'cost-reserve') throw new Error('The api task reserved nothing.');
  const close = closing(events, reserve.payload.reservationId);
  expect(close?.type).toBe('cost-settle');
  if (close?.type !== 'cost-settle') return;
  expect(close.payload.estimated).toBe(true);
  expect(close.payload.outputTokens).toBe(0);
  // What the simulator billed for the silent call: at least that much input is charged.
  const billed = sim.bills.slice(firstBill).find((bill) => bill.model === silentModel && bill.outputTokens === 0);
  expect(billed).toBeDefined();
  expect(close.payload.inputTokens).toBeGreaterThanOrEqual(billed?.inputTokens ?? Infinity);
  expect(close.payload.actualUsd).toBeGreaterThan(0);
});

test('an emergency stop charges the calls it cut before their first word', async () => {
  const { api, db } = await engineWithTeam(sim);
  const firstRequest = sim.requests.length;
  scriptDefaultTeam(sim, {
    'code-generator': (request) => ({ ...builderAnswer(request), firstTokenMs: 15_000 }),
  });
  const projectId = await approvedRun(api, { name: 'Notes', description: 'A notes service with a page.' });
  const builders = () => sim.requests.slice(firstRequest).filter((request) => roleOf(request) === 'code-generator');
  await expect.poll(() => builders().length, { timeout: 10_000 }).toBeGreaterThan(0);
  const cut = builders().length;
  expect((await api.emergencyStop(projectId)).ok).toBe(true);
  await waitFor(api, projectId, (view) => view.project.reservedUsd === 0);

  // Every builder request that reached the simulator was cut (it hears of that a moment later).
  const received = builders().length;
  expect(received).toBeGreaterThanOrEqual(cut);
  await expect.poll(() => builders().filter((request) => request.aborted).length).toBe(received);
  const events = await readLog(db, projectId);
  // Each was charged at an estimate of its input. (A call stopped before it was sent is
  // given back: nothing reached the provider.)
  const estimated = events.filter((event) => event.type === 'cost-settle' && event.payload.estimated);
  expect(estimated.length).toBeGreaterThanOrEqual(received);
  for (const settle of estimated) {
    if (settle.type === 'cost-settle') expect(settle.payload.inputTokens).toBeGreaterThan(0);
  }
});
