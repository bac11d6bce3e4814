/**
 * Run and check inside an AI build, through the real OpenAI SDK and the simulator: a
 * planted off-by-one fails a test, the Debugger is shown the failure, a fix task follows
 * and the suite goes green; hostile test code is contained by the sandbox.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { scriptTeam, roleOf } from '../sim/agent-script.ts';
import {
  checkedPlan,
  codeAnswer,
  endlessAnswer,
  greedyAnswer,
  hostileAnswer,
  testsAnswer,
} from '../sim/checked-project.ts';
import type { Simulator } from '../sim/simulator.ts';
import { passingReview } from '../sim/team-answers.ts';
import { configureProvider } from './harness/provider-settings.ts';
import type { RunningServer } from './harness/server.ts';
import { startSimulatedServer, stopSimulatedServer } from './harness/simulated-server.ts';
import { expect, test } from './harness/fixtures.ts';
import { createProject } from './harness/new-project.ts';

let sim: Simulator;
let server: RunningServer;
beforeAll(async () => ({ sim, server } = await startSimulatedServer()));
afterAll(() => stopSimulatedServer({ sim, server }));
beforeEach(() => sim.respond('openai', undefined));

const key = 'sk-proj-ChecksRunKey-0123456789abcdef';

/** Every record of every object store named for keys, in every database of the app's origin. */
function keyStores(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const dump: Record<string, unknown[]> = {};
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const opened = indexedDB.open(info.name as string);
        opened.onsuccess = () => resolve(opened.result);
        opened.onerror = () => reject(new Error(String(opened.error)));
      });
      for (const store of Array.from(db.objectStoreNames).filter((name) => /key/i.test(name))) {
        dump[`${info.name}/${store}`] = await new Promise<unknown[]>((resolve, reject) => {
          const read = db.transaction(store).objectStore(store).getAll();
          read.onsuccess = () => resolve(read.result as unknown[]);
          read.onerror = () => reject(new Error(String(read.error)));
        });
      }
      db.close();
    }
    return JSON.stringify(dump, (_key, value: unknown) =>
      value instanceof ArrayBuffer || ArrayBuffer.isView(value)
        ? Array.from(new Uint8Array(value as ArrayBuffer))
        : value,
    );
  });
}
const runStatus = (page: Page) => page.getByTestId('run-status').getAttribute('data-status');
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

async function buildWithAi(page: Page, name: string) {
  await page.goto(`${server.url}/settings`);
  await configureProvider(page, 'openai', sim.baseUrl('openai'), key);
  await createProject(page, server.url, { name, description: 'A range utility with tests.' });
  await button(page, 'Start').click();
  await page.getByTestId('plan-review').waitFor();
  await button(page, 'Approve plan').click();
  await expect.poll(() => runStatus(page), { timeout: 120_000 }).toBe('stopped');
}

test(
  'a planted bug fails a test, the Debugger gets the failure, the fix makes the suite green',
  {
    timeout: 180_000,
  },
  async ({ profile }) => {
    const { page } = profile;
    const fast = { firstTokenMs: 50, tokensPerSecond: 4000 };
    scriptTeam(sim, 'openai', {
      'project-manager': { kind: 'json', value: checkedPlan },
      'code-generator': (_request, nth) => ({ kind: 'json', value: codeAnswer(nth > 1), ...fast }),
      'test-writer': { kind: 'json', value: testsAnswer, ...fast },
      // The Debugger sees nothing wrong by itself: the failing test is what gets the fix.
      debugger: { kind: 'json', value: passingReview, ...fast },
    });
    await buildWithAi(page, 'Ranges');

    expect(await page.getByTestId('run-message').textContent()).toBe('Every task is done. 12 of 12 tests pass.');
    const feed = (await page.getByTestId('feed').textContent()) ?? '';
    expect(feed).toContain('Tests: 11 of 12 tests pass; 1 fails.');
    expect(feed).toContain('Tests: 12 of 12 tests pass.');

    // The first review's prompt carried the failing test, pinned on the code it exercises.
    const reviews = sim.requests.filter((request) => roleOf(request) === 'debugger');
    expect(reviews.length).toBe(2);
    const firstReview = JSON.stringify(reviews[0]?.body);
    expect(firstReview).toContain('stops before the end');
    expect(firstReview).toContain('11 of 12 tests pass');
    // The fix task was the Code Generator's, and its prompt named the failure.
    const fixes = sim.requests.filter(
      (request) => roleOf(request) === 'code-generator' && JSON.stringify(request.body).includes('Test failed'),
    );
    expect(fixes.length).toBe(1);

    // The panel shows the last run; a failure of the first run links to its line.
    const panel = page.getByTestId('checks-panel');
    expect(await panel.getByTestId('checks-summary').textContent()).toBe('12 of 12 tests pass.');
    expect(await panel.getByTestId('check-case').count()).toBe(12);
  },
);

test(
  'hostile test code cannot reach the app, the network, the window or its keys; an endless test is stopped',
  {
    timeout: 240_000,
  },
  async ({ profile }) => {
    const { page } = profile;
    const fast = { firstTokenMs: 50, tokensPerSecond: 4000 };
    scriptTeam(sim, 'openai', {
      'project-manager': { kind: 'json', value: { ...checkedPlan, tasks: checkedPlan.tasks.slice(0, 2) } },
      'code-generator': { kind: 'json', value: codeAnswer(true), ...fast },
      'test-writer': { kind: 'json', value: hostileAnswer, ...fast },
    });
    const external = sim.requests.length;
    await page.goto(`${server.url}/settings`);
    await configureProvider(page, 'openai', sim.baseUrl('openai'), key);
    const keysBefore = await keyStores(page);
    expect(keysBefore).toContain('/');
    await createProject(page, server.url, { name: 'Escape', description: 'A range utility with tests.' });
    await button(page, 'Start').click();
    await page.getByTestId('plan-review').waitFor();
    await button(page, 'Approve plan').click();
    await expect.poll(() => runStatus(page), { timeout: 120_000 }).toBe('stopped');

    const panel = page.getByTestId('checks-panel');
    await expect.poll(() => panel.getByTestId('checks-summary').getAttribute('data-outcome')).toBe('completed');
    const outcomes = await panel
      .getByTestId('check-case')
      .evaluateAll((rows) => rows.map((row) => [row.textContent ?? '', row.getAttribute('data-outcome')]));
    // Each test passes only when its escape was refused.
    expect(outcomes).toHaveLength(6);
    for (const [text, outcome] of outcomes) expect([text, outcome]).toEqual([text, 'pass']);
    expect(await panel.getByTestId('checks-summary').textContent()).toBe('6 of 6 tests pass.');
    // No request left for another origin: the simulator saw only the agents' calls.
    expect(sim.requests.slice(external).every((request) => roleOf(request) !== undefined)).toBe(true);
    // The app is where it was, responsive, and its key store untouched.
    expect(new URL(page.url()).origin).toBe(server.url);
    expect(page.context().pages()).toHaveLength(1);
    expect(await keyStores(page)).toBe(keysBefore);

    // An endless test ends at the time limit, with the app responsive throughout.
    scriptTeam(sim, 'openai', {
      'project-manager': { kind: 'json', value: { ...checkedPlan, tasks: checkedPlan.tasks.slice(0, 2) } },
      'code-generator': { kind: 'json', value: codeAnswer(true), ...fast },
      'test-writer': { kind: 'json', value: endlessAnswer, ...fast },
    });
    await createProject(page, server.url, { name: 'Endless', description: 'A range utility with tests.' });
    await page.getByLabel('Time limit (seconds)').fill('5');
    await page.getByLabel('Time limit (seconds)').press('Tab');
    await button(page, 'Start').click();
    await page.getByTestId('plan-review').waitFor();
    await button(page, 'Approve plan').click();
    await expect.poll(() => runStatus(page), { timeout: 120_000 }).toBe('stopped');
    expect(await page.getByTestId('checks-summary').getAttribute('data-outcome')).toBe('timed-out');
    expect(await page.getByTestId('checks-summary').textContent()).toContain('Stopped after 5 s');
    // The page answered while the test spun.
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
  },
);

test(
  'a test that allocates without bound ends the run as out of memory, with the app responsive',
  { timeout: 180_000 },
  async ({ profile }) => {
    const { page } = profile;
    const fast = { firstTokenMs: 50, tokensPerSecond: 4000 };
    scriptTeam(sim, 'openai', {
      'project-manager': { kind: 'json', value: { ...checkedPlan, tasks: checkedPlan.tasks.slice(0, 2) } },
      'code-generator': { kind: 'json', value: codeAnswer(true), ...fast },
      'test-writer': { kind: 'json', value: greedyAnswer, ...fast },
    });
    await buildWithAi(page, 'Greedy');
    const summary = page.getByTestId('checks-summary');
    expect(await summary.getAttribute('data-outcome')).toBe('out-of-memory');
    expect(await summary.textContent()).toContain('Ran out of memory');
    expect(await summary.textContent()).toContain('512 MB');
    // The case before it was reported; the greedy one swallowed its refusal and still
    // did not make the run a pass.
    const outcomes = await page
      .getByTestId('check-case')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-outcome')));
    expect(outcomes[0]).toBe('pass');
    const message = await page.getByTestId('run-message').textContent();
    expect(message).toContain('Every task is done. Ran out of memory');
    expect(message).not.toMatch(/\d+ of \d+ tests pass\./);
    // The page answered throughout: the allocations were the sandbox worker's.
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
  },
);
