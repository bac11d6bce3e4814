import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { type AgentRole, agentRoles } from '../../../worker/agents/index.ts';
import { createCostGovernor } from '../../../worker/budget/index.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { EventStore } from '../../../worker/events/event-store.ts';
import { defaultLimits } from '../../../worker/orchestrator/limits.ts';
import { ModelChooser } from '../../../worker/orchestrator/model-choice.ts';
import { OutputBus } from '../../../worker/orchestrator/output-bus.ts';
import { type TaskRunnerDeps, runTaskAttempt } from '../../../worker/orchestrator/task-runner.ts';
import { createTemplateAdapter } from '../../../worker/providers/template/template-adapter.ts';
import { mulberry32 } from '../../../worker/router/index.ts';
import { files, passingReview } from '../../sim/team-answers.ts';
import { scriptedAdapter } from './scripted-provider.ts';

/** A project with one approved task of `role`. */
async function projectWith(store: EventStore, projectId: string, role: 'code-generator' | 'debugger') {
  await store.append(projectId, [
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: { name: role, description: 'Notes.', template: null, budgetUsd: 5 },
    },
    { type: 'run-start', actor: { kind: 'user' }, payload: { runId: `r-${role}` } },
    {
      type: 'plan-propose',
      actor: { kind: 'agent', role: 'project-manager' },
      payload: {
        planId: `p-${role}`,
        summary: 'One task',
        complexity: 'small',
        estimate: null,
        tasks: [
          {
            id: 'only',
            role,
            title: 'The task',
            instructions: 'Do it.',
            dependsOn: [],
            expectedArtifacts: role === 'debugger' ? [] : ['notes.py'],
            acceptance: [],
          },
        ],
      },
    },
    { type: 'plan-approve', actor: { kind: 'user' }, payload: { planId: `p-${role}`, auto: false } },
  ]);
}

test("router records taken after a choice are that choice's: two projects sharing one chooser keep their own", async () => {
  const store = new EventStore(new OrchestraDb(`route-records-${Date.now()}`));
  const chooser = new ModelChooser({ random: mulberry32(3) });
  const adapter = scriptedAdapter((_request, role) => (role === 'debugger' ? passingReview : files.api()), {
    seed: 2,
    maxDelayMs: 0,
  });
  const deps = (projectId: string): TaskRunnerDeps => {
    let n = 0;
    return {
      store,
      projectId,
      bus: new OutputBus(),
      chooser,
      governor: createCostGovernor({ budgetUsd: 5 }),
      limits: defaultLimits,
      readiness: () => Promise.resolve([{ provider: 'openai', ready: true, detail: 'Scripted.' }]),
      adapter: () => Promise.resolve(adapter),
      template: () => createTemplateAdapter(),
      newId: () => `cost-${projectId}-${++n}`,
    };
  };
  const builder = 'project-builder';
  const reviewer = 'project-reviewer';
  await projectWith(store, builder, 'code-generator');
  await projectWith(store, reviewer, 'debugger');
  const attempt = async (projectId: string, role: 'code-generator' | 'debugger') => {
    const state = await store.load(projectId);
    const task = state.tasks.get('only');
    if (!task) throw new Error('no task');
    const agent: AgentRole<unknown> = agentRoles[role];
    return runTaskAttempt(deps(projectId), state, task, agent, {
      signal: new AbortController().signal,
      findings: [],
      template: null,
    });
  };
  // Both attempts choose, then wait (for their adapter, their context) before writing.
  const outcomes = await Promise.all([attempt(builder, 'code-generator'), attempt(reviewer, 'debugger')]);
  expect(outcomes.map((outcome) => outcome.kind)).toEqual(['answered', 'answered']);
  for (const outcome of outcomes) if (outcome.kind === 'answered') await outcome.started;

  const decided = async (projectId: string) =>
    (await store.read(projectId)).flatMap((event) =>
      event.type === 'route-record' && event.payload.record.type === 'route-decide'
        ? [event.payload.record.taskType]
        : [],
    );
  expect(await decided(builder)).toEqual(['backend-code']);
  expect(await decided(reviewer)).toEqual(['review']);
});
