/**
 * Run and check, from a real page: a project's own tests run in the tab, in the
 * opaque-origin sandbox, with results recorded as events, shown in the Checks panel, and
 * said at the end of the run.
 */
import type { Page } from 'playwright-core';
import { expect, test } from './harness/fixtures.ts';
import { createProject } from './harness/new-project.ts';
import { startServer } from './harness/server.ts';

const runStatus = (page: Page) => page.getByTestId('run-status').getAttribute('data-status');
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

async function buildTemplate(page: Page, url: string, template: string, name: string) {
  await createProject(page, url, { name, description: `A ${template} starter.`, template });
  await button(page, 'Start').click();
  await page.getByTestId('plan-review').waitFor();
  await button(page, 'Approve plan').click();
  await expect.poll(() => runStatus(page), { timeout: 90_000 }).toBe('stopped');
}

for (const [template, tests] of [
  ['web-app', 0],
  ['api-service', 3],
  ['data-pipeline', 0],
] as const) {
  test(`the ${template} template's own tests run in the tab and pass, and the run says so`, async ({
    server,
    profile,
  }) => {
    const { page } = profile;
    await buildTemplate(page, server.url, template, `Checked ${template}`);
    const message = await page.getByTestId('run-message').textContent();
    expect(message).toMatch(/^Every task is done\. (\d+) of \1 tests pass\.$/);
    if (tests > 0) expect(message).toContain(`${tests} of ${tests} tests pass.`);
    const panel = page.getByTestId('checks-panel');
    await expect.poll(() => panel.getByTestId('checks-summary').getAttribute('data-outcome')).toBe('completed');
    const cases = await panel.getByTestId('check-case').all();
    expect(cases.length).toBeGreaterThan(0);
    for (const one of cases) expect(await one.getAttribute('data-outcome')).toBe('pass');
    // Running them again by hand records a second run with the same result.
    await button(page, 'Run tests').click();
    await expect
      .poll(() => page.getByTestId('feed').textContent(), { timeout: 60_000 })
      .toMatch(/asked by you[\s\S]*Tests: \d+ of \d+ tests pass/);
  });
}

test('after one run, the tests run again with the network off and the server gone', async ({ profile }) => {
  // A server of this test's own, so stopping it does not affect the other tests.
  const server = await startServer();
  const { page, context } = profile;
  try {
    await page.goto(server.url);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await buildTemplate(page, server.url, 'api-service', 'Offline checks');
    expect(await page.getByTestId('run-message').textContent()).toContain('3 of 3 tests pass.');
  } finally {
    await server.stop();
  }
  // The runtime came through the service worker on first use; nothing else is needed.
  await context.setOffline(true);
  await page.reload();
  await button(page, 'Run tests').click();
  await expect
    .poll(() => page.getByTestId('feed').textContent(), { timeout: 60_000 })
    .toMatch(/asked by you[\s\S]*Tests: 3 of 3 tests pass/);
  expect(await page.getByTestId('checks-panel').getByTestId('checks-summary').getAttribute('data-outcome')).toBe(
    'completed',
  );
});

test('opening a Python project warms its runtime; Run tests then uses it, fetching nothing again', async ({
  server,
  profile,
}) => {
  const { page } = profile;
  // With no key, a Python description gets the Python starter (a pytest suite).
  await createProject(page, server.url, { name: 'Warm Python', description: 'a Python weather CLI' });
  await button(page, 'Start').click();
  await page.getByTestId('plan-review').waitFor();
  await button(page, 'Approve plan').click();
  await expect.poll(() => runStatus(page), { timeout: 180_000 }).toBe('stopped');

  // A fresh page (no frame, no runtime): opening the project loads Python before any run.
  await page.reload();
  const wasmFetches = () =>
    page.evaluate(
      () =>
        performance
          .getEntriesByType('resource')
          .filter((entry) => new URL(entry.name).pathname === '/sandbox/python/pyodide.asm.wasm').length,
    );
  await expect.poll(wasmFetches, { timeout: 60_000 }).toBe(1);
  expect(await page.locator('iframe[data-role="checks-sandbox"]').count()).toBe(1);
  await button(page, 'Run tests').click();
  await expect
    .poll(() => page.getByTestId('feed').textContent(), { timeout: 120_000 })
    .toMatch(/asked by you[\s\S]*Tests: (\d+) of \1 tests pass/);
  // The run was handed the runtime loaded on opening: nothing was fetched for it.
  expect(await wasmFetches()).toBe(1);
  expect(await page.locator('iframe[data-role="checks-sandbox"]').count()).toBe(1);
});
