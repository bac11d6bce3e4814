import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eventsOfType } from '../../../worker/events/log-table.ts';
import { defaultCatalog } from '../../../worker/router/index.ts';
import { craftedBundle } from '../../sim/crafted-bundle.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { approvedRun, engineWithTeam, scriptDefaultTeam, waitFor } from '../orchestrator/helpers.ts';

/*
 * Finding 1, end to end in the engine: a bundle whose routing records add o1-pro at a
 * price of zero, reprice every catalog model to zero and teach that o1-pro is perfect is
 * imported; a project with a $0.05 budget then runs on that device. Every call must go to
 * a catalog model, be reserved and settled at the catalog's prices, and the budget hold.
 */

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const catalogPrices = new Map(defaultCatalog.map((arm) => [arm.id, arm]));

test.each([false, true])(
  'after importing a bundle crafted like finding 1 (learn from it: %s), every call is reserved and settled at catalog prices within the budget',
  async (learnRouting) => {
    const text = await craftedBundle();
    const { api, db } = await engineWithTeam(sim);
    scriptDefaultTeam(sim);
    const imported = await api.importProject(text, { asCopy: false, learnRouting });
    expect(imported.ok).toBe(true);

    const requestsBefore = sim.requests.length;
    const projectId = await approvedRun(api, {
      name: 'Budgeted',
      description: 'A notes service with a page.',
      budgetUsd: 0.05,
    });
    const finished = await waitFor(api, projectId, (view) => view.project.runStatus !== 'running', 30_000);

    const models = sim.requests.slice(requestsBefore).map((request) => (request.body as { model?: string }).model);
    expect(models.length).toBeGreaterThan(0);
    expect(models).not.toContain('o1-pro');

    const reserves = (await eventsOfType(db, 'cost-reserve')).filter((event) => event.projectId === projectId);
    const settles = (await eventsOfType(db, 'cost-settle')).filter((event) => event.projectId === projectId);
    expect(reserves.length).toBeGreaterThan(0);
    const armOf = new Map(reserves.map((event) => [event.payload.reservationId, event.payload.armId]));
    for (const event of reserves) expect(event.payload.armId).not.toMatch(/o1-pro/);
    for (const settle of settles) {
      const arm = catalogPrices.get(armOf.get(settle.payload.reservationId) ?? '');
      if (!arm) continue;
      const atCatalog =
        (settle.payload.inputTokens * arm.inputPricePerMillion +
          settle.payload.outputTokens * arm.outputPricePerMillion) /
        1_000_000;
      expect(settle.payload.actualUsd).toBeCloseTo(atCatalog, 9);
      expect(settle.payload.actualUsd).toBeGreaterThan(0);
    }
    const spent = settles.reduce((sum, event) => sum + event.payload.actualUsd, 0);
    expect(spent).toBeLessThanOrEqual(0.05 + 1e-9);
    expect(finished.project.spentUsd).toBeCloseTo(spent, 9);
    for (const event of reserves) expect(event.payload.maxUsd).toBeGreaterThan(0);
  },
  60_000,
);
