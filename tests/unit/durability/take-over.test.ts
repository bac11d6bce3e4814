/**
 * A tab that takes over as writer always resumes: the scenario the chaos run found (writer
 * A closes with its last broadcast lost, observer B takes over and closes the same way,
 * observer C takes over) on one shared database, with the simulator as the provider.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { roleOf, scriptTeam } from '../../sim/agent-script.ts';
import { builderAnswer, files, passingReview, teamPlan } from '../../sim/team-answers.ts';
import { summary, waitFor } from '../orchestrator/helpers.ts';
import { MemoryLocks } from '../events/memory-locks.ts';
import { failWrites } from '../events/failing-writes.ts';
import { type Tab, openTab } from './tabs.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.respond('openai', undefined);
});

const slow = { firstTokenMs: 150, tokensPerSecond: 400 };

function scriptSlowTeam() {
  scriptTeam(sim, 'openai', {
    'project-manager': { kind: 'json', value: teamPlan },
    'code-generator': (request) => ({ ...builderAnswer(request), ...slow }),
    'ui-designer': { kind: 'json', value: files.ui, ...slow },
    'test-writer': { kind: 'json', value: files.tests, ...slow },
    debugger: { kind: 'json', value: passingReview, ...slow },
  });
}

async function eventsOf(tab: Tab, projectId: string) {
  const events = await tab.api.readEvents(projectId, 1, Number.MAX_SAFE_INTEGER);
  if (!events.ok) throw new Error(events.message);
  return events.value;
}

test('A closes, B takes over and closes, C takes over — each last broadcast lost — and C finishes the run', async () => {
  const name = `take-over-${Date.now()}`;
  const channelName = `${name}-events`;
  const locks = new MemoryLocks();
  scriptSlowTeam();
  const a = openTab(name, locks, channelName);
  await a.api.updateProvider('openai', { baseUrl: sim.baseUrl('openai') });
  await a.api.setKey('openai', 'sk-test-take-over-00000000000000');
  const created = await a.api.createProject({
    name: 'Notes',
    description: 'Notes.',
    autoApprove: true,
    maxParallel: 2,
  });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  expect((await a.api.openProject(projectId)).ok).toBe(true);
  const b = openTab(name, locks, channelName);
  const c = openTab(name, locks, channelName);
  expect((await b.api.openProject(projectId)).ok && (await c.api.openProject(projectId)).ok).toBe(true);
  await a.api.startRun(projectId);
  // The observers read the project as the run goes: their cached states are then what they hold.
  await waitFor(b.api, projectId, (view) =>
    view.tasks.some((task) => task.status === 'running' && task.taskId !== 'plan'),
  );
  await c.api.getProjectView(projectId);

  // A's last broadcasts are lost: the observers never hear of A's last commits.
  a.channel.dropping = true;
  const seqA = (await eventsOf(a, projectId)).length;
  await waitFor(a.api, projectId, (view) => view.lastSeq > seqA + 2);
  a.close(projectId);

  // B takes over, recovers (its own writes follow A's last), and closes with its last broadcasts lost.
  const atA = (await eventsOf(b, projectId)).length;
  b.channel.dropping = true;
  await waitFor(b.api, projectId, (view) => view.lastSeq > atA + 2);
  b.close(projectId);

  // C takes over: it must recover from the log, not from what it cached, and finish.
  const finished = await waitFor(c.api, projectId, (view) => view.project.runStatus === 'stopped', 60_000);
  expect(finished.project.runMessage, JSON.stringify(summary(finished))).toMatch(/^Every task is done/);
  expect(a.channel.dropped + b.channel.dropped).toBeGreaterThan(0);
  const events = await eventsOf(c, projectId);
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  // Each task completed exactly once, and no reservation is left open.
  const completes = events.filter((event) => event.type === 'task-complete').map((event) => event.payload.taskId);
  expect(new Set(completes).size).toBe(completes.length);
  expect(finished.project.reservedUsd).toBe(0);
  expect(finished.notice).toBeUndefined();
}, 90_000);

/**
 * Tab A runs a project whose Project Manager never answers: a writer's recovery calls it
 * again, which is how a test sees the next tab resume. Resolves once A's call is out.
 */
async function runningOnA(name: string) {
  const channelName = `${name}-events`;
  const locks = new MemoryLocks();
  scriptTeam(sim, 'openai', { 'project-manager': { kind: 'hang', after: 'request' } });
  const planCalls = () => sim.requests.filter((request) => roleOf(request) === 'project-manager').length;
  const a = openTab(name, locks, channelName);
  await a.api.updateProvider('openai', { baseUrl: sim.baseUrl('openai') });
  await a.api.setKey('openai', 'sk-test-take-over-00000000000000');
  const created = await a.api.createProject({ name: 'Notes', description: 'Notes.', autoApprove: true });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  expect((await a.api.openProject(projectId)).ok).toBe(true);
  const before = planCalls();
  await a.api.startRun(projectId);
  await expect.poll(planCalls, { timeout: 20_000 }).toBe(before + 1);
  return { a, locks, channelName, projectId, planCalls, before };
}

test('a tab that gets the lock at once after a writer closed unheard recovers on its first try', async () => {
  const name = `take-over-${Date.now()}-first`;
  const { a, locks, channelName, projectId, planCalls, before } = await runningOnA(name);

  // B reads the project (as a page does before it opens it), then A commits once more
  // with its notice lost, and closes.
  const b = openTab(name, locks, channelName);
  expect((await b.api.getProjectView(projectId)).ok).toBe(true);
  a.channel.dropping = true;
  expect((await a.api.sendMessage(projectId, 'Keep it small.')).ok).toBe(true);
  a.kill(projectId);

  // B opens it and gets the lock at once: its recovery must start from the log, not from
  // the state it read before A's last commit (refused, and retried only 0.5 s later).
  const notices: string[] = [];
  b.api.watchProject(projectId, 0, (update) => {
    if (update.kind === 'notice' && update.notice) notices.push(update.notice.message);
  });
  const opened = await b.api.openProject(projectId);
  expect(opened.ok && opened.value.role).toBe('writer');
  await expect.poll(planCalls, { timeout: 20_000 }).toBe(before + 2);
  expect(notices).toEqual([]);
  const events = await eventsOf(b, projectId);
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  expect(events.some((event) => event.type === 'user-message')).toBe(true);
  b.kill(projectId);
}, 60_000);

test('a take-over whose recovery cannot be written says so to the watchers and tries again until it is', async () => {
  const name = `take-over-${Date.now()}-failing`;
  const { a, locks, channelName, projectId, planCalls, before } = await runningOnA(name);

  // B watches; its log writes fail (not for quota) until the test lets them through.
  const b = openTab(name, locks, channelName);
  let failing = true;
  failWrites(b.db, 'commits', () => failing, 'UnknownError');
  const notices: (string | null)[] = [];
  b.api.watchProject(projectId, 0, (update) => {
    if (update.kind === 'notice') notices.push(update.notice?.message ?? null);
  });
  const opened = await b.api.openProject(projectId);
  expect(opened.ok && opened.value.role).toBe('observer');
  a.kill(projectId);

  // B is the writer now, and its recovery is refused: the watchers are told, nothing is swallowed.
  await expect.poll(() => notices.length, { timeout: 20_000 }).toBeGreaterThan(0);
  expect(notices[0]).toMatch(/^This tab could not pick up the run yet: [\s\S]* Trying again in 0\.5 s\.$/);
  expect(planCalls()).toBe(before + 1);
  // Writes go through again: a later try recovers, the notice is cleared, the run goes on.
  failing = false;
  await expect.poll(planCalls, { timeout: 30_000 }).toBe(before + 2);
  await expect.poll(() => notices.at(-1), { timeout: 20_000 }).toBeNull();
  const events = await eventsOf(b, projectId);
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  b.kill(projectId);
}, 60_000);
