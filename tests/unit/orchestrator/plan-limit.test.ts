import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { planLimitProblem } from '../../../worker/query/index.ts';
import { roleOf } from '../../sim/agent-script.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { teamPlan } from '../../sim/team-answers.ts';
import { engineWithTeam, scriptDefaultTeam, summary, waitFor } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const docs = {
  ...teamPlan.tasks[0],
  id: 'docs',
  title: 'Docs',
  expectedArtifacts: ['README.md'],
  dependsOn: ['api'],
};

test('the plan limit is one number: the planner, a chat revision, approving (edited or not) and the plan review use RunLimits.maxPlanTasks', async () => {
  const name = `plan-limit-${Date.now()}`;
  // The team plan has 4 tasks: exactly the limit.
  const { api } = await engineWithTeam(sim, { maxPlanTasks: 4 }, name);
  const mark = sim.requests.length;
  scriptDefaultTeam(sim, {
    chat: { kind: 'json', value: { reply: 'Added docs.', changes: { add: [docs], update: [], cancel: [] } } },
  });
  const created = await api.createProject({ name: 'Limited', description: 'Notes.' });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  await api.openProject(projectId);
  await api.startRun(projectId);
  const proposed = await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  expect(proposed.project.plan?.tasks).toHaveLength(4);

  // The planner is told the limit.
  const planning = sim.requests.slice(mark).filter((request) => roleOf(request) === 'project-manager');
  expect(JSON.stringify(planning[0]?.body)).toContain('Keep the plan within 4 tasks.');

  // The plan review reads the same limit, and lets a plan at the limit be approved.
  const limits = await api.getRunLimits();
  expect(limits.ok && limits.value.maxPlanTasks).toBe(4);
  expect(planLimitProblem(4, 4)).toBeNull();

  // A chat revision past it is not applied, and says so with the limit.
  expect((await api.sendMessage(projectId, 'Add a README.')).ok).toBe(true);
  const answered = await waitFor(api, projectId, (view) => view.project.messages === 2);
  expect(answered.project.plan?.revision, JSON.stringify(summary(answered))).toBe(1);
  expect(answered.project.plan?.tasks.map((task) => task.id)).toEqual(['api', 'ui', 'tests', 'review']);
  const events = await api.readEvents(projectId, 1, 1e9);
  const refused = events.ok
    ? events.value.flatMap((event) => (event.type === 'error-report' ? [event.payload.message] : []))
    : [];
  expect(refused).toEqual([
    expect.stringContaining(
      'The Project Manager’s change to the plan was not applied: The plan has 5 tasks but may have at most 4',
    ),
  ]);

  // The same project on an engine with a lower limit: the 4-task plan is now over it.
  const lower = await engineWithTeam(sim, { maxPlanTasks: 3 }, name);
  const lowered = await lower.api.getRunLimits();
  if (!lowered.ok) throw new Error(lowered.message);
  // What the plan review shows with the engine's limit is what approving answers.
  const shown = planLimitProblem(4, lowered.value.maxPlanTasks);
  expect(shown).toBe('This plan has 4 tasks; a plan may have at most 3. Remove 1 to approve it.');
  expect(await lower.api.approvePlan(projectId)).toMatchObject({ ok: false, kind: 'bad_input', message: shown });
  const edited = teamPlan.tasks.map((task) => ({ id: task.id, instructions: `${task.instructions} Keep it short.` }));
  expect(await lower.api.approvePlan(projectId, { tasks: edited })).toMatchObject({ ok: false, message: shown });

  // Within the limit once a task is removed.
  const withoutPage = edited.filter((task) => task.id !== 'ui');
  expect(await lower.api.approvePlan(projectId, { tasks: withoutPage })).toEqual({ ok: true, value: undefined });
  const done = await waitFor(lower.api, projectId, (view) => view.project.runStatus === 'stopped');
  expect(done.project.plan?.tasks.map((task) => task.id)).toEqual(['api', 'tests', 'review']);
});
