/**
 * Settings › Model providers from a real page, against the provider simulator: the
 * models an endpoint lists can be fetched and one chosen for a provider (kept across a
 * reload), and the passphrase can be removed only with the passphrase itself.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Simulator } from '../sim/simulator.ts';
import { expect, test } from './harness/fixtures.ts';
import { watchProblems } from './harness/problems.ts';
import { configureProvider } from './harness/provider-settings.ts';
import type { RunningServer } from './harness/server.ts';
import { startSimulatedServer, stopSimulatedServer } from './harness/simulated-server.ts';

let sim: Simulator;
let server: RunningServer;
beforeAll(async () => ({ sim, server } = await startSimulatedServer()));
afterAll(() => stopSimulatedServer({ sim, server }));

const openaiKey = 'sk-proj-E2eModelsKey-0123456789abcdef';
const passphrase = 'correct horse battery staple';

/** The values of the card's "Model" select, in order. */
function modelOptions(page: Page, provider: string): Promise<string[]> {
  return page
    .getByTestId(`provider-${provider}`)
    .getByLabel('Model', { exact: true })
    .locator('option')
    .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
}

function listingsSeen(provider: string): number {
  return sim.requests.filter(
    (request) => request.provider === provider && request.method === 'GET' && request.path === '/v1/models',
  ).length;
}

test('models fetched from OpenAI through Settings can be chosen, and the choice is kept after a reload', async ({
  profile,
}) => {
  const { page } = profile;
  const problems = await watchProblems(page);
  await page.goto(`${server.url}/settings`);
  await configureProvider(page, 'openai', sim.baseUrl('openai'), openaiKey);
  const card = page.getByTestId('provider-openai');
  const select = card.getByLabel('Model', { exact: true });
  expect(await select.inputValue()).toBe('');

  const listedBefore = listingsSeen('openai');
  await card.getByRole('button', { name: 'Fetch models' }).click();
  await expect.poll(() => modelOptions(page, 'openai')).toEqual(expect.arrayContaining(['gpt-5-mini', 'gpt-4.1-nano']));
  // The list came through the worker, from the endpoint, with the stored key.
  expect(listingsSeen('openai')).toBe(listedBefore + 1);
  const listing = sim.requests.findLast((request) => request.path === '/v1/models');
  expect(listing?.headers.authorization).toBe(`Bearer ${openaiKey}`);

  await select.selectOption('gpt-5-mini');
  await expect.poll(() => page.getByTestId('provider-openai-status').textContent()).toBe('Model saved.');

  await page.reload();
  const afterReload = page.getByTestId('provider-openai').getByLabel('Model', { exact: true });
  await expect.poll(() => afterReload.inputValue()).toBe('gpt-5-mini');
  // Nothing the CSP refused (no inline styles, no injected markup) and no uncaught error. Other
  // console errors are left out: a rebuild of dist/ by another run can 404 a stale script.
  const refused = (await problems.list()).filter((problem) => /^(csp|uncaught):|Content Security Policy/.test(problem));
  expect(refused).toEqual([]);
});

test('an OpenAI-compatible endpoint offers only the models it lists, and a failed listing says why', async ({
  profile,
}) => {
  const { page } = profile;
  await page.goto(`${server.url}/settings`);
  await configureProvider(page, 'openai-compatible', sim.baseUrl('openai-compatible'), 'sk-local-e2e-000000');
  const card = page.getByTestId('provider-openai-compatible');
  expect(await card.textContent()).toContain('Agents use this model for every call to this endpoint');

  sim.enqueue('openai-compatible', { kind: 'auth' });
  await card.getByRole('button', { name: 'Fetch models' }).click();
  const problem = card.getByRole('alert');
  await expect.poll(() => problem.textContent()).toMatch(/^Could not list the models: \S/);
  // Typing the name is offered when the endpoint cannot list its models.
  expect(await card.locator('input[name="model-name"]').count()).toBe(1);

  await card.getByRole('button', { name: 'Fetch models' }).click();
  await expect.poll(() => modelOptions(page, 'openai-compatible')).toEqual(['', 'gpt-4.1-nano', 'gpt-5-mini']);
  expect(await problem.count()).toBe(0);
  await card.getByLabel('Model', { exact: true }).selectOption('gpt-4.1-nano');
  await expect.poll(() => page.getByTestId('provider-openai-compatible-status').textContent()).toBe('Model saved.');
});

test('the passphrase is removed only with the passphrase, after which the keys work without unlocking', async ({
  profile,
}) => {
  const { page } = profile;
  await page.goto(`${server.url}/settings`);
  await configureProvider(page, 'openai', sim.baseUrl('openai'), openaiKey);
  const keyStatus = page.getByTestId('key-status');
  const form = page.getByTestId('passphrase');
  await form.locator('input[name="passphrase"]').fill(passphrase);
  await form.getByRole('button', { name: 'Encrypt keys' }).click();
  await expect.poll(() => keyStatus.textContent()).toBe('Keys are encrypted and unlocked for this session.');

  // Locked after a reload: removing the passphrase must not need the keys unlocked first.
  await page.reload();
  await expect.poll(() => keyStatus.textContent()).toBe('Keys are encrypted and locked.');
  await form.getByRole('button', { name: 'Remove passphrase' }).click();
  const removal = page.getByTestId('remove-passphrase');
  expect(await removal.textContent()).toContain(
    'anyone who can open this browser profile, or copy all its files, can read them',
  );

  const confirm = removal.getByRole('button', { name: 'Remove passphrase and keep keys sealed with the device key' });
  await removal.getByLabel('Current passphrase').fill('not the passphrase');
  await confirm.click();
  await expect.poll(() => removal.getByRole('alert').textContent()).toBe('That passphrase does not open your keys.');
  expect(await keyStatus.textContent()).toBe('Keys are encrypted and locked.');

  await removal.getByLabel('Current passphrase').fill(passphrase);
  await confirm.click();
  await expect.poll(() => keyStatus.textContent()).toBe('Keys are stored without a passphrase.');
  expect(await page.getByTestId('providers-notice').textContent()).toBe(
    'Passphrase removed: your keys are sealed with this device’s key only.',
  );
  expect(await removal.count()).toBe(0);

  // Still readable after a reload, with no passphrase asked for.
  await page.reload();
  await expect.poll(() => keyStatus.textContent()).toBe('Keys are stored without a passphrase.');
  await page.getByTestId('provider-openai').getByRole('button', { name: 'Test key' }).click();
  await expect.poll(() => page.getByTestId('provider-openai-status').textContent()).toMatch(/^The key works/);
  expect(sim.requests.at(-1)?.headers.authorization).toBe(`Bearer ${openaiKey}`);
});
