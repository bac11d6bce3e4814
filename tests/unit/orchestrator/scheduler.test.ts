import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import type { TaskRow, TaskStatus } from '../../../worker/events/projections/rows.ts';
import { newTaskRow } from '../../../worker/events/projections/reduce-tasks.ts';
import { allFinished, readyTasks } from '../../../worker/orchestrator/scheduler.ts';
import { mulberry32 } from '../../../worker/router/index.ts';
import { engineWithScriptedProvider, eventsOf, scriptedAdapter } from './scripted-provider.ts';
import { waitFor } from './helpers.ts';

const builderRoles = ['code-generator', 'ui-designer', 'test-writer'] as const;

interface RandomDag {
  tasks: { id: string; role: (typeof builderRoles)[number]; dependsOn: string[] }[];
  maxParallel: number;
}

/** A DAG of 5–25 tasks: each may depend on any earlier ones, so it never has a cycle. */
function randomDag(seed: number): RandomDag {
  const random = mulberry32(seed);
  const count = 5 + Math.floor(random() * 21);
  const tasks: RandomDag['tasks'] = [];
  for (let index = 0; index < count; index++) {
    const dependsOn = tasks.filter(() => random() < Math.min(0.5, 2 / (index + 1))).map((task) => task.id);
    tasks.push({
      id: `t${index}`,
      role: builderRoles[Math.floor(random() * builderRoles.length)] ?? 'code-generator',
      dependsOn,
    });
  }
  // Shuffled, so plan order is not already a topological order.
  for (let index = tasks.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [tasks[index], tasks[other]] = [tasks[other]!, tasks[index]!];
  }
  return { tasks, maxParallel: 1 + Math.floor(random() * 4) };
}

const planOf = (dag: RandomDag) => ({
  summary: 'A random graph of builder tasks.',
  complexity: 'small',
  estimate: { tokens: 1000, costUsd: 0.01 },
  stack: ['Python 3.12'],
  languages: ['python'],
  tasks: dag.tasks.map((task) => ({
    id: task.id,
    role: task.role,
    title: `Build ${task.id}`,
    instructions: `Write ${task.id}.py.`,
    dependsOn: task.dependsOn,
    expectedArtifacts: [`${task.id}.py`],
    acceptance: [],
  })),
});

/** Runs one DAG to its end through the worker API and returns the log. */
async function runDag(seed: number, dag: RandomDag) {
  const api = engineWithScriptedProvider(
    scriptedAdapter(
      (_request, role, taskId) =>
        role === 'project-manager'
          ? planOf(dag)
          : { files: [{ path: `${taskId}.py`, language: 'python', content: `# ${taskId}\n` }], notes: '' },
      { seed, maxDelayMs: 6 },
    ),
  );
  const created = await api.createProject({
    name: `DAG ${seed}`,
    description: 'Random tasks.',
    maxParallel: dag.maxParallel,
    budgetUsd: 1000,
  });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  expect((await api.openProject(projectId)).ok).toBe(true);
  expect((await api.startRun(projectId)).ok).toBe(true);
  await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  expect((await api.approvePlan(projectId)).ok).toBe(true);
  const view = await waitFor(api, projectId, (current) => current.project.runStatus !== 'running');
  return { view, events: await eventsOf(api, projectId) };
}

test('property: on 30 random DAGs the real runner starts a task only after its dependencies complete, never runs more than maxParallel at once, and completes', async () => {
  let overlapSeen = 0;
  for (let seed = 1; seed <= 30; seed++) {
    const dag = randomDag(seed);
    const { view, events } = await runDag(seed, dag);
    const context = `seed ${seed}, ${dag.tasks.length} tasks, maxParallel ${dag.maxParallel}`;

    const dependencies = new Map(dag.tasks.map((task) => [task.id, task.dependsOn]));
    const completed = new Set<string>();
    const running = new Set<string>();
    let most = 0;
    for (const event of events) {
      if (event.type === 'task-start') {
        const waitsFor = (dependencies.get(event.payload.taskId) ?? []).filter((id) => !completed.has(id));
        expect(waitsFor, `${context}: ${event.payload.taskId} started before ${waitsFor.join(', ')}`).toEqual([]);
        running.add(event.payload.taskId);
        most = Math.max(most, running.size);
        expect(running.size, `${context}: running ${[...running].join(', ')}`).toBeLessThanOrEqual(dag.maxParallel);
      } else if (event.type === 'task-complete') {
        running.delete(event.payload.taskId);
        completed.add(event.payload.taskId);
      } else if (event.type === 'task-fail') {
        running.delete(event.payload.taskId);
      }
    }
    if (most > 1) overlapSeen++;

    expect(view.tasks.filter((task) => task.status !== 'done').map((task) => `${task.taskId}:${task.status}`)).toEqual(
      [],
    );
    expect(view.tasks.map((task) => task.taskId).sort()).toEqual(['plan', ...dag.tasks.map((task) => task.id)].sort());
    expect(events.filter((event) => event.type === 'task-start').length, context).toBe(dag.tasks.length + 1);
    const stops = events.filter((event) => event.type === 'run-stop');
    expect(stops.map((event) => event.payload.outcome)).toEqual(['completed']);
    expect(view.project.runStatus).toBe('stopped');
  }
  // The property is only worth something if tasks did run side by side.
  expect(overlapSeen).toBeGreaterThan(10);
}, 60_000);

let order = 0;
function row(taskId: string, status: TaskStatus, dependsOn: string[] = [], at = order++): TaskRow {
  return { ...newTaskRow('p', taskId, at), role: 'code-generator', dependsOn, status };
}

const ids = (tasks: TaskRow[]) => tasks.map((task) => task.taskId);

describe('readyTasks', () => {
  test('a cancelled dependency counts as finished; a failed, running or interrupted one does not', () => {
    const tasks = [
      row('done', 'done'),
      row('cancelled', 'cancelled'),
      row('failed', 'failed'),
      row('running', 'running'),
      row('interrupted', 'interrupted'),
      row('after-done', 'scheduled', ['done']),
      row('after-cancelled', 'scheduled', ['cancelled']),
      row('after-both', 'scheduled', ['done', 'cancelled']),
      row('after-failed', 'scheduled', ['failed']),
      row('after-running', 'scheduled', ['running']),
      row('after-interrupted', 'scheduled', ['interrupted']),
      row('after-missing', 'scheduled', ['nowhere']),
      row('after-mixed', 'scheduled', ['done', 'failed']),
    ];
    expect(ids(readyTasks(tasks, new Set(), 10))).toEqual(['after-done', 'after-cancelled', 'after-both']);
  });

  test('ready tasks come in plan order, not in the order given, and only as many as there are slots', () => {
    const tasks = [row('c', 'scheduled', [], 3), row('a', 'scheduled', [], 1), row('b', 'scheduled', [], 2)];
    expect(ids(readyTasks(tasks, new Set(), 10))).toEqual(['a', 'b', 'c']);
    expect(ids(readyTasks(tasks, new Set(), 2))).toEqual(['a', 'b']);
    expect(ids(readyTasks(tasks, new Set(), 0))).toEqual([]);
    expect(ids(readyTasks(tasks, new Set(), -1))).toEqual([]);
  });

  test('a task already in flight, or not scheduled, is never offered again', () => {
    const tasks = [row('a', 'scheduled'), row('b', 'scheduled'), row('c', 'pending'), row('d', 'done')];
    expect(ids(readyTasks(tasks, new Set(['a']), 10))).toEqual(['b']);
  });
});

describe('allFinished', () => {
  test('done and cancelled tasks are finished; anything else, or no tasks at all, is not', () => {
    expect(allFinished([])).toBe(false);
    expect(allFinished([row('a', 'done'), row('b', 'cancelled')])).toBe(true);
    for (const status of ['failed', 'scheduled', 'running', 'interrupted', 'pending'] as const) {
      expect(allFinished([row('a', 'done'), row('b', status)]), status).toBe(false);
    }
  });
});
