/**
 * Router & costs after a few runs, from a real page: projects are built through the
 * worker, the real OpenAI SDK and the provider simulator, the router learns from each
 * answer, and the view then draws its charts (uPlot, loaded on demand) and states an
 * opportunity with the evidence behind it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { scriptTeam } from '../sim/agent-script.ts';
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
beforeEach(() => sim.respond('openai', undefined));

const modules = 8;
/** Eight independent code tasks: many outcomes of one kind of task per run, and no test suite to run. */
const widePlan = {
  summary: 'Eight small Python modules.',
  complexity: 'small',
  estimate: { tokens: 20_000, costUsd: 0.05 },
  stack: ['Python 3.12'],
  languages: ['python'],
  tasks: Array.from({ length: modules }, (_, i) => ({
    id: `mod-${i + 1}`,
    role: 'code-generator',
    title: `Module ${i + 1}`,
    instructions: `Write mod_${i + 1}.py with a function that parses a date.`,
    dependsOn: [],
    expectedArtifacts: [`mod_${i + 1}.py`],
    acceptance: ['It parses ISO dates'],
  })),
};

async function run(page: Page, name: string) {
  await page.goto(`${server.url}/new`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Description').fill('Some small Python modules.');
  await page.getByLabel('Best quality').check();
  await page.getByLabel('Parallel agents').fill('8');
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(/\/run\?project=/);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.getByTestId('plan-review').waitFor();
  await page.getByRole('button', { name: 'Approve plan', exact: true }).click();
  await expect
    .poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 90_000 })
    .toBe('stopped');
}

// A few whole runs: minutes on a loaded machine.
test(
  'after a few runs, Router & costs draws its charts and states an opportunity with its evidence',
  { timeout: 900_000 },
  async ({ profile }) => {
    const { page } = profile;
    await page.goto(`${server.url}/settings`);
    await configureProvider(page, 'openai', sim.baseUrl('openai'), 'sk-proj-E2eRouterView-0123456789abcdef');
    let written = 0;
    scriptTeam(sim, 'openai', {
      'project-manager': { kind: 'json', value: widePlan },
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

    // The router explores by chance (Thompson sampling): within a few runs, at least two
    // models have done enough code tasks of equal quality for the cheaper one to be named.
    let opportunities = '';
    for (let i = 1; i <= 6 && !/ matches /.test(opportunities); i++) {
      await run(page, `Modules ${i}`);
      await page.goto(`${server.url}/router`);
      await page.getByTestId('router-models').waitFor();
      opportunities =
        (await page
          .getByTestId('router-opportunities')
          .textContent()
          .catch(() => null)) ?? '';
    }
    // "X matches Y on backend-code at 1/N the cost over T tasks (quality … over n vs … over m, $… vs $… per task)."
    expect(opportunities).toMatch(
      / matches .+ at 1\/\d+ the cost over \d+ tasks \(quality \d\.\d\d over \d+ vs \d\.\d\d over \d+, \$[\d.]+ vs \$[\d.]+ per task\)/,
    );

    // Three charts, each drawn on a canvas once uPlot has loaded, each with its words.
    for (const id of ['router-chart-model-spend', 'router-chart-type-spend', 'router-chart-quality']) {
      const figure = page.getByTestId(id);
      await expect.poll(() => figure.locator('.chart-canvas[data-ready="true"] canvas').count()).toBeGreaterThan(0);
      const box = await figure.locator('canvas').first().boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(200);
      expect(await figure.locator('.chart-canvas').getAttribute('aria-label')).toMatch(/\$\d|\d%/);
    }
    expect(await page.getByTestId('router-chart-model-spend').textContent()).toContain('gpt-5');
    // The library came as its own chunk, on demand.
    const scripts = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((entry) => entry.name.split('/').pop() ?? ''),
    );
    expect(scripts.some((name) => /^uPlot|^uplot/i.test(name))).toBe(true);
  },
);
