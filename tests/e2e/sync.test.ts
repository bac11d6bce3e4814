/**
 * Two devices, as two Chromium profiles (separate storage) against one real server:
 * pairing through Settings › Sync, a run on one watched live on the other through
 * random disconnects and a server restart, identical logs at the end (compared as
 * exported bundles); a run taken over by the other device when the first one closes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { roleOf, scriptTeam } from '../sim/agent-script.ts';
import { type Simulator, startSimulator } from '../sim/simulator.ts';
import { builderAnswer, files, passingReview, teamPlan } from '../sim/team-answers.ts';
import { type Profile, launchProfile } from './harness/browser.ts';
import { expect, test } from './harness/fixtures.ts';
import { createProject } from './harness/new-project.ts';
import { configureProvider } from './harness/provider-settings.ts';
import { type RunningServer, startServer } from './harness/server.ts';

let dataDir: string;
let server: RunningServer;
let sim: Simulator;
const env = () => ({ ORCHESTRA_DATA_DIR: dataDir, ORCHESTRA_CONNECT_SRC: sim.origin });
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'orchestra-sync-e2e-'));
  sim = await startSimulator();
  server = await startServer({ env: env() });
});
afterAll(async () => {
  await server.stop();
  await sim.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** The server killed and started again on the same port and data. */
async function restartServer(): Promise<void> {
  await server.stop();
  server = await startServer({ env: { ...env(), PORT: String(server.port) } });
}

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const runStatus = (page: Page) => page.getByTestId('run-status').getAttribute('data-status');
const syncState = (page: Page) => page.getByTestId('sync-state').textContent();

/** A on Settings › Sync makes a space; B joins it through the pairing link. */
async function pair(a: Page, b: Page): Promise<void> {
  await a.goto(`${server.url}/settings`);
  await a.getByLabel("This device's name").fill('laptop');
  await button(a, 'Create a space').click();
  const secret = await a.getByTestId('sync-secret').inputValue();
  expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await expect.poll(() => syncState(a)).toBe('Connected.');
  const link = await a.getByTestId('sync-link').inputValue();
  expect(link).toBe(`${server.url}/settings#join=${secret}`);

  await b.goto(link);
  await expect.poll(() => b.getByLabel('Secret from another device').inputValue()).toBe(secret);
  await b.getByLabel("This device's name").fill('phone');
  await button(b, 'Join the space').click();
  await expect.poll(() => syncState(b)).toBe('Connected.');
}

/** The project's bundle as the Data page exports it. */
async function exported(page: Page, name: string): Promise<{ events: Array<{ id: string; seq: number }> }> {
  await page.goto(`${server.url}/data`);
  // The name cell exactly: "Apart" must not also find "Apart (from laptop)".
  const row = page
    .getByTestId('project-usage')
    .locator('tbody tr')
    .filter({ has: page.getByRole('cell', { name, exact: true }) });
  await row.waitFor();
  const downloading = page.waitForEvent('download');
  await row.getByRole('button', { name: 'Export' }).click();
  const file = await (await downloading).path();
  return JSON.parse(await readFile(file, 'utf8')) as { events: Array<{ id: string; seq: number }> };
}

/** The project list, read again until it names `name` (a synced project lands meanwhile). */
async function waitForListed(page: Page, name: string | RegExp): Promise<void> {
  const link = page.getByTestId('project-list').getByRole('link', { name, exact: typeof name === 'string' });
  await expect
    .poll(
      async () => {
        await page.goto(server.url);
        await page.getByTestId('project-list').or(page.getByText('No projects yet')).first().waitFor();
        return link.count();
      },
      { timeout: 30_000, interval: 1000 },
    )
    .toBe(1);
}

async function openProject(page: Page, name: string): Promise<void> {
  await waitForListed(page, name);
  await page.getByTestId('project-list').getByRole('link', { name, exact: true }).click();
  await page.waitForURL(/\/run\?project=/);
}

test('a run on device A is watched live on device B through disconnects and a server restart; both end with the same log', async ({
  profile,
}) => {
  const a = profile.page;
  const other: Profile = await launchProfile();
  const b = other.page;
  try {
    await pair(a, b);
    await createProject(a, server.url, {
      name: 'Starter',
      description: 'An API service for a to-do list.',
      template: 'api-service',
    });
    await openProject(b, 'Starter');
    await expect.poll(() => b.getByTestId('sync-badge').getAttribute('data-remote')).toBe('true');

    await button(a, 'Start').click();
    await a.getByTestId('plan-review').waitFor();
    // B sees the plan A is asked to approve, live.
    await expect.poll(() => b.getByTestId('plan-review').count(), { timeout: 20_000 }).toBe(1);

    // Both devices drop off the network in turn, and the server goes down and back.
    await other.context.setOffline(true);
    await button(a, 'Approve plan').click();
    await profile.context.setOffline(true);
    await new Promise((resolve) => setTimeout(resolve, 800));
    await other.context.setOffline(false);
    await restartServer();
    await profile.context.setOffline(false);

    await expect.poll(() => runStatus(a), { timeout: 60_000 }).toBe('stopped');
    await expect.poll(() => runStatus(b), { timeout: 60_000 }).toBe('stopped');
    await expect
      .poll(() => b.getByTestId('feed').textContent(), { timeout: 30_000 })
      .toContain('created package.json from a template — Template (no AI).');

    const fromA = await exported(a, 'Starter');
    // B may still be folding the last batch: compare once it holds as many events.
    let fromB = await exported(b, 'Starter');
    for (let i = 0; i < 20 && fromB.events.length < fromA.events.length; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      fromB = await exported(b, 'Starter');
    }
    const ids = (bundle: typeof fromA) => bundle.events.map((event) => `${event.seq}:${event.id}`);
    expect(fromA.events.length).toBeGreaterThan(10);
    expect(ids(fromB)).toEqual(ids(fromA)); // 0 lost, 0 duplicated, same order
    expect(new Set(ids(fromB)).size).toBe(fromB.events.length);
  } finally {
    await other.close();
  }
});

test('two devices that ran one project apart both keep their work: the later one becomes a copy, on both', async ({
  profile,
}) => {
  const a = profile.page;
  const other: Profile = await launchProfile();
  const b = other.page;
  const runToEnd = async (page: Page) => {
    await button(page, 'Start').click();
    await page.getByTestId('plan-review').waitFor();
    await button(page, 'Approve plan').click();
    await expect.poll(() => runStatus(page), { timeout: 60_000 }).toBe('stopped');
  };
  try {
    await pair(a, b);
    await createProject(a, server.url, {
      name: 'Apart',
      description: 'An API service for a reading list.',
      template: 'api-service',
    });
    await openProject(b, 'Apart');
    await expect.poll(() => b.getByTestId('sync-badge').getAttribute('data-remote')).toBe('true');
    const shared = (await exported(b, 'Apart')).events.length;

    // A loses the network and runs the project (on its run page); B takes it over and runs it too.
    await profile.context.setOffline(true);
    await runToEnd(a);
    await openProject(b, 'Apart');
    await button(b, 'Take over here').click();
    await expect.poll(() => b.getByTestId('sync-badge').getAttribute('data-remote')).toBe('false');
    await runToEnd(b);
    await expect.poll(() => b.getByTestId('sync-badge').textContent()).toContain('up to date on the server');
    const phone = await exported(b, 'Apart');

    // A comes back: its side becomes "Apart (from laptop)"; the project is B's version.
    await profile.context.setOffline(false);
    await waitForListed(a, 'Apart (from laptop)');
    await waitForListed(b, 'Apart (from laptop)');
    const ids = (bundle: { events: Array<{ id: string; seq: number }> }) =>
      bundle.events.map((event) => `${event.seq}:${event.id}`);
    await expect.poll(async () => ids(await exported(a, 'Apart')), { timeout: 30_000 }).toEqual(ids(phone));
    const copy = await exported(a, 'Apart (from laptop)');
    // The copy: the shared start, then A's own run (none of it in B's version), then the rename.
    expect(ids(copy).slice(0, shared)).toEqual(ids(phone).slice(0, shared));
    const laptopOnly = copy.events.slice(shared, -1).map((event) => event.id);
    expect(laptopOnly.length).toBeGreaterThan(10);
    const phoneIds = new Set(phone.events.map((event) => event.id));
    expect(laptopOnly.filter((id) => phoneIds.has(id))).toEqual([]);
    await expect
      .poll(async () => ids(await exported(b, 'Apart (from laptop)')), { timeout: 30_000 })
      .toEqual(ids(copy));
    // One copy, not one per device or per retry: each lists the project and its copy once.
    for (const page of [a, b]) {
      await page.goto(server.url);
      const links = page.getByTestId('project-list').getByRole('link', { name: /^Apart/ });
      await expect.poll(async () => (await links.allTextContents()).sort()).toEqual(['Apart', 'Apart (from laptop)']);
    }
  } finally {
    await other.close();
  }
}, 180_000);

test('a run whose device closes mid-call is taken over on the other, which finishes it; no task runs twice', async ({
  profile,
}) => {
  // A is a profile of its own, closed mid-run; B is the test's.
  const laptop: Profile = await launchProfile();
  const a = laptop.page;
  const b = profile.page;
  let closed = false;
  try {
    // The code's first call never answers: A is closed while it waits.
    scriptTeam(sim, 'openai', {
      'project-manager': { kind: 'json', value: teamPlan },
      'code-generator': (request, nth) => (nth === 1 ? { kind: 'hang', after: 'first-token' } : builderAnswer(request)),
      'ui-designer': { kind: 'json', value: files.ui },
      'test-writer': { kind: 'json', value: files.tests },
      debugger: { kind: 'json', value: passingReview },
    });
    for (const [page, key] of [
      [a, 'sk-proj-SyncLaptopKey-0123456789abcdef'],
      [b, 'sk-proj-SyncPhoneKey-0123456789abcdef'],
    ] as const) {
      await page.goto(`${server.url}/settings`);
      await configureProvider(page, 'openai', sim.baseUrl('openai'), key);
    }
    await pair(a, b);
    await createProject(a, server.url, { name: 'Handed over', description: 'A notes service with a small web page.' });
    await button(a, 'Start').click();
    await a.getByTestId('plan-review').waitFor();
    await button(a, 'Approve plan').click();
    const codeCalls = () => sim.requests.filter((request) => roleOf(request) === 'code-generator').length;
    await expect.poll(codeCalls, { timeout: 30_000 }).toBe(1);

    await openProject(b, 'Handed over');
    await expect.poll(() => b.getByTestId('sync-badge').getAttribute('data-remote')).toBe('true');
    // B holds what A wrote up to the call in flight: the plan approved, the code started.
    await expect
      .poll(() => b.locator('[data-testid="task-list"] li[data-status="running"]').count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await laptop.close();
    closed = true;

    // B takes the run over: the task A left running is run again here, and the run ends.
    await button(b, 'Take over here').click();
    await expect.poll(() => b.getByTestId('sync-badge').getAttribute('data-remote')).toBe('false');
    await expect.poll(() => runStatus(b), { timeout: 90_000 }).toBe('stopped');
    expect(await b.getByTestId('run-status').textContent()).toContain('Completed');
    expect(codeCalls()).toBeGreaterThanOrEqual(2);
    // And B's run reached the server, A's epoch fenced.
    await expect.poll(() => b.getByTestId('sync-badge').textContent()).toContain('up to date on the server');

    const log = (await exported(b, 'Handed over')) as unknown as {
      events: Array<{ id: string; seq: number; type: string; payload: { taskId?: string } }>;
    };
    // Every task completed once, whichever device ran it; one gap-free log.
    const completed = log.events.filter((event) => event.type === 'task-complete').map((event) => event.payload.taskId);
    expect(completed.sort()).toEqual(['api', 'plan', 'review', 'tests', 'ui']);
    expect(log.events.map((event) => event.seq)).toEqual(log.events.map((_, i) => i + 1));
  } finally {
    sim.respond('openai', undefined);
    if (!closed) await laptop.close();
  }
}, 240_000);

test('a project deleted on every device from the Data page leaves the other device’s list', async ({ profile }) => {
  const a = profile.page;
  const other: Profile = await launchProfile();
  const b = other.page;
  try {
    await pair(a, b);
    await createProject(a, server.url, {
      name: 'Gone everywhere',
      description: 'A to-do API.',
      template: 'api-service',
    });
    await createProject(a, server.url, { name: 'Stays', description: 'A reading-list API.', template: 'api-service' });
    await waitForListed(b, 'Gone everywhere');
    await waitForListed(b, 'Stays');

    await a.goto(`${server.url}/data`);
    const row = a
      .getByTestId('project-usage')
      .locator('tbody tr')
      .filter({ has: a.getByRole('cell', { name: 'Gone everywhere', exact: true }) });
    await row.getByRole('button', { name: 'Delete', exact: true }).click();
    await row.getByRole('button', { name: 'Delete on every device' }).click();
    await expect
      .poll(() => a.getByTestId('storage-notice').textContent())
      .toBe('Deleted “Gone everywhere” here and on the other devices of the space.');

    const listed = async (page: Page) => {
      await page.goto(server.url);
      await page.getByTestId('project-list').waitFor();
      return (await page.getByTestId('project-list').getByRole('link').allTextContents()).filter((name) =>
        ['Gone everywhere', 'Stays'].some((wanted) => name.includes(wanted)),
      );
    };
    await expect.poll(() => listed(b), { timeout: 30_000, interval: 1000 }).toEqual(['Stays']);
    expect(await listed(a)).toEqual(['Stays']);
  } finally {
    await other.close();
  }
}, 120_000);
