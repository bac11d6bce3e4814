import { expect, test } from 'vitest';
import type { TaskRow } from '../../../worker/api.ts';
import { summariseAgent } from '../../../web/views/run/agent-status.ts';
import { layoutTasks } from '../../../web/views/run/task-graph-layout.ts';
import { newTaskRow } from '../../../worker/events/projections/reduce-tasks.ts';

const task = (taskId: string, patch: Partial<TaskRow> = {}): TaskRow => ({
  ...newTaskRow('p', taskId, 0),
  role: 'code-generator',
  ...patch,
});

test('the graph puts a task to the right of what it depends on, with an edge per known dependency', () => {
  const layout = layoutTasks([task('a'), task('b', { dependsOn: ['a', 'gone'] }), task('c', { dependsOn: ['a'] })]);
  const x = (id: string) => layout.nodes.find((node) => node.task.taskId === id)?.x ?? NaN;
  expect(x('b')).toBeGreaterThan(x('a'));
  expect(x('c')).toBeGreaterThan(x('a'));
  expect(layout.edges.map((edge) => `${edge.from}>${edge.to}`).sort()).toEqual(['a>b', 'a>c']);
  expect(layout.width).toBeGreaterThan(0);
  expect(layoutTasks([])).toEqual({ nodes: [], edges: [], width: 0, height: 0 });
});

test('an agent card says running with the running task and model, done, failed, waiting or idle', () => {
  const running = task('a', { status: 'running', model: 'm1', provider: 'p', startedAt: 10, inputTokens: 5 });
  const view = { agents: [], tasks: [running, task('b', { role: 'test-writer', status: 'done', startedAt: 1 })] };
  expect(summariseAgent(view, 'code-generator')).toMatchObject({ state: 'running', model: 'm1', tokens: 5 });
  expect(summariseAgent(view, 'test-writer').state).toBe('done');
  expect(summariseAgent(view, 'debugger').state).toBe('idle');
  expect(
    summariseAgent({ agents: [], tasks: [task('c', { status: 'failed', startedAt: 3 })] }, 'code-generator').state,
  ).toBe('failed');
  expect(summariseAgent({ agents: [], tasks: [task('d')] }, 'code-generator').state).toBe('waiting');
  // Issue 20, point 5: an agent cut off by an emergency stop or a pause did not fail.
  expect(
    summariseAgent({ agents: [], tasks: [task('e', { status: 'interrupted', startedAt: 4 })] }, 'code-generator').state,
  ).toBe('interrupted');
});
