/**
 * Refusals in a real page: a model that declines a task mid-run hands it to another model
 * and the feed shows the provider's explanation; a prompt Gemini blocks pauses the run
 * with the reason and one way on that the controls agree with, and is never sent again
 * (the simulator counts the requests).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { roleOf, scriptTeam } from '../sim/agent-script.ts';
import type { Simulator } from '../sim/simulator.ts';
import { builderAnswer, files, passingReview, teamPlan } from '../sim/team-answers.ts';
import { type ScreenFinding, auditScreen, axeReport } from './harness/axe.ts';
import { configureProvider } from './harness/provider-settings.ts';
import type { RunningServer } from './harness/server.ts';
import { startSimulatedServer, stopSimulatedServer } from './harness/simulated-server.ts';
import { expect, test } from './harness/fixtures.ts';

let sim: Simulator;
let server: RunningServer;
beforeAll(async () => ({ sim, server } = await startSimulatedServer()));
afterAll(() => stopSimulatedServer({ sim, server }));
beforeEach(() => {
  sim.respond('openai', undefined);
  sim.respond('gemini', undefined);
});

const runStatus = (page: Page) => page.getByTestId('run-status').getAttribute('data-status');
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

async function newProject(page: Page, name: string) {
  await page.goto(`${server.url}/new`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Description').fill('A notes service with a small web page.');
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(/\/run\?project=/);
}

test('a model that declines a task mid-run: another model does it, and the feed shows why', async ({ profile }) => {
  const { page } = profile;
  await page.goto(`${server.url}/settings`);
  await configureProvider(page, 'openai', sim.baseUrl('openai'), 'sk-proj-E2eRefusalKey-0123456789abcdef');
  const mark = sim.requests.length;
  scriptTeam(sim, 'openai', {
    'project-manager': { kind: 'json', value: teamPlan },
    'code-generator': (request, nth) =>
      nth === 1 ? { kind: 'fixture', name: 'openai-refusal' } : builderAnswer(request),
    'ui-designer': { kind: 'json', value: files.ui },
    'test-writer': { kind: 'json', value: files.tests },
    debugger: { kind: 'json', value: passingReview },
  });
  await newProject(page, 'Declined');
  await button(page, 'Start').click();
  await page.getByTestId('plan-review').waitFor();
  await button(page, 'Approve plan').click();
  await expect.poll(() => runStatus(page), { timeout: 60_000 }).toBe('stopped');
  expect(await page.getByTestId('run-message').textContent()).toBe('Every task is done. 1 of 1 test passes.');
  await expect
    .poll(async () => (await page.getByTestId('feed').textContent()) ?? '')
    .toContain("I'm sorry, I can't help with that request.");

  const builders = sim.requests.slice(mark).filter((request) => roleOf(request) === 'code-generator');
  const models = builders.map((request) => (request.body as { model?: string }).model);
  expect(models.length).toBeGreaterThanOrEqual(2);
  expect(models[1], 'the declined task went to another model').not.toBe(models[0]);
});

test('a prompt Gemini blocks pauses the run with the reason, and is not sent again', async ({ profile }) => {
  const { page } = profile;
  await page.goto(`${server.url}/settings`);
  await configureProvider(page, 'gemini', sim.baseUrl('gemini'), 'AIzaE2eBlockedPromptKey00000000000000');
  const mark = sim.requests.length;
  scriptTeam(sim, 'gemini', { 'project-manager': { kind: 'fixture', name: 'google-prompt-block' } });
  await newProject(page, 'Blocked');
  await button(page, 'Start').click();
  await expect.poll(() => runStatus(page), { timeout: 30_000 }).toBe('paused');
  await expect
    .poll(async () => (await page.getByTestId('pause-banner').textContent()) ?? '')
    .toContain('PROHIBITED_CONTENT');
  // Issue 20, point 4: one way on for the plan, and the controls agree with it. Going on
  // without a plan is neither suggested nor offered.
  const banner = (await page.getByTestId('pause-banner').textContent()) ?? '';
  expect(banner).toContain('Edit the task’s instructions and retry it: the run needs a plan to go on.');
  expect(banner).not.toContain('Cancel task');
  expect(banner).not.toContain('Continue orchestra');
  for (const name of ['Continue orchestra', 'Next agent', 'Execute all']) {
    expect(await button(page, name).isDisabled(), `${name} is not offered`).toBe(true);
  }
  // Nor is Cancel task on the plan: its button is off and says why.
  const cancelPlan = page.locator('button[data-task-id="plan"][data-action="cancel"]');
  expect(await cancelPlan.isDisabled()).toBe(true);
  expect(await cancelPlan.getAttribute('title')).toBe(
    'The run needs a plan to go on: retry “Plan the project”, or Stop run.',
  );
  const findings: ScreenFinding[] = [];
  await auditScreen(page, 'run-paused-refused', findings);
  expect(axeReport(findings)).toEqual([]);
  expect(await button(page, 'Continue orchestra').getAttribute('title')).toBe(
    'Nothing can run until you retry “Plan the project”: press Retry task on it.',
  );
  const generated = sim.requests
    .slice(mark)
    .filter((request) => request.provider === 'gemini' && request.path.includes(':streamGenerateContent'));
  expect(generated.length, 'a blocked prompt is sent once: no retry, no other model').toBe(1);
});
