/**
 * A full disk is named at once and survived: a write refused for quota halts the run with
 * the storage sentence (from memory: the log cannot take it), nothing is written while the
 * disk is full, and Continue once there is room resumes without a reload — tasks left
 * running with no call behind them run again, each completes once, the log is gap-free.
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { storageFullSentence } from '../../../worker/projects/project-notices.ts';
import type { Simulator } from '../../sim/simulator.ts';
import { startSimulator } from '../../sim/simulator.ts';
import { scriptTeam } from '../../sim/agent-script.ts';
import { builderAnswer, files, passingReview, teamPlan } from '../../sim/team-answers.ts';
import { engineWithTeam, summary, waitFor } from '../orchestrator/helpers.ts';
import { injectQuota } from './quota.ts';

let sim: Simulator;
let quota: ReturnType<typeof injectQuota>;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.respond('openai', undefined);
  quota = injectQuota();
});
afterEach(() => quota.restore());

const slow = { firstTokenMs: 100, tokensPerSecond: 400 };

test('a write refused for quota pauses the run at once with the storage sentence; Continue resumes it, losing nothing', async () => {
  const { api } = await engineWithTeam(sim);
  scriptTeam(sim, 'openai', {
    'project-manager': { kind: 'json', value: teamPlan },
    'code-generator': (request) => ({ ...builderAnswer(request), ...slow }),
    'ui-designer': { kind: 'json', value: files.ui, ...slow },
    'test-writer': { kind: 'json', value: files.tests, ...slow },
    debugger: { kind: 'json', value: passingReview, ...slow },
  });
  const created = await api.createProject({ name: 'Notes', description: 'Notes.', autoApprove: true, maxParallel: 2 });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  await api.openProject(projectId);
  const notices: (string | null)[] = [];
  api.watchProject(projectId, 0, (update) => {
    if (update.kind === 'notice') notices.push(update.notice?.message ?? null);
  });
  await api.startRun(projectId);
  await waitFor(api, projectId, (view) =>
    view.tasks.some((task) => task.status === 'running' && task.taskId !== 'plan'),
  );

  // The disk fills up.
  quota.on = true;
  const halted = await waitFor(api, projectId, (view) => view.project.pauseReason === storageFullSentence);
  // The refused write is what halted it (no timing asserted: under load a bound in ms only flakes).
  expect(quota.refused).toBeGreaterThan(0);
  expect(halted.project.runStatus).toBe('paused');
  expect(halted.notice?.kind).toBe('storage-full');
  expect(notices).toContain(storageFullSentence);
  // Nothing more is tried while it is full: the run is halted, not spinning on failed writes.
  await new Promise((resolve) => setTimeout(resolve, 600));
  const refusedThen = quota.refused;
  await new Promise((resolve) => setTimeout(resolve, 600));
  expect(quota.refused).toBe(refusedThen);

  // Continue while still full: refused with the storage sentence, and the run stays halted.
  const early = await api.resumeRun(projectId);
  expect(early.ok).toBe(false);
  expect((await api.getProjectView(projectId)).ok).toBe(true);
  expect((await waitFor(api, projectId, () => true)).project.pauseReason).toBe(storageFullSentence);

  // Room again: Continue resumes without a reload, and the run completes.
  quota.on = false;
  const resumed = await api.resumeRun(projectId);
  expect(resumed.ok, resumed.ok ? '' : resumed.message).toBe(true);
  const finished = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped', 60_000);
  expect(finished.project.runMessage, JSON.stringify(summary(finished))).toMatch(/^Every task is done/);
  expect(finished.notice).toBeUndefined();
  expect(notices.at(-1)).toBeNull();
  const events = await api.readEvents(projectId, 1, Number.MAX_SAFE_INTEGER);
  if (!events.ok) throw new Error(events.message);
  expect(events.value.map((event) => event.seq)).toEqual(events.value.map((_, index) => index + 1));
  const completes = events.value.flatMap((event) => (event.type === 'task-complete' ? [event.payload.taskId] : []));
  expect(new Set(completes).size).toBe(completes.length);
  expect(finished.tasks.every((task) => task.status === 'done')).toBe(true);
  expect(finished.project.reservedUsd).toBe(0);
}, 90_000);
