/**
 * A change that deletes a file, from a real page: a Template project, then a change asked
 * for on the Live run screen whose plan says it deletes styles.css; the scripted team (the
 * real OpenAI SDK in the worker, on the simulator) inlines the rule and deletes the file.
 * It leaves the file tree, the change summary names it deleted, its diff shows every line
 * removed, and a revert to its first version brings it back into the tree. And a file
 * deleted by hand in Artifacts (Delete file, confirmed, by keyboard): the same deletion,
 * shown deleted with its reason and brought back from the deleted file's own view.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { webApp } from '../../worker/providers/template/templates/web-app.ts';
import { scriptTeam } from '../sim/agent-script.ts';
import { dropStylesRequestText, dropStylesTeam } from '../sim/change-answers.ts';
import type { Simulator } from '../sim/simulator.ts';
import { type ScreenFinding, auditScreen, axeReport } from './harness/axe.ts';
import { expect, test } from './harness/fixtures.ts';
import { createProject } from './harness/new-project.ts';
import { configureProvider } from './harness/provider-settings.ts';
import type { RunningServer } from './harness/server.ts';
import { startSimulatedServer, stopSimulatedServer } from './harness/simulated-server.ts';

let simulated: { sim: Simulator; server: RunningServer } | undefined;
beforeAll(async () => {
  simulated = await startSimulatedServer();
});
afterAll(async () => {
  if (simulated) await stopSimulatedServer(simulated);
});

const runStatus = (page: Page) => page.getByTestId('run-status').getAttribute('data-status');
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const treeFile = (page: Page, path: string) =>
  page.locator(`[data-testid="file-tree"] button.file[data-path="${path}"]`);

test(
  'a change that deletes a file: gone from the tree, shown deleted with every line removed, and back after a revert',
  { timeout: 180_000 },
  async ({ profile }) => {
    const { page } = profile;
    if (!simulated) throw new Error('The simulator did not start.');
    const { sim, server } = simulated;
    await createProject(page, server.url, { name: 'Chores', description: 'A chores list', template: 'web-app' });
    const runUrl = page.url();
    await button(page, 'Start').click();
    await page.getByTestId('plan-review').waitFor();
    await button(page, 'Approve plan').click();
    await expect.poll(() => runStatus(page), { timeout: 60_000 }).toBe('stopped');

    scriptTeam(sim, 'openai', dropStylesTeam({ firstTokenMs: 20, tokensPerSecond: 4000 }));
    await page.goto(`${server.url}/settings`);
    await configureProvider(page, 'openai', sim.baseUrl('openai'), 'sk-proj-DeleteAFile-0123456789abcdef');
    await page.goto(runUrl);

    const ask = page.getByRole('region', { name: 'Ask for a change' });
    await ask.getByLabel('What should change?').fill(dropStylesRequestText);
    await ask.getByRole('button', { name: 'Ask for a change' }).click();
    const review = page.getByTestId('plan-review');
    await expect.poll(() => review.getByRole('heading').first().textContent()).toBe('Change plan to approve');
    expect(await review.getByTestId('plan-task-files').allTextContents()).toEqual([
      'Modifies index.html · Deletes styles.css',
    ]);
    await button(page, 'Approve plan').click();
    await expect.poll(() => runStatus(page), { timeout: 120_000 }).toBe('stopped');

    // The change, summed up: index.html edited, styles.css deleted with all its lines.
    const styles = webApp.files('Chores').find((file) => file.path === 'styles.css')?.content ?? '';
    const lines = styles.split('\n').slice(0, -1);
    const summary = page.getByTestId('change-summary');
    await expect
      .poll(() => summary.locator('li').allTextContents())
      .toContainEqual(`styles.css deleted +0 \u2212${lines.length}`);

    // In Artifacts: not in the tree, listed as deleted; its deletion's diff removes every line.
    await summary.getByRole('link', { name: 'styles.css' }).click();
    await page.waitForURL(/\/artifacts\?project=/);
    await page.getByTestId('file-tree').waitFor();
    await treeFile(page, 'index.html').waitFor();
    expect(await treeFile(page, 'styles.css').count()).toBe(0);
    expect(await page.getByTestId('deleted-files').locator('button.file').allTextContents()).toEqual(['styles.css']);
    await page.getByTestId('deleted-badge').waitFor();
    await expect.poll(() => page.getByTestId('deleted-notice').textContent()).toMatch(/^Deleted in v2: Its one/);
    const removed = page.getByTestId('diff-unified').locator('tr[data-kind="remove"] .diff-code');
    await expect.poll(() => removed.allTextContents()).toEqual(lines);
    expect(await page.getByTestId('diff-unified').locator('tr[data-kind="add"]').count()).toBe(0);

    // Back to its first version: the file returns to the tree.
    await page.getByLabel('Version').selectOption('1');
    await page.getByRole('button', { name: 'Revert styles.css to v1' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'is back' }).textContent())
      .toBe('styles.css is back to version 1, as a new version.');
    await treeFile(page, 'styles.css').waitFor();
    expect(await page.getByTestId('deleted-files').count()).toBe(0);
  },
);

const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
const focusedLabel = (page: Page) =>
  page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.labels?.[0]?.textContent?.trim() ?? '');

test(
  'Delete file in Artifacts, by keyboard and confirmed: the file leaves the tree, its view says it was deleted and why, and its revert brings it back',
  { timeout: 180_000 },
  async ({ profile }) => {
    const { page } = profile;
    if (!simulated) throw new Error('The simulator did not start.');
    const { server } = simulated;
    await createProject(page, server.url, { name: 'Chores', description: 'A chores list', template: 'web-app' });
    await button(page, 'Start').click();
    await page.getByTestId('plan-review').waitFor();
    await button(page, 'Approve plan').click();
    await expect.poll(() => runStatus(page), { timeout: 60_000 }).toBe('stopped');
    const projectId = new URL(page.url()).searchParams.get('project') ?? '';
    await page.goto(`${server.url}/artifacts?project=${projectId}&path=styles.css`);
    await treeFile(page, 'styles.css').waitFor();
    const styles = webApp.files('Chores').find((file) => file.path === 'styles.css')?.content ?? '';
    await expect.poll(() => page.getByTestId('code-view').textContent()).toContain(styles.split('\n')[0] ?? '');

    // Opened from the keyboard; Escape steps back to the button.
    const deleteButton = button(page, 'Delete file');
    await deleteButton.focus();
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('group', { name: /^Delete styles\.css\?/ });
    await confirm.waitFor();
    await expect.poll(() => focusedLabel(page)).toBe('Why (optional)');
    await page.keyboard.press('Escape');
    await expect.poll(() => confirm.count()).toBe(0);
    await expect.poll(() => focusedText(page)).toBe('Delete file');
    expect(await treeFile(page, 'styles.css').count()).toBe(1);

    // Again, with a reason, confirmed by keyboard.
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedLabel(page)).toBe('Why (optional)');
    const findings: ScreenFinding[] = [];
    await auditScreen(page, 'artifacts-delete-confirm', findings);
    expect(axeReport(findings)).toEqual([]);
    await page.keyboard.type('The page styles itself now');
    await page.keyboard.press('Tab');
    await expect.poll(() => focusedText(page)).toBe('Delete styles.css');
    await page.keyboard.press('Enter');

    // Gone from the tree; its view says it was deleted, by whom and why, and offers the way back.
    await expect.poll(() => treeFile(page, 'styles.css').count()).toBe(0);
    expect(await page.getByTestId('deleted-files').locator('button.file').allTextContents()).toEqual(['styles.css']);
    await page.getByTestId('deleted-badge').waitFor();
    await expect
      .poll(() => page.getByTestId('deleted-notice').locator('p').textContent())
      .toBe('Deleted in v2: The page styles itself now. Choose an earlier version to see it, or to bring it back.');
    await expect.poll(() => page.getByTestId('version-details').textContent()).toContain('Written by you');
    const removed = page.getByTestId('diff-unified').locator('tr[data-kind="remove"] .diff-code');
    await expect.poll(() => removed.count()).toBe(styles.split('\n').length - 1);
    expect(await button(page, 'Delete file').count()).toBe(0);
    await auditScreen(page, 'artifacts-deleted-file', findings);
    expect(axeReport(findings)).toEqual([]);

    // The same deletion an agent's is: the feed says who deleted what and why.
    await page.goto(`${server.url}/run?project=${projectId}`);
    await expect
      .poll(() => page.getByText('You deleted styles.css: The page styles itself now.').count())
      .toBeGreaterThan(0);

    // Back from the deleted file's own view.
    await page.goto(`${server.url}/artifacts?project=${projectId}&path=styles.css`);
    await page.getByRole('button', { name: 'Revert styles.css to v1' }).click();
    await expect
      .poll(() => page.getByTestId('file-notice').textContent())
      .toBe('styles.css is back to version 1, as a new version.');
    await treeFile(page, 'styles.css').waitFor();
    expect(await page.getByTestId('deleted-files').count()).toBe(0);
    await expect.poll(() => page.getByTestId('code-view').textContent()).toContain(styles.split('\n')[0] ?? '');
  },
);
