/**
 * Issue 19, "hangs": a model that never answers is named on the Live run screen after
 * 40 s — "No answer from <model> for 40 s" — with "Keep waiting" and "Switch model"; the
 * switch stops that call and the task runs on another model. The page's clock is moved
 * forward (Playwright's clock), so the test does not wait 40 s; the engine's worker keeps
 * real time, so its own first-token deadline does not fire meanwhile. The silent call
 * is charged what it sent, and the budget meter marks that part of the spend "≈ …
 * estimated".
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { roleOf, scriptTeam } from '../sim/agent-script.ts';
import type { Simulator } from '../sim/simulator.ts';
import { builderAnswer, files, passingReview, teamPlan } from '../sim/team-answers.ts';
import { expect, test } from './harness/fixtures.ts';
import { createProject } from './harness/new-project.ts';
import { configureProvider } from './harness/provider-settings.ts';
import type { RunningServer } from './harness/server.ts';
import { startSimulatedServer, stopSimulatedServer } from './harness/simulated-server.ts';

let sim: Simulator;
let server: RunningServer;
beforeAll(async () => ({ sim, server } = await startSimulatedServer()));
afterAll(() => stopSimulatedServer({ sim, server }));

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const modelOf = (body: unknown) => (body as { model?: string }).model;

test('a silent model is named after 40 s; Keep waiting waits, Switch model runs the task on another model', async ({
  profile,
}) => {
  const { page } = profile;
  await page.clock.install();
  await page.goto(`${server.url}/settings`);
  await configureProvider(page, 'openai', sim.baseUrl('openai'), 'sk-proj-SilentModelKey-0123456789abcdef');
  const mark = sim.requests.length;
  // The code generator's first call is never answered; every other call is.
  scriptTeam(sim, 'openai', {
    'project-manager': { kind: 'json', value: teamPlan },
    'code-generator': (request, nth) => (nth === 1 ? { kind: 'hang', after: 'request' } : builderAnswer(request)),
    'ui-designer': { kind: 'json', value: files.ui },
    'test-writer': { kind: 'json', value: files.tests },
    debugger: { kind: 'json', value: passingReview },
  });
  await createProject(page, server.url, { name: 'Silent', description: 'A notes service with a small web page.' });
  await button(page, 'Start').click();
  await page.getByTestId('plan-review').waitFor();
  await button(page, 'Approve plan').click();

  const builders = () => sim.requests.slice(mark).filter((request) => roleOf(request) === 'code-generator');
  await expect.poll(() => builders().length, { timeout: 15_000 }).toBe(1);
  const silentModel = modelOf(builders()[0]?.body);
  const pane = page.locator('[data-testid="live-output"] .output-pane[data-task-id="api"]');
  await pane.waitFor();
  // The builder's notice (another task may have gone quiet too while the page's clock jumps).
  const notice = page.locator('[data-testid="silence-notice"][data-task-id="api"]');
  const sentence = notice.getByText(/^No answer from .+ for 40 s\.$/);
  expect(await sentence.count()).toBe(0);

  // 41 s later by the page's clock: the sentence names the model, with the two ways on.
  await page.clock.fastForward('00:41');
  await sentence.waitFor();
  expect(await sentence.textContent()).toContain(silentModel ?? 'no model');
  await notice.getByRole('button', { name: 'Keep waiting', exact: true }).click();
  await sentence.waitFor({ state: 'detached' });
  await page.clock.fastForward('00:41');
  await sentence.waitFor();

  await notice.getByRole('button', { name: 'Switch model', exact: true }).click();
  await sentence.waitFor({ state: 'detached' });
  await expect.poll(() => builders().length, { timeout: 15_000 }).toBe(2);
  expect(builders()[0]?.aborted).toBe(true);
  expect(modelOf(builders()[1]?.body)).not.toBe(silentModel);
  await expect
    .poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 120_000 })
    .toBe('stopped');
  await expect.poll(() => page.getByTestId('run-message').textContent()).toMatch(/^Every task is done/);
  // The silent call had gone out: it is charged what it sent, and the budget meter says
  // that part of the spend is an estimate.
  const estimate = page.getByTestId('budget-meter').getByTestId('estimated-spend');
  await expect
    .poll(() => estimate.textContent())
    .toMatch(/^ \(of which ≈ \$\d+\.\d+ estimated: calls were cut off before the provider said what they cost\)$/);
  sim.respond('openai', undefined);
});
