/**
 * Durability at the edges, in real Chromium (issue 19). Faults are injected from the test
 * into the engine's own worker scope (Playwright evaluates in the page's dedicated
 * worker): nothing in the app knows of them.
 *
 * - Hand-over: three tabs on one project, the writer closed again and again, each writer's
 *   broadcasts of its commits dropped at random; every new writer must resume the run, and
 *   the observers must see the last writer's stop though its notice is lost.
 * - Storage full: IndexedDB writes refused with QuotaExceededError mid-run; the storage
 *   sentence at once (the time printed), and Continue once there is room resumes with no reload.
 */
import type { Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { roleOf, scriptTeam } from '../sim/agent-script.ts';
import type { Simulator } from '../sim/simulator.ts';
import { builderAnswer, files, passingReview, teamPlan } from '../sim/team-answers.ts';
import { configureProvider } from './harness/provider-settings.ts';
import type { RunningServer } from './harness/server.ts';
import { startSimulatedServer, stopSimulatedServer } from './harness/simulated-server.ts';
import { expect, test } from './harness/fixtures.ts';

let sim: Simulator;
let server: RunningServer;
beforeAll(async () => ({ sim, server } = await startSimulatedServer()));
afterAll(() => stopSimulatedServer({ sim, server }));
beforeEach(() => sim.respond('openai', undefined));

const storageSentence =
  'This device is out of room for Orchestra: free space or delete old projects in Data, then Continue.';
// 20 hand-overs in the suite, to keep its time; ORCHESTRA_HANDOVER_TRIALS=100 for the issue's
// full run (about 5 s a trial at load 20), ORCHESTRA_HANDOVER_SPARES for more tabs loading behind.
const trials = Number(process.env['ORCHESTRA_HANDOVER_TRIALS'] ?? 20);
const spares = Number(process.env['ORCHESTRA_HANDOVER_SPARES'] ?? 0);
const runStatus = (page: Page) => page.getByTestId('run-status').getAttribute('data-status');
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/** The engine's dedicated worker of a page (named `orchestra-engine` by web/worker-client.ts). */
async function engineWorker(page: Page): Promise<Worker> {
  for (let tries = 0; tries < 100; tries += 1) {
    for (const worker of page.workers()) {
      const name = await worker.evaluate(() => self.name).catch(() => '');
      if (name === 'orchestra-engine') return worker;
    }
    await page.waitForTimeout(50);
  }
  throw new Error('The engine worker did not start.');
}

/** From now on this tab's engine broadcasts none of its commits to the other tabs. */
async function dropCommitBroadcasts(page: Page): Promise<void> {
  const worker = await engineWorker(page);
  await worker.evaluate(() => {
    // Called with the channel as `this` below.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const post = BroadcastChannel.prototype.postMessage;
    BroadcastChannel.prototype.postMessage = function (this: BroadcastChannel, message: unknown) {
      if ((message as { kind?: string } | null)?.kind === 'appended') return;
      post.call(this, message);
    };
  });
}

async function newProject(page: Page, name: string, autoApprove = false): Promise<string> {
  await page.goto(`${server.url}/new`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Description').fill('A notes service with a small web page.');
  if (autoApprove) await page.getByLabel('Approve plans automatically').check();
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(/\/run\?project=/);
  return page.url();
}

async function openRun(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('project-name').waitFor();
}

/**
 * The role the app states: only the writer may send the team a message (its box is
 * enabled, an observer's is not). The page learns its role from `watchProject`, which
 * tells the role as it is when it starts, so a tab that took over while it loaded says so.
 */
const writerSign = (tab: Page) => tab.locator('#message:enabled');

/** The one tab among `tabs` that says it is the writer, once one does. */
async function writerOf(tabs: readonly Page[]): Promise<Page> {
  let writers: Page[] = [];
  await expect
    .poll(
      async () => {
        writers = [];
        for (const tab of tabs) if ((await writerSign(tab).count()) === 1) writers.push(tab);
        return writers.length;
      },
      { timeout: 20_000, interval: 25, message: 'no tab says it took over as the writer' },
    )
    .toBeGreaterThan(0);
  expect(writers).toHaveLength(1);
  return writers[0] as Page;
}

// Three tabs (writer and two observers, plus `spares`); each trial closes the writer, and
// the tab the browser grants the lock to must resume the run. Which tab that is, is read
// from what each tab says of itself, never assumed from the order the tabs were opened.
test(
  'hand-over between three tabs, again and again, each writer’s broadcasts dropped at random: every new writer resumes',
  async ({ profile }) => {
    const { page, context } = profile;
    await page.goto(`${server.url}/settings`);
    await configureProvider(page, 'openai', sim.baseUrl('openai'), 'sk-proj-E2eHandOverKey-0123456789abcdef');
    // The Project Manager never answers: each writer's recovery calls it again, and that
    // call reaching the simulator is the proof that the new writer resumed the run.
    scriptTeam(sim, 'openai', { 'project-manager': { kind: 'hang', after: 'request' } });
    const planCalls = () => sim.requests.filter((request) => roleOf(request) === 'project-manager').length;
    const url = await newProject(page, 'Hand-over');
    await button(page, 'Start').click();
    await expect.poll(planCalls, { timeout: 20_000 }).toBe(1);

    // Every tab is an observer once loaded; half of them, at random, will broadcast none
    // of their commits when their turn as writer comes (and their last one with them).
    const tabs: Page[] = [page];
    const ready = new Map<Page, Promise<boolean>>([[page, Promise.resolve(false)]]);
    const openTab = async () => {
      const tab = await context.newPage();
      tabs.push(tab);
      ready.set(
        tab,
        openRun(tab, url).then(async () => {
          // Its engine knows its part: an observer (or, its turn come early, the writer).
          await tab.getByTestId('observer-banner').or(writerSign(tab)).first().waitFor();
          const drop = Math.random() < 0.5;
          if (drop) await dropCommitBroadcasts(tab);
          return drop;
        }),
      );
    };
    while (tabs.length < 3 + spares) await openTab();
    await Promise.all(ready.values());

    let dropped = 0;
    const started = performance.now();
    const resumeMs: number[] = [];
    let writer = page;
    for (let trial = 1; trial <= trials; trial += 1) {
      // The observer that has waited longest for the lock should take over: let it load.
      tabs.splice(tabs.indexOf(writer), 1);
      await ready.get(tabs[0] as Page);
      const before = planCalls();
      const closed = performance.now();
      await writer.close();
      ready.delete(writer);
      try {
        await expect
          .poll(planCalls, { timeout: 20_000, interval: 25, message: `trial ${trial}: the new writer did not resume` })
          .toBeGreaterThan(before);
      } catch (error) {
        // What each tab says of itself, for whoever reads the failure.
        for (const [index, tab] of tabs.entries()) {
          const said = {
            index,
            banner: await tab.getByTestId('observer-banner').count(),
            writerBox: await writerSign(tab).count(),
            status: await tab
              .getByTestId('run-status')
              .getAttribute('data-status', { timeout: 500 })
              .catch(() => null),
            pause: await tab
              .getByTestId('pause-banner')
              .textContent({ timeout: 500 })
              .catch(() => null),
            notice: await tab
              .getByTestId('engine-notice')
              .textContent({ timeout: 500 })
              .catch(() => null),
          };
          process.stdout.write(`hand-over trial ${trial}, tab ${JSON.stringify(said)}\n`);
        }
        throw error;
      }
      resumeMs.push(performance.now() - closed);
      writer = await writerOf(tabs);
      if (await ready.get(writer)) dropped += 1;
      await openTab();
    }
    await Promise.all(ready.values());
    writer = await writerOf(tabs);
    expect(await writer.getByTestId('observer-banner').count()).toBe(0);
    expect(await runStatus(writer)).toBe('running');
    expect(dropped).toBeGreaterThan(0);

    // The writer stops the run and the notice of it is lost (the chaos run's observers said
    // "running" while the writer was paused): each observer reads it from the log on its
    // periodic check. (While the plan is written, Emergency stop is the control there is.)
    await dropCommitBroadcasts(writer);
    await button(writer, 'Emergency stop').click();
    await expect.poll(() => runStatus(writer), { timeout: 30_000 }).not.toBe('running');
    const ended = await runStatus(writer);
    for (const tab of tabs) {
      if (tab === writer) continue;
      await expect
        .poll(() => runStatus(tab), { timeout: 30_000, message: 'an observer missed the end of the run' })
        .toBe(ended);
    }
    resumeMs.sort((a, b) => a - b);
    process.stdout.write(
      `hand-over: ${trials} trials in ${Math.round((performance.now() - started) / 1000)} s (${spares} spare tabs), ${dropped} writers with broadcasts dropped; resume median ${Math.round(resumeMs[Math.floor(resumeMs.length / 2)] ?? 0)} ms, max ${Math.round(resumeMs.at(-1) ?? 0)} ms\n`,
    );
  },
  60_000 + trials * 15_000,
);

test('a full disk mid-run: the storage sentence at once, Continue after freeing resumes with no reload, nothing lost', async ({
  profile,
}) => {
  const { page } = profile;
  await page.goto(`${server.url}/settings`);
  await configureProvider(page, 'openai', sim.baseUrl('openai'), 'sk-proj-E2eStorageFullKey-0123456789abc');
  const slow = { firstTokenMs: 300, tokensPerSecond: 300 };
  scriptTeam(sim, 'openai', {
    'project-manager': { kind: 'json', value: teamPlan },
    'code-generator': (request) => ({ ...builderAnswer(request), ...slow }),
    'ui-designer': { kind: 'json', value: files.ui, ...slow },
    'test-writer': { kind: 'json', value: files.tests, ...slow },
    debugger: { kind: 'json', value: passingReview, ...slow },
  });
  await newProject(page, 'Full disk', true);
  await button(page, 'Start').click();
  await expect.poll(() => page.locator('.output-pane').count(), { timeout: 30_000 }).toBeGreaterThan(0);
  // Marks this document: a reload would lose it.
  await page.evaluate(() => document.documentElement.setAttribute('data-same-document', 'yes'));

  const worker = await engineWorker(page);
  await worker.evaluate(() => {
    const scope = self as unknown as { orchestraFull?: boolean };
    scope.orchestraFull = true;
    const proto = IDBObjectStore.prototype;
    for (const method of ['add', 'put'] as const) {
      // Called with the store as `this` below.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      const original = proto[method] as (...args: unknown[]) => IDBRequest;
      (proto as unknown as Record<string, unknown>)[method] = function (this: IDBObjectStore, ...args: unknown[]) {
        if (scope.orchestraFull) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return original.apply(this, args);
      };
    }
  });
  const full = performance.now();
  await expect
    .poll(async () => (await page.getByTestId('pause-banner').textContent()) ?? '', { timeout: 30_000, interval: 20 })
    .toContain(storageSentence);
  // The time it took is printed below, not asserted: under load a bound in ms only flakes.
  const shownMs = performance.now() - full;
  expect(await runStatus(page)).toBe('paused');

  // Space is freed; Continue resumes in the same document.
  await worker.evaluate(() => {
    (self as unknown as { orchestraFull?: boolean }).orchestraFull = false;
  });
  await button(page, 'Continue orchestra').click();
  // The run ends by running the project's Python tests in the tab (Pyodide): slow on a busy machine.
  await expect.poll(() => runStatus(page), { timeout: 150_000 }).toBe('stopped');
  expect(await page.getByTestId('run-message').textContent()).toMatch(/^Every task is done/);
  expect(await page.evaluate(() => document.documentElement.getAttribute('data-same-document'))).toBe('yes');
  expect(await page.getByTestId('pause-banner').count()).toBe(0);
  process.stdout.write(`storage full: the sentence shown ${Math.round(shownMs)} ms after the first refused write\n`);
}, 240_000);
