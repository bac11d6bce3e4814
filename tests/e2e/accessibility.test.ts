/**
 * axe-core in real Chromium on every screen and the run's states, in light and dark, at
 * desktop and phone sizes: no violation of any impact. Each state is also photographed
 * into tests/e2e/.artifacts/screens/ (git-ignored) for a person to review the look. Other
 * e2e tests audit the states they reach (banners, the unlock form, change plans) the same way.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { scriptTeam } from '../sim/agent-script.ts';
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

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const runStatus = (page: Page) => page.getByTestId('run-status').getAttribute('data-status');
const runPhase = (page: Page) => page.getByTestId('run-status').getAttribute('data-phase');
const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

async function visit(page: Page, path: string, title: string) {
  await page.goto(`${server.url}${path}`);
  await expect.poll(() => heading(page)).toBe(title);
  await expect.poll(() => page.getByTestId('engine-status').textContent()).toBe('Engine ready');
}

test('every screen of an empty device has no axe violation, light or dark', async ({ profile }) => {
  const { page } = profile;
  const findings: ScreenFinding[] = [];
  const screens = [
    ['/', 'Projects', 'projects-empty'],
    ['/new', 'New project', 'new-project'],
    ['/run', 'Live run', 'run-none'],
    ['/artifacts', 'Artifacts', 'artifacts-none'],
    ['/replay', 'Replay', 'replay-none'],
    ['/router', 'Router & costs', 'router-empty'],
    ['/data', 'Data', 'data'],
    ['/settings', 'Settings', 'settings'],
  ] as const;
  for (const [path, title, state] of screens) {
    await visit(page, path, title);
    await auditScreen(page, state, findings);
  }
  await page.goto(`${server.url}/no/such/view`);
  await expect.poll(() => heading(page)).toBe('Page not found');
  await auditScreen(page, 'not-found', findings);
  expect(axeReport(findings)).toEqual([]);
}, 180_000);

test('a Template project, its plan, its files, its replay and the router have no axe violation', async ({
  profile,
}) => {
  const { page } = profile;
  const findings: ScreenFinding[] = [];
  await createProject(page, server.url, { name: 'Starter', description: 'A small web app for a to-do list.' });
  await auditScreen(page, 'run-idle', findings);
  await button(page, 'Start').click();
  await page.getByTestId('plan-review').waitFor();
  await auditScreen(page, 'run-plan-review', findings);
  await button(page, 'Approve plan').click();
  await expect.poll(() => runStatus(page), { timeout: 30_000 }).toBe('stopped');
  await auditScreen(page, 'run-complete', findings);
  const projectId = new URL(page.url()).searchParams.get('project') ?? '';

  await visit(page, `/artifacts?project=${projectId}`, 'Artifacts');
  await page.getByTestId('file-tree').waitFor();
  await page.getByTestId('code-view').first().waitFor();
  await auditScreen(page, 'artifacts-file', findings);
  await visit(page, `/replay?project=${projectId}`, 'Replay');
  await page.getByTestId('replay-slider').waitFor();
  await auditScreen(page, 'replay-project', findings);
  await visit(page, '/router', 'Router & costs');
  await auditScreen(page, 'router-template', findings);
  await visit(page, '/', 'Projects');
  await page.getByTestId('project-list').waitFor();
  await auditScreen(page, 'projects-list', findings);
  expect(axeReport(findings)).toEqual([]);
}, 180_000);

test('a run being planned has no axe violation', async ({ profile }) => {
  const { page } = profile;
  const findings: ScreenFinding[] = [];
  await visit(page, '/settings', 'Settings');
  await configureProvider(page, 'openai', sim.baseUrl('openai'), 'sk-proj-AxePlanKey-0123456789abcdef');
  // The Project Manager starts its answer and never ends it: the run stays in planning.
  scriptTeam(sim, 'openai', { 'project-manager': { kind: 'hang', after: 'first-token' } });
  await createProject(page, server.url, { name: 'Planning', description: 'A notes service with a small web page.' });
  await button(page, 'Start').click();
  await expect.poll(() => runPhase(page)).toBe('planning');
  await auditScreen(page, 'run-planning', findings);
  await button(page, 'Emergency stop').click();
  await expect.poll(() => runStatus(page)).toBe('stopped');
  sim.respond('openai', undefined);
  expect(axeReport(findings)).toEqual([]);
}, 120_000);

test('a run with agents at work, paused and emergency-stopped has no axe violation', async ({ profile }) => {
  const { page } = profile;
  const findings: ScreenFinding[] = [];
  await visit(page, '/settings', 'Settings');
  await configureProvider(page, 'openai', sim.baseUrl('openai'), 'sk-proj-AxeRunKey-0123456789abcdef');
  await auditScreen(page, 'settings-key', findings);
  // The page designer streams slowly; the code never comes.
  scriptTeam(sim, 'openai', {
    'project-manager': { kind: 'json', value: teamPlan },
    'code-generator': { kind: 'hang', after: 'first-token' },
    'ui-designer': { kind: 'json', value: files.ui, firstTokenMs: 200, tokensPerSecond: 6 },
    'test-writer': { kind: 'json', value: files.tests },
    debugger: { kind: 'json', value: passingReview },
  });
  await createProject(page, server.url, { name: 'Notes', description: 'A notes service with a small web page.' });
  await button(page, 'Start').click();
  await page.getByTestId('plan-review').waitFor();
  await button(page, 'Approve plan').click();
  await expect.poll(() => page.locator('[data-testid="task-list"] li[data-status="running"]').count()).toBe(2);
  await page.waitForTimeout(1500);
  await auditScreen(page, 'run-running', findings);
  await button(page, 'Pause').click();
  await expect.poll(() => runStatus(page)).toBe('paused');
  // The code's call hangs in flight, so the run is still pausing: the badge and sentence say so.
  expect(await runPhase(page)).toBe('pausing');
  await auditScreen(page, 'run-paused', findings);
  await button(page, 'Emergency stop').click();
  await expect.poll(() => runStatus(page)).toBe('stopped');
  await auditScreen(page, 'run-emergency-stop', findings);
  sim.respond('openai', undefined);

  await visit(page, '/', 'Projects');
  await page.getByTestId('project-list').waitFor();
  await auditScreen(page, 'projects-stopped', findings);
  await visit(page, '/data', 'Data');
  await auditScreen(page, 'data-projects', findings);
  expect(axeReport(findings)).toEqual([]);
}, 180_000);

test('a failed task, a run ended failed, one complete without a cancelled task, and one stopped by you have no axe violation', async ({
  profile,
}) => {
  const { page } = profile;
  const findings: ScreenFinding[] = [];
  await visit(page, '/settings', 'Settings');
  await configureProvider(page, 'openai', sim.baseUrl('openai'), 'sk-proj-AxeEndsKey-0123456789abcdef');
  // The page's designer is refused by the provider every time.
  scriptTeam(sim, 'openai', {
    'project-manager': { kind: 'json', value: teamPlan },
    'code-generator': (request) => builderAnswer(request),
    'ui-designer': { kind: 'bad-request' },
    'test-writer': { kind: 'json', value: files.tests },
    debugger: { kind: 'json', value: passingReview },
  });
  await createProject(page, server.url, { name: 'Ends', description: 'A notes service with a small web page.' });
  await button(page, 'Start').click();
  await page.getByTestId('plan-review').waitFor();
  await button(page, 'Approve plan').click();
  const banner = page.getByTestId('pause-banner');
  await expect.poll(() => banner.getAttribute('data-kind'), { timeout: 60_000 }).toBe('failure');
  await expect.poll(() => runPhase(page)).toBe('paused');
  await auditScreen(page, 'run-paused-failure', findings);

  await button(page, 'Stop run').click();
  await expect.poll(() => runStatus(page)).toBe('stopped');
  expect(await page.getByTestId('run-status').textContent()).toContain('Failed');
  await auditScreen(page, 'run-ended-failed', findings);

  // Start goes on; the page fails again, and the sentence's "Cancel task to go on without
  // it" meets an enabled button: the run ends complete without it.
  await button(page, 'Start').click();
  await expect.poll(() => banner.getAttribute('data-kind'), { timeout: 60_000 }).toBe('failure');
  await expect.poll(() => runPhase(page)).toBe('paused');
  expect(await banner.textContent()).toContain('Cancel task');
  const cancel = page.locator('button[data-task-id="ui"][data-action="cancel"]');
  expect(await cancel.isEnabled()).toBe(true);
  await cancel.click();
  await expect.poll(() => runStatus(page), { timeout: 60_000 }).toBe('stopped');
  expect(await page.getByTestId('run-status').textContent()).toContain('Completed, tasks cancelled');
  await auditScreen(page, 'run-complete-cancelled', findings);

  // A second project, paused mid-run and stopped by you.
  scriptTeam(sim, 'openai', {
    'project-manager': { kind: 'json', value: teamPlan },
    'code-generator': (request) => builderAnswer(request, { firstTokenMs: 300 }),
    'ui-designer': { kind: 'json', value: files.ui, firstTokenMs: 300 },
    'test-writer': { kind: 'json', value: files.tests },
    debugger: { kind: 'json', value: passingReview },
  });
  await createProject(page, server.url, { name: 'Stopped by you', description: 'A notes service with a page.' });
  await button(page, 'Start').click();
  await page.getByTestId('plan-review').waitFor();
  await button(page, 'Approve plan').click();
  await expect
    .poll(() => page.locator('[data-testid="task-list"] li[data-status="running"]').count())
    .toBeGreaterThan(0);
  await button(page, 'Pause').click();
  await expect.poll(() => runPhase(page), { timeout: 30_000 }).toBe('paused');
  await button(page, 'Stop run').click();
  await expect.poll(() => runStatus(page)).toBe('stopped');
  expect(await page.getByTestId('run-status').textContent()).toContain('Stopped by you');
  await auditScreen(page, 'run-stopped-by-you', findings);
  sim.respond('openai', undefined);
  expect(axeReport(findings)).toEqual([]);
}, 240_000);
