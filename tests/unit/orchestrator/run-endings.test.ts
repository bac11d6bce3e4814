/**
 * Issue 20, points 1, 2 and 5, on the real engine against the provider simulator: each
 * way a run ends is recorded with its own outcome and sentence, and Start after an
 * emergency stop goes on by itself (no Retry task on each task).
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { runState } from '../../../worker/run-state/run-state.ts';
import { rowBadge, runSentence } from '../../../worker/run-state/run-words.ts';
import type { ProjectView } from '../../../worker/projects/project-view.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import type { Pace, Scenario } from '../../sim/scenario.ts';
import { builderAnswer, passingReview } from '../../sim/team-answers.ts';
import { engineWithTeam, scriptDefaultTeam, waitFor } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => sim.respond('openai', undefined));

/** A project whose builders take a while to answer, planned and approved; `designer` answers for the page's task. */
async function approvedRun(pace: Pace, designer?: Scenario) {
  const { api } = await engineWithTeam(sim);
  scriptDefaultTeam(sim, {
    'code-generator': (request) => builderAnswer(request, pace),
    ...(designer ? { 'ui-designer': designer } : {}),
    debugger: { kind: 'json', value: passingReview },
  });
  const created = await api.createProject({ name: 'Notes', description: 'A notes service with a page.' });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  expect((await api.openProject(projectId)).ok).toBe(true);
  expect((await api.startRun(projectId)).ok).toBe(true);
  await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  expect((await api.approvePlan(projectId)).ok).toBe(true);
  return { api, projectId };
}

const stateOf = (view: ProjectView) => runState({ project: view.project, plan: view.project.plan, tasks: view.tasks });

test('Start after an emergency stop goes on with what was cut off, with no Retry task, to the end (point 1)', async () => {
  // The module's builder answers only once the stop is written: timed to answer after a
  // while, a slow machine could let it finish first, and then there is nothing to cut off.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const { api, projectId } = await approvedRun({ heldUntil: held });
  await waitFor(api, projectId, (view) =>
    view.tasks.some((task) => task.taskId === 'api' && task.status === 'running'),
  );
  expect((await api.emergencyStop(projectId)).ok).toBe(true);
  release();
  const stopped = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped');
  expect(stopped.project.lastOutcome).toBe('emergency');
  expect(rowBadge(stopped.project)).toEqual({ label: 'Emergency stop', tone: 'danger' });
  const state = stateOf(stopped);
  expect(state).toMatchObject({ phase: 'ended', outcome: 'emergency' });
  expect(stopped.tasks.find((task) => task.taskId === 'api')?.status).toBe('interrupted');
  expect(runSentence(state)).toMatch(/^The run was ended with the emergency stop\. Not finished: .*Notes module/);

  // Start, and nothing else: the cut-off task runs again and the run ends complete.
  expect((await api.startRun(projectId)).ok).toBe(true);
  const done = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped', 30_000);
  expect(done.project.lastOutcome).toBe('completed');
  expect(done.tasks.every((task) => task.status === 'done')).toBe(true);
}, 40_000);

test('Stop run on a paused run ends it as "stopped by you", naming what was not finished', async () => {
  const { api, projectId } = await approvedRun({ firstTokenMs: 800 });
  await waitFor(api, projectId, (view) => view.tasks.some((task) => task.status === 'running'));
  expect((await api.pauseRun(projectId)).ok).toBe(true);
  // Stop waits for the calls in flight: it is refused until the run has paused.
  await waitFor(api, projectId, (view) => stateOf(view).phase === 'paused', 20_000);
  expect((await api.stopRun(projectId)).ok).toBe(true);
  const stopped = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped');
  expect(stopped.project.lastOutcome).toBe('stopped');
  expect(rowBadge(stopped.project)).toEqual({ label: 'Stopped by you', tone: 'neutral' });
  const state = stateOf(stopped);
  expect(state).toMatchObject({ phase: 'ended', outcome: 'stopped' });
  const unfinished = state.phase === 'ended' ? state.unfinished : [];
  expect(unfinished.length).toBeGreaterThan(0);
  expect(runSentence(state)).toBe(
    `You stopped the run. Not finished: ${unfinished.join(', ')}. Start retries ${unfinished.length === 1 ? 'it' : 'them'}.`,
  );
  // A stopped run is not paused: Stop again is refused, with a sentence.
  const again = await api.stopRun(projectId);
  expect(again).toMatchObject({ ok: false, message: 'Only a paused run can be stopped.' });
}, 40_000);

test('cancelling the last open task ends "complete without" it, named, never "every task is done" (point 2)', async () => {
  const { api, projectId } = await approvedRun({});
  expect((await api.cancelTask(projectId, 'review')).ok).toBe(true);
  const ended = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped', 30_000);
  expect(ended.project.lastOutcome).toBe('completed-with-cancelled');
  expect(ended.project.runMessage).toMatch(
    /^Every task is done but the 1 you cancelled \(“Review the code and tests”\)/,
  );
  const state = stateOf(ended);
  expect(runSentence(state)).toMatch(/^The run is complete without 1 cancelled task: Review the code and tests\./);
  expect(rowBadge(ended.project)).toEqual({ label: 'Completed, tasks cancelled', tone: 'warning' });
}, 40_000);

test('Stop run while a task has failed for good ends the run "failed", with the task and its cause', async () => {
  // The page's designer is refused by the provider every time (a request it will not take).
  const { api, projectId } = await approvedRun({}, { kind: 'bad-request' });
  const paused = await waitFor(api, projectId, (view) => stateOf(view).phase === 'paused', 30_000);
  const failed = paused.tasks.find((task) => task.status === 'failed');
  expect(failed?.title).toMatch(/Notes page/);

  expect((await api.stopRun(projectId)).ok).toBe(true);
  const ended = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped');
  expect(ended.project.lastOutcome).toBe('failed');
  expect(rowBadge(ended.project)).toEqual({ label: 'Failed', tone: 'danger' });
  const state = stateOf(ended);
  expect(state).toMatchObject({ phase: 'ended', outcome: 'failed' });
  // The reason names the task and the provider's cause; Start retries what is unfinished.
  expect(ended.project.runMessage).toMatch(new RegExp(`^“${failed?.title ?? ''}” failed: .+\\.$`));
  expect(ended.project.runMessage).toContain(failed?.lastError?.message.replace(/[.\s]+$/, '') ?? '?');
  expect(runSentence(state)).toMatch(/^The run failed\. “.*Notes page.*” failed: .+ Not finished: .*Start retries/);
}, 40_000);

test('Cancel task on the task a run paused for goes on without it, as the pause says, and ends complete without it', async () => {
  const { api, projectId } = await approvedRun({}, { kind: 'bad-request' });
  const paused = await waitFor(api, projectId, (view) => stateOf(view).phase === 'paused', 30_000);
  expect(paused.project.pauseReason).toContain('Cancel task to go on without it');
  const failed = paused.tasks.find((task) => task.status === 'failed');
  if (!failed) throw new Error('No task failed.');

  // Cancel alone — no Continue — and the run goes on to its end.
  expect((await api.cancelTask(projectId, failed.taskId)).ok).toBe(true);
  const ended = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped', 30_000);
  expect(ended.project.lastOutcome).toBe('completed-with-cancelled');
  expect(runSentence(stateOf(ended))).toMatch(/^The run is complete without 1 cancelled task: .*Notes page/);
}, 40_000);
