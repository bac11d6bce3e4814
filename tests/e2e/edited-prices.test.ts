/**
 * Issue 15, "prices are editable in Settings and the edit is an event", in a real page: the
 * person gives OpenAI's models prices of their own in Settings (a bad value is refused
 * with a sentence), reloads and finds them kept, then runs a project against the provider
 * simulator: every call is reserved and settled at the edited prices, the Router & costs
 * view shows them, and the project's export holds no price edit.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { OrchestraEvent } from '../../worker/events/catalog.ts';
import { catalog } from '../../worker/providers/catalog.ts';
import { defaultCatalog } from '../../worker/router/index.ts';
import { roleOf, scriptTeam } from '../sim/agent-script.ts';
import type { Simulator } from '../sim/simulator.ts';
import { passingReview } from '../sim/team-answers.ts';
import { configureProvider } from './harness/provider-settings.ts';
import type { RunningServer } from './harness/server.ts';
import { startSimulatedServer, stopSimulatedServer } from './harness/simulated-server.ts';
import { expect, test } from './harness/fixtures.ts';

let sim: Simulator;
let server: RunningServer;
beforeAll(async () => ({ sim, server } = await startSimulatedServer()));
afterAll(() => stopSimulatedServer({ sim, server }));

/** The OpenAI models the router may choose, each given the same prices of the person's own. */
const openaiModels = defaultCatalog.filter((arm) => arm.provider === 'openai').map((arm) => arm.model ?? arm.id);
/** How Settings names a model: the provider catalog's label, else its id. */
const nameOf = (model: string) =>
  catalog.find((entry) => entry.provider === 'openai' && entry.id === model)?.label ?? model;
const edited = { input: '0.123', output: '0.987', cachedInput: '0.0123', cacheWrite: '0.123' };
const labels = {
  input: 'Input price per million tokens for',
  output: 'Output price per million tokens for',
  cachedInput: 'Cached-input price per million tokens for',
  cacheWrite: 'Cache-write price per million tokens for',
} as const;

const plan = {
  summary: 'Two small Python modules.',
  complexity: 'small',
  estimate: { tokens: 8_000, costUsd: 0.02 },
  stack: ['Python 3.12'],
  languages: ['python'],
  tasks: [1, 2].map((n) => ({
    id: `mod-${n}`,
    role: 'code-generator',
    title: `Module ${n}`,
    instructions: `Write mod_${n}.py with a function that parses a date.`,
    dependsOn: [],
    expectedArtifacts: [`mod_${n}.py`],
    acceptance: ['It parses ISO dates'],
  })),
};

const row = (page: Page, model: string) => page.getByTestId(`price-openai-${model.replace(/[^A-Za-z0-9_-]/g, '_')}`);

async function exportedEvents(page: Page, name: string): Promise<{ text: string; events: OrchestraEvent[] }> {
  await page.goto(`${server.url}/data`);
  const line = page.getByTestId('project-usage').locator('tbody tr', { hasText: name });
  const downloading = page.waitForEvent('download');
  await line.getByRole('button', { name: 'Export' }).click();
  const text = await readFile(await (await downloading).path(), 'utf8');
  return { text, events: (JSON.parse(text) as { events: OrchestraEvent[] }).events };
}

test('prices edited in Settings are kept across a reload and price every reservation of a run', async ({ profile }) => {
  const { page } = profile;
  await page.goto(`${server.url}/settings`);
  await configureProvider(page, 'openai', sim.baseUrl('openai'), 'sk-proj-E2eEditedPrices-0123456789abcdef');

  // A bad value is refused with a sentence, and nothing changes.
  const first = openaiModels[0] ?? 'gpt-5-mini';
  await page.getByLabel(`${labels.output} ${nameOf(first)}`, { exact: true }).fill('-1');
  await page.getByRole('button', { name: `Save prices for ${nameOf(first)}`, exact: true }).click();
  await expect
    .poll(() => row(page, first).getByRole('alert').textContent())
    .toBe(
      'These prices cannot be saved: The output price must be a number of dollars per million tokens from 0 to 10,000.',
    );
  await page.getByLabel(`${labels.output} ${nameOf(first)}`, { exact: true }).fill('lots');
  await page.getByRole('button', { name: `Save prices for ${nameOf(first)}`, exact: true }).click();
  await expect.poll(() => row(page, first).getByRole('alert').textContent()).toMatch(/output price must be a number/);

  for (const model of openaiModels) {
    for (const field of Object.keys(labels) as (keyof typeof labels)[]) {
      await page.getByLabel(`${labels[field]} ${nameOf(model)}`, { exact: true }).fill(edited[field]);
    }
    await page.getByRole('button', { name: `Save prices for ${nameOf(model)}`, exact: true }).click();
    await expect.poll(() => row(page, model).getByRole('status').textContent()).toMatch(/^Saved/);
  }

  // Kept across a reload (a new worker reads the device's settings events).
  await page.reload();
  for (const model of openaiModels) {
    for (const field of Object.keys(labels) as (keyof typeof labels)[]) {
      await expect
        .poll(() => page.getByLabel(`${labels[field]} ${nameOf(model)}`, { exact: true }).inputValue())
        .toBe(edited[field]);
    }
    expect(
      await page.getByTestId(`price-openai-${model.replace(/[^A-Za-z0-9_-]/g, '_')}-source`).textContent(),
    ).toMatch(/Your price, set /);
  }
  expect(
    await page.getByRole('button', { name: `Reset to shipped price for ${nameOf(first)}`, exact: true }).isEnabled(),
  ).toBe(true);

  // A run: every call goes to an OpenAI model, reserved and settled at the edited prices.
  const mark = sim.requests.length;
  let written = 0;
  scriptTeam(sim, 'openai', {
    'project-manager': { kind: 'json', value: plan },
    'code-generator': () => {
      written += 1;
      return {
        kind: 'json',
        value: {
          files: [{ path: `mod_${written}.py`, language: 'python', content: 'def parse(text):\n    return text\n' }],
          notes: 'A module.',
        },
      };
    },
    debugger: { kind: 'json', value: passingReview },
  });
  await page.goto(`${server.url}/new`);
  await page.getByLabel('Name').fill('Priced by me');
  await page.getByLabel('Description').fill('Two small Python modules.');
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(/\/run\?project=/);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.getByTestId('plan-review').waitFor();
  await page.getByRole('button', { name: 'Approve plan', exact: true }).click();
  await expect
    .poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 180_000 })
    .toMatch(/^(stopped|paused)$/);

  const calls = sim.requests.slice(mark).filter((request) => roleOf(request) !== undefined);
  expect(calls.length).toBeGreaterThan(0);
  const { text, events } = await exportedEvents(page, 'Priced by me');
  const reserves = events.flatMap((event) => (event.type === 'cost-reserve' ? [event.payload] : []));
  const settles = events.flatMap((event) => (event.type === 'cost-settle' ? [event.payload] : []));
  expect(reserves.length).toBeGreaterThanOrEqual(calls.length);
  for (const reserve of reserves) {
    expect(openaiModels).toContain(reserve.armId);
    expect(reserve.basis).toMatchObject({ inputPricePerMillion: 0.123, outputPricePerMillion: 0.987 });
  }
  const reserved = new Map(reserves.map((reserve) => [reserve.reservationId, reserve]));
  for (const settle of settles) {
    expect(reserved.has(settle.reservationId)).toBe(true);
    const fresh = settle.inputTokens - (settle.cachedInputTokens ?? 0) - (settle.cacheWriteTokens ?? 0);
    const atEdited =
      (fresh * 0.123 +
        (settle.cachedInputTokens ?? 0) * 0.0123 +
        (settle.cacheWriteTokens ?? 0) * 0.123 +
        settle.outputTokens * 0.987) /
      1_000_000;
    expect(settle.actualUsd).toBeCloseTo(atEdited, 12);
    expect(settle.actualUsd).toBeGreaterThan(0);
  }
  // The edit is the device's: the project's export holds no trace of it.
  expect(text).not.toMatch(/price-set|price-reset/);

  // Router & costs shows the prices calls are made at.
  await page.goto(`${server.url}/router`);
  const prices = page.getByTestId('router-prices');
  for (const model of openaiModels) {
    await expect
      .poll(() => prices.locator(`tr[data-model="${model}"]`).textContent())
      .toMatch(/\$0\.123\$0\.987\$0\.0123\$0\.123yours/);
  }
}, 420_000);
