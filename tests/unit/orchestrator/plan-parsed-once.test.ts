import 'fake-indexeddb/auto';
import { afterEach, expect, test, vi } from 'vitest';
import { planSchema } from '../../../worker/agents/index.ts';
import { teamPlan } from '../../sim/team-answers.ts';
import { waitFor } from './helpers.ts';
import { engineWithScriptedProvider, scriptedAdapter } from './scripted-provider.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

test("the Project Manager's plan is parsed once, by its schema, from the answer to the proposal", async () => {
  const api = engineWithScriptedProvider(
    scriptedAdapter((_request, role) => (role === 'project-manager' ? teamPlan : {}), { seed: 1, maxDelayMs: 1 }),
  );
  const created = await api.createProject({ name: 'Notes', description: 'A tiny notes service.', budgetUsd: 10 });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  expect((await api.openProject(projectId)).ok).toBe(true);
  const safeParse = vi.spyOn(planSchema, 'safeParse');
  const parse = vi.spyOn(planSchema, 'parse');
  expect((await api.startRun(projectId)).ok).toBe(true);
  const view = await waitFor(api, projectId, (current) => current.project.plan?.status === 'proposed');
  expect(view.project.plan?.tasks.map((task) => task.id)).toEqual(teamPlan.tasks.map((task) => task.id));
  // validateOutput's one safeParse of the answer; the check and the proposal take its typed value.
  expect(safeParse).toHaveBeenCalledTimes(1);
  expect(parse).not.toHaveBeenCalled();
});
