import { expect, test } from 'vitest';
import type { OrchestraEvent } from '../../../worker/events/catalog.ts';
import { foldEvents } from '../../../worker/events/fold.ts';
import { planChanges } from '../../../worker/orchestrator/chat.ts';

/** An approved plan of `count` independent tasks, folded as the log would hold it. */
function approvedPlanOf(count: number) {
  const tasks = Array.from({ length: count }, (_, index) => ({
    id: `t${index}`,
    role: 'code-generator' as const,
    title: `Module ${index}`,
    instructions: `Write m${index}.py.`,
    dependsOn: [],
    expectedArtifacts: [`m${index}.py`],
    acceptance: [],
  }));
  const drafts = [
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: { name: 'Big', description: 'Many modules.', template: null, budgetUsd: null },
    },
    { type: 'run-start', actor: { kind: 'user' }, payload: { runId: 'r1' } },
    {
      type: 'plan-propose',
      actor: { kind: 'agent', role: 'project-manager' },
      payload: { planId: 'p1', summary: 'Modules', complexity: 'large', estimate: null, tasks },
    },
    { type: 'plan-approve', actor: { kind: 'user' }, payload: { planId: 'p1', auto: false } },
    ...tasks.map((task) => ({
      type: 'task-schedule',
      actor: { kind: 'agent', role: 'project-manager' },
      payload: {
        taskId: task.id,
        role: task.role,
        title: task.title,
        dependsOn: [],
        instructions: task.instructions,
        expectedArtifacts: task.expectedArtifacts,
        acceptance: [],
        kind: 'build',
        round: 1,
      },
    })),
  ];
  const events = drafts.map((draft, index) => ({ ...draft, seq: index + 1, at: index })) as OrchestraEvent[];
  return foldEvents('big', events);
}

const docs = {
  id: 'docs',
  role: 'code-generator' as const,
  title: 'Docs',
  instructions: 'Write the README.',
  dependsOn: ['t0'],
  expectedArtifacts: ['README.md'],
  acceptance: [],
};

test('a task added to a large running plan is scheduled: the run limit, not a fixed count, bounds additions', () => {
  const state = approvedPlanOf(520);
  const events = planChanges(state, { reply: 'Added docs.', changes: { add: [docs], update: [], cancel: [] } }, 30);
  expect(events.map((event) => event.type)).toEqual(['task-schedule']);
  expect(events[0]?.type === 'task-schedule' && events[0].payload.taskId).toBe('docs');
});

test('an addition that breaks the running graph is still refused with the reason', () => {
  const state = approvedPlanOf(3);
  const broken = { ...docs, dependsOn: ['nowhere'] };
  const events = planChanges(state, { reply: 'Added docs.', changes: { add: [broken], update: [], cancel: [] } }, 30);
  expect(events.every((event) => event.type !== 'task-schedule')).toBe(true);
  expect(JSON.stringify(events)).toMatch(/nowhere/);
});
