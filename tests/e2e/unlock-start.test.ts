/**
 * Issue 20, point 3, as a person meets it: keys encrypted with a passphrase, the tab
 * reloaded (the keys are locked). Start asks for the passphrase right there instead of
 * building a Template starter; a wrong one is refused with a sentence and nothing
 * starts; the right one opens the keys and starts a model run, through the real OpenAI
 * SDK in the worker and the provider simulator.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { roleOf, scriptTeam } from '../sim/agent-script.ts';
import type { Simulator } from '../sim/simulator.ts';
import { builderAnswer, files, passingReview, teamPlan } from '../sim/team-answers.ts';
import { type ScreenFinding, auditScreen, axeReport } from './harness/axe.ts';
import { expect, test } from './harness/fixtures.ts';
import { createProject } from './harness/new-project.ts';
import { configureProvider } from './harness/provider-settings.ts';
import type { RunningServer } from './harness/server.ts';
import { startSimulatedServer, stopSimulatedServer } from './harness/simulated-server.ts';

let sim: Simulator;
let server: RunningServer;
beforeAll(async () => ({ sim, server } = await startSimulatedServer()));
afterAll(() => stopSimulatedServer({ sim, server }));

const key = 'sk-proj-E2eLockedKey-0123456789abcdef';
const passphrase = 'correct horse battery staple';
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const runStatus = (page: Page) => page.getByTestId('run-status').getAttribute('data-status');

/** The team scripted on the simulator, and an OpenAI key stored encrypted with `passphrase` (unlocked for now). */
async function teamWithEncryptedKey(page: Page): Promise<void> {
  scriptTeam(sim, 'openai', {
    'project-manager': { kind: 'json', value: teamPlan },
    'code-generator': (request) => builderAnswer(request),
    'ui-designer': { kind: 'json', value: files.ui },
    'test-writer': { kind: 'json', value: files.tests },
    debugger: { kind: 'json', value: passingReview },
  });
  await page.goto(`${server.url}/settings`);
  await configureProvider(page, 'openai', sim.baseUrl('openai'), key);
  const settings = page.getByTestId('passphrase');
  await settings.getByLabel('New passphrase (8 characters or more)').fill(passphrase);
  await settings.getByRole('button', { name: 'Encrypt keys' }).click();
  await expect
    .poll(() => page.getByTestId('key-status').textContent())
    .toBe('Keys are encrypted and unlocked for this session.');
}

test('with locked keys Start asks for the passphrase, refuses a wrong one, and starts a model run with the right one', async ({
  profile,
}) => {
  const { page } = profile;
  await teamWithEncryptedKey(page);
  // A reload forgets the passphrase: the keys are locked.
  await page.reload();
  await expect.poll(() => page.getByTestId('key-status').textContent()).toBe('Keys are encrypted and locked.');

  await page.goto(`${server.url}/new`);
  await expect
    .poll(() => page.getByTestId('keys-locked').textContent())
    .toContain('Your model keys are locked: Start asks for your passphrase');
  expect(await page.getByTestId('provider-readiness').textContent()).not.toContain('No model key is set up');
  await createProject(page, server.url, {
    name: 'Locked notes',
    description: 'A notes service with a small web page.',
  });

  // What Start will do says the keys are locked, not that it builds a template.
  await expect
    .poll(() => page.getByTestId('start-hint').textContent())
    .toContain('Your model keys are locked: Start asks for your passphrase');
  expect(await page.getByTestId('start-hint').textContent()).not.toMatch(/template/i);

  const mark = sim.requests.length;
  await button(page, 'Start').click();
  const field = page.getByLabel('Passphrase', { exact: true });
  await field.waitFor();
  expect(await page.getByTestId('unlock-keys').textContent()).toContain('Your model keys are locked');
  // Focus went to the field that answers the question.
  await expect.poll(() => field.evaluate((element) => element === document.activeElement)).toBe(true);
  const findings: ScreenFinding[] = [];
  await auditScreen(page, 'run-unlock-form', findings);
  expect(axeReport(findings)).toEqual([]);
  expect(await runStatus(page)).toBe('idle');
  expect(await page.getByTestId('plan-review').count()).toBe(0);

  // A wrong passphrase: refused in a sentence, nothing started, the form still there.
  await field.fill('not the passphrase at all');
  await button(page, 'Unlock and start').click();
  const alert = page.getByTestId('unlock-keys').getByRole('alert');
  await expect.poll(() => alert.textContent()).toContain('That passphrase does not open your keys.');
  expect(await alert.textContent()).toContain('Nothing was started');
  expect(await runStatus(page)).toBe('idle');
  expect(sim.requests.slice(mark).some((request) => roleOf(request) !== undefined)).toBe(false);

  // The right one opens the keys and the Project Manager — a model, not the template — plans.
  await field.fill(passphrase);
  await button(page, 'Unlock and start').click();
  const review = page.getByTestId('plan-review');
  await review.waitFor();
  expect(await review.textContent()).toContain('Notes module');
  expect(await review.textContent()).not.toContain('Template (no AI)');
  expect(await page.getByTestId('unlock-keys').count()).toBe(0);
  const planning = sim.requests.slice(mark).find((request) => roleOf(request) === 'project-manager');
  expect(planning?.headers['authorization']).toBe(`Bearer ${key}`);

  await button(page, 'Approve plan').click();
  await expect.poll(() => runStatus(page), { timeout: 120_000 }).toBe('stopped');
  expect(await page.getByTestId('run-status').getAttribute('data-phase')).toBe('ended');
  // The passphrase and the key are nowhere on the page (the feed, messages, hints).
  const text = (await page.locator('body').textContent()) ?? '';
  expect(text).not.toContain(passphrase);
  expect(text).not.toContain(key);
}, 240_000);

test('keys locked during a run pause it as "keys locked", and the banner unlocks them and goes on', async ({
  profile,
}) => {
  const { page } = profile;
  await teamWithEncryptedKey(page);
  await createProject(page, server.url, {
    name: 'Relocked notes',
    description: 'A notes service with a small web page.',
  });
  // Loading the project's page started a new engine: the keys are locked again.
  await button(page, 'Start').click();
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await button(page, 'Unlock and start').click();
  await page.getByTestId('plan-review').waitFor();

  // The keys lock while the plan waits (Settings › Lock keys, in the same tab), then the
  // plan is approved: the first task finds no model to call.
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByTestId('passphrase').getByRole('button', { name: 'Lock keys' }).click();
  await expect.poll(() => page.getByTestId('key-status').textContent()).toBe('Keys are encrypted and locked.');
  await page.goBack();
  await button(page, 'Approve plan').click();

  const banner = page.getByTestId('pause-banner');
  await expect.poll(() => banner.getAttribute('data-kind'), { timeout: 60_000 }).toBe('keys');
  expect(await page.getByTestId('run-status').textContent()).toContain('Paused: keys locked');
  expect(await banner.textContent()).toContain('Your model keys are locked, so no model can take the next task.');
  // No task failed for it: the run waits for the keys.
  expect(await page.getByText('failed', { exact: false }).count()).toBe(0);
  const findings: ScreenFinding[] = [];
  await auditScreen(page, 'run-paused-keys', findings);
  expect(axeReport(findings)).toEqual([]);

  await banner.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await banner.getByRole('button', { name: 'Unlock and continue', exact: true }).click();
  await expect.poll(() => runStatus(page), { timeout: 120_000 }).toBe('stopped');
  expect(await page.getByTestId('run-status').textContent()).toContain('Completed');
  expect(await page.getByTestId('unlock-keys').count()).toBe(0);
}, 240_000);
