/**
 * axe-core in real Chromium on every screen and the run's main states, in light and dark:
 * no violation of any impact. Each state is also photographed at desktop and phone sizes
 * into tests/e2e/.artifacts/screens/ (git-ignored) for a person to review the look.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { scriptTeam } from '../sim/agent-script.ts';
import type { Simulator } from '../sim/simulator.ts';
import { files, passingReview, teamPlan } from '../sim/team-answers.ts';
import { type AxeFinding, runAxe } from './harness/axe.ts';
import { artifactsDir, expect, test } from './harness/fixtures.ts';
import { createProject } from './harness/new-project.ts';
import { configureProvider } from './harness/provider-settings.ts';
import type { RunningServer } from './harness/server.ts';
import { startSimulatedServer, stopSimulatedServer } from './harness/simulated-server.ts';

let sim: Simulator;
let server: RunningServer;
beforeAll(async () => ({ sim, server } = await startSimulatedServer()));
afterAll(() => stopSimulatedServer({ sim, server }));

const screensDir = join(artifactsDir, 'screens');
const sizes = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;
const schemes = ['light', 'dark'] as const;

interface Finding extends AxeFinding {
  state: string;
  scheme: string;
}

/**
 * Audits the page as it is in both colour schemes (axe at desktop size, where every
 * region shows), and saves a screenshot of each scheme at each size.
 */
async function audit(page: Page, state: string, findings: Finding[]): Promise<void> {
  await mkdir(screensDir, { recursive: true });
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    // Let transitions end and the frame repaint in the new scheme before measuring contrast.
    await page.waitForTimeout(150);
    for (const finding of await runAxe(page)) findings.push({ ...finding, state, scheme });
    for (const size of sizes) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await page.screenshot({ path: join(screensDir, `${state}-${scheme}-${size.name}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: sizes[0].width, height: sizes[0].height });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const runStatus = (page: Page) => page.getByTestId('run-status').getAttribute('data-status');
const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

async function visit(page: Page, path: string, title: string) {
  await page.goto(`${server.url}${path}`);
  await expect.poll(() => heading(page)).toBe(title);
  await expect.poll(() => page.getByTestId('engine-status').textContent()).toBe('Engine ready');
}

function report(findings: Finding[]): string[] {
  return findings.map(
    (finding) =>
      `${finding.state} (${finding.scheme}): ${finding.rule} [${finding.impact ?? 'no impact'}] ${finding.help} — ${finding.targets.join(' | ')} — ${finding.summary}`,
  );
}

test('every screen of an empty device has no axe violation, light or dark', async ({ profile }) => {
  const { page } = profile;
  const findings: Finding[] = [];
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
    await audit(page, state, findings);
  }
  await page.goto(`${server.url}/no/such/view`);
  await expect.poll(() => heading(page)).toBe('Page not found');
  await audit(page, 'not-found', findings);
  expect(report(findings)).toEqual([]);
}, 180_000);

test('a Template project, its plan, its files, its replay and the router have no axe violation', async ({
  profile,
}) => {
  const { page } = profile;
  const findings: Finding[] = [];
  await createProject(page, server.url, { name: 'Starter', description: 'A small web app for a to-do list.' });
  await audit(page, 'run-idle', findings);
  await button(page, 'Start').click();
  await page.getByTestId('plan-review').waitFor();
  await audit(page, 'run-plan-review', findings);
  await button(page, 'Approve plan').click();
  await expect.poll(() => runStatus(page), { timeout: 30_000 }).toBe('stopped');
  await audit(page, 'run-complete', findings);
  const projectId = new URL(page.url()).searchParams.get('project') ?? '';

  await visit(page, `/artifacts?project=${projectId}`, 'Artifacts');
  await page.getByTestId('file-tree').waitFor();
  await page.getByTestId('code-view').first().waitFor();
  await audit(page, 'artifacts-file', findings);
  await visit(page, `/replay?project=${projectId}`, 'Replay');
  await page.getByTestId('replay-slider').waitFor();
  await audit(page, 'replay-project', findings);
  await visit(page, '/router', 'Router & costs');
  await audit(page, 'router-template', findings);
  await visit(page, '/', 'Projects');
  await page.getByTestId('project-list').waitFor();
  await audit(page, 'projects-list', findings);
  expect(report(findings)).toEqual([]);
}, 180_000);

test('a run with agents at work, paused and emergency-stopped has no axe violation', async ({ profile }) => {
  const { page } = profile;
  const findings: Finding[] = [];
  await visit(page, '/settings', 'Settings');
  await configureProvider(page, 'openai', sim.baseUrl('openai'), 'sk-proj-AxeRunKey-0123456789abcdef');
  await audit(page, 'settings-key', findings);
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
  await audit(page, 'run-running', findings);
  await button(page, 'Pause').click();
  await expect.poll(() => runStatus(page)).toBe('paused');
  await audit(page, 'run-paused', findings);
  await button(page, 'Emergency stop').click();
  await expect.poll(() => runStatus(page)).toBe('stopped');
  await audit(page, 'run-emergency-stop', findings);
  sim.respond('openai', undefined);

  await visit(page, '/', 'Projects');
  await page.getByTestId('project-list').waitFor();
  await audit(page, 'projects-stopped', findings);
  await visit(page, '/data', 'Data');
  await audit(page, 'data-projects', findings);
  expect(report(findings)).toEqual([]);
}, 180_000);
