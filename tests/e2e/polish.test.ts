/**
 * Issue 20, points 7, 8 and 9 as a person meets them with no key: the plan tells that no
 * AI read the description and picks the starter for its language; progress is not full
 * while the plan waits; the plan review draws the graph and follows removals; focus goes
 * to what an action produced; Start on a finished project says what it does; the Router
 * view explains itself after Template runs; the artifact tree opens to the files; and an
 * Install button appears where the browser offers installation.
 */
import type { Page } from 'playwright-core';
import { expect, test } from './harness/fixtures.ts';
import { createProject } from './harness/new-project.ts';

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const runStatus = (page: Page) => page.getByTestId('run-status').getAttribute('data-status');
const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    return element ? `${element.tagName.toLowerCase()}#${element.id}` : '';
  });

test('with no key, a Python description gets the Python starter and is told no AI read it', async ({
  server,
  profile,
}) => {
  const { page } = profile;
  await createProject(page, server.url, { name: 'Weather', description: 'a Python weather CLI' });
  await button(page, 'Start').click();
  const review = page.getByTestId('plan-review');
  await review.waitFor();
  const text = (await review.textContent()) ?? '';
  expect(text).toContain('No AI read your description');
  expect(text).toContain('Python command-line tool');
  expect(text).toContain('your description mentions Python');
  expect(text).toContain('With a model key in Settings');
  // Focus went to the plan that Start produced, not to the page.
  await expect.poll(() => focused(page)).toBe('h3#plan-review-title');
  // Nothing approved is done yet: the bar is empty and says why.
  expect(await page.getByTestId('progress').textContent()).toContain('The plan waits for your approval');
  expect(await page.locator('[data-testid="progress"] progress').getAttribute('value')).toBe('0');

  await button(page, 'Approve plan').click();
  await expect.poll(() => focused(page)).toBe('h3#tasks-title');
  // The run ends after the starter's own pytest suite runs in the tab's Python (Pyodide),
  // whose start takes long on a busy machine.
  await expect.poll(() => runStatus(page), { timeout: 180_000 }).toBe('stopped');
  expect(await page.getByTestId('progress').textContent()).toContain('1 of 1 task done');
  // Its tests ran in the tab and passed (Pyodide and pytest handed over to the sandbox).
  expect(await page.getByTestId('run-message').textContent()).toMatch(/(\d+) of \1 tests pass\.$/);
  expect(await page.getByTestId('template-note').textContent()).toContain('No AI read your description');
  // Start on a finished project says what it will do.
  expect(await page.getByTestId('start-hint').textContent()).toContain(
    'Every task is done: Start builds nothing again',
  );
  expect(await button(page, 'Start').getAttribute('aria-describedby')).toBe('start-hint');

  // The files are Python, and the tree opens to them: no folder is closed.
  await page.locator('main').getByRole('link', { name: 'Artifacts', exact: true }).first().click();
  await page.getByTestId('file-tree').waitFor();
  await expect.poll(() => page.locator('[data-testid="file-tree"] details').count()).toBeGreaterThan(0);
  const folders = await page
    .locator('[data-testid="file-tree"] details')
    .evaluateAll((items) => items.map((item) => (item as HTMLDetailsElement).open));
  expect(folders.every(Boolean)).toBe(true);
  expect(await page.locator('[data-testid="file-tree"] button.file[data-path="tests/test_core.py"]').isVisible()).toBe(
    true,
  );

  // The Router view says why no model is listed after Template runs, and what a key changes.
  await page.locator('nav a', { hasText: 'Router & costs' }).click();
  await expect
    .poll(() => page.getByTestId('router-empty').textContent())
    .toContain('the runs so far were built by the Template provider (no AI)');
}, 300_000);

test('plan review draws the task graph and drops a removed task from the others’ “After”', async ({
  server,
  profile,
}) => {
  const { page } = profile;
  await createProject(page, server.url, { name: 'Graph', description: 'A small web app.' });
  // The template plan has one task: a plan of several comes from a model. The graph is
  // still drawn, with one node per task of the plan as edited.
  await button(page, 'Start').click();
  const review = page.getByTestId('plan-review');
  await review.waitFor();
  await expect.poll(() => review.locator('[data-testid="task-graph"] .graph-node').count()).toBe(1);
  expect(await review.getByRole('img').getAttribute('aria-label')).toContain('The plan as a graph: 1 task,');
  await review.getByRole('button', { name: 'Remove: Build the Web app starter' }).click();
  await expect.poll(() => review.locator('[data-testid="task-graph"] .graph-node').count()).toBe(0);
});

test('an Install button appears where the browser offers installation, and asks the browser', async ({
  server,
  profile,
}) => {
  const { page } = profile;
  await page.goto(server.url);
  await expect.poll(() => page.getByTestId('engine-status').textContent()).toBe('Engine ready');
  // The browser's offer, as Chromium fires it for an installable app.
  await page.evaluate(() => {
    const offer = new Event('beforeinstallprompt', { cancelable: true }) as Event & {
      prompt(): Promise<void>;
      userChoice: Promise<{ outcome: string }>;
    };
    offer.prompt = () => {
      (window as unknown as { prompted: boolean }).prompted = true;
      return Promise.resolve();
    };
    offer.userChoice = Promise.resolve({ outcome: 'dismissed' });
    window.dispatchEvent(offer);
  });
  const install = page.getByRole('button', { name: 'Install Orchestra' });
  await install.waitFor();
  await install.click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { prompted?: boolean }).prompted)).toBe(true);
  // An offer is used once: the button goes until the browser offers again.
  await expect.poll(() => install.count()).toBe(0);
});
