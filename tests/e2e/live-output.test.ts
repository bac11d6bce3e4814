/**
 * Issue 20, point 6: an agent's answer streams into the Live run screen as the files it is
 * writing — each under its path, highlighted, growing as tokens arrive — and the raw
 * answer is one click away.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { scriptTeam } from '../sim/agent-script.ts';
import type { Simulator } from '../sim/simulator.ts';
import { files, passingReview, teamPlan } from '../sim/team-answers.ts';
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

test('files stream in as highlighted code under their paths, growing; the raw answer is one click away', async ({
  profile,
}) => {
  const { page } = profile;
  await page.goto(`${server.url}/settings`);
  await configureProvider(page, 'openai', sim.baseUrl('openai'), 'sk-proj-LiveOutKey-0123456789abcdef');
  // The page designer writes slowly (its three files take seconds); nothing else gets in the way.
  scriptTeam(sim, 'openai', {
    'project-manager': { kind: 'json', value: teamPlan },
    'code-generator': { kind: 'hang', after: 'request' },
    'ui-designer': { kind: 'json', value: files.ui, firstTokenMs: 300, tokensPerSecond: 5 },
    'test-writer': { kind: 'hang', after: 'request' },
    debugger: { kind: 'json', value: passingReview },
  });
  await createProject(page, server.url, { name: 'Streamed', description: 'A notes service with a small web page.' });
  await button(page, 'Start').click();
  await page.getByTestId('plan-review').waitFor();
  await button(page, 'Approve plan').click();

  const pane = page.locator('[data-testid="live-output"] .output-pane[data-task-id="ui"]');
  const file = pane.locator('.streamed-file[data-path="index.html"]');
  await file.waitFor();
  // Caught early, while the file is still being written.
  const early = (await file.locator('.code-view code').textContent()) ?? '';
  const raw = pane.getByRole('button', { name: 'Raw answer' });
  expect(await raw.getAttribute('aria-pressed')).toBe('false');
  await raw.click();
  expect(await raw.getAttribute('aria-pressed')).toBe('true');
  expect(await pane.locator('.output-raw').textContent()).toContain('{"files":[{"path":"index.html"');
  await raw.click();
  await file.waitFor();
  // Its path heads it; it grows as the answer streams: the text then is the start of the text later.
  expect(await file.locator('.file-path').textContent()).toBe('index.html');
  await expect
    .poll(async () => ((await file.locator('.code-view code').textContent()) ?? '').length)
    .toBeGreaterThan(early.length);
  const later = (await file.locator('.code-view code').textContent()) ?? '';
  expect(later.startsWith(early)).toBe(true);
  // Unescaped, real lines of HTML, coloured by the app's highlighter (DOM nodes, not markup).
  expect(later).toContain('<!doctype html>\n<title>');
  expect(later).not.toContain('\\n');
  await expect.poll(() => file.locator('code span[class^="hljs-"]').count()).toBeGreaterThan(0);
  // The next file starts under its own path once the first is whole.
  await pane.locator('.streamed-file[data-path="app.js"]').waitFor();
  expect(await file.getAttribute('data-complete')).toBe('true');
  expect(await file.locator('.streamed-file-head').textContent()).toMatch(/\d+ lines$/);

  sim.respond('openai', undefined);
  await button(page, 'Emergency stop').click();
});
