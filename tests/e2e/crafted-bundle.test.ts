/**
 * Issue 14, finding 1, in a real page: a bundle crafted to reprice every model to zero and
 * to teach that o1-pro is perfect is imported through the Data screen (with "learn from
 * it" on, the most trusting choice), the tab reloads so the routers are rebuilt from every
 * project's records, and a project with a $0.05 budget runs against the simulator. Every
 * call goes to a catalog model, is reserved and settled at the catalog's prices, and the
 * budget holds; the old code sent every call to o1-pro and showed "$0.00 spent". The run
 * ends with the tests run in Pyodide, which takes a minute on a busy machine.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { OrchestraEvent } from '../../worker/events/catalog.ts';
import { defaultCatalog } from '../../worker/router/index.ts';
import { roleOf, scriptTeam } from '../sim/agent-script.ts';
import { craftedBundle } from '../sim/crafted-bundle.ts';
import type { Simulator } from '../sim/simulator.ts';
import { builderAnswer, files, passingReview, teamPlan } from '../sim/team-answers.ts';
import { configureProvider } from './harness/provider-settings.ts';
import type { RunningServer } from './harness/server.ts';
import { startSimulatedServer, stopSimulatedServer } from './harness/simulated-server.ts';
import { expect, test } from './harness/fixtures.ts';

let sim: Simulator;
let server: RunningServer;
beforeAll(async () => ({ sim, server } = await startSimulatedServer()));
afterAll(() => stopSimulatedServer({ sim, server }));

const budgetUsd = 0.05;
const catalog = new Map(defaultCatalog.map((arm) => [arm.id, arm]));
const runStatus = (page: Page) => page.getByTestId('run-status').getAttribute('data-status');

async function exportedEvents(page: Page, name: string): Promise<OrchestraEvent[]> {
  await page.goto(`${server.url}/data`);
  const row = page.getByTestId('project-usage').locator('tbody tr', { hasText: name });
  const downloading = page.waitForEvent('download');
  await row.getByRole('button', { name: 'Export' }).click();
  const file = await (await downloading).path();
  return (JSON.parse(await readFile(file, 'utf8')) as { events: OrchestraEvent[] }).events;
}

test('after importing a bundle crafted like finding 1, every call is reserved and settled at catalog prices and the budget holds', async ({
  profile,
}) => {
  const { page } = profile;
  const bundle = await craftedBundle();
  await page.goto(`${server.url}/settings`);
  await configureProvider(page, 'openai', sim.baseUrl('openai'), 'sk-proj-E2eCraftedBundle-0123456789abcdef');

  await page.goto(`${server.url}/data`);
  await page.getByTestId('import-learn-routing').check();
  await page.getByLabel('Import a project (.orchestra.json)').setInputFiles({
    name: 'looks-harmless.orchestra.json',
    mimeType: 'application/json',
    buffer: Buffer.from(bundle),
  });
  await expect
    .poll(() => page.getByTestId('storage-notice').textContent())
    .toMatch(/^Imported a project with \d+ events\.$/);
  // A new worker: the routers are rebuilt from the records of every project on the device.
  await page.reload();

  const mark = sim.requests.length;
  scriptTeam(sim, 'openai', {
    'project-manager': { kind: 'json', value: teamPlan },
    'code-generator': (request) => builderAnswer(request),
    'ui-designer': { kind: 'json', value: files.ui },
    'test-writer': { kind: 'json', value: files.tests },
    debugger: { kind: 'json', value: passingReview },
  });
  await page.goto(`${server.url}/new`);
  await page.getByLabel('Name').fill('Budgeted');
  await page.getByLabel('Description').fill('A notes service with a small web page.');
  await page.getByLabel('Budget (USD)').fill(String(budgetUsd));
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(/\/run\?project=/);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.getByTestId('plan-review').waitFor();
  await page.getByRole('button', { name: 'Approve plan', exact: true }).click();
  await expect.poll(() => runStatus(page), { timeout: 240_000 }).toMatch(/^(stopped|paused)$/);
  const meter = (await page.getByTestId('budget-meter').textContent()) ?? '';

  const calls = sim.requests.slice(mark).filter((request) => roleOf(request) !== undefined);
  const models = calls.map((request) => (request.body as { model?: string }).model);
  expect(models.length).toBeGreaterThan(0);
  expect(models).not.toContain('o1-pro');
  for (const model of models)
    expect(
      [...catalog.values()].some((arm) => (arm.model ?? arm.id) === model),
      model,
    ).toBe(true);

  const events = await exportedEvents(page, 'Budgeted');
  const reserves = events.flatMap((event) => (event.type === 'cost-reserve' ? [event.payload] : []));
  const settles = events.flatMap((event) => (event.type === 'cost-settle' ? [event.payload] : []));
  expect(reserves.length).toBe(settles.length);
  expect(reserves.length).toBeGreaterThanOrEqual(models.length);
  const reserved = new Map(reserves.map((reserve) => [reserve.reservationId, reserve]));
  let spent = 0;
  for (const settle of settles) {
    const reserve = reserved.get(settle.reservationId);
    const arm = catalog.get(reserve?.armId ?? '');
    expect(arm, `reservation ${settle.reservationId} names a catalog model`).toBeDefined();
    if (!arm || !reserve) continue;
    const atCatalog =
      (settle.inputTokens * arm.inputPricePerMillion + settle.outputTokens * arm.outputPricePerMillion) / 1_000_000;
    expect(settle.actualUsd).toBeCloseTo(atCatalog, 9);
    expect(settle.actualUsd).toBeGreaterThan(0);
    expect(reserve.maxUsd, 'a reservation is a true upper bound at catalog prices').toBeGreaterThanOrEqual(
      settle.actualUsd,
    );
    spent += settle.actualUsd;
  }
  expect(spent).toBeGreaterThan(0);
  expect(spent).toBeLessThanOrEqual(budgetUsd + 1e-9);
  // The meter shows what the catalog billed, never "$0.00 spent".
  expect(meter).toContain(`$${spent.toFixed(4)} spent`);
  expect(meter).not.toContain('$0.00 spent');
}, 360_000);
