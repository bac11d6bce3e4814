import { expect, test } from 'vitest';
import type { TaskRow } from '../../../worker/api.ts';
import { summariseAgent } from '../../../web/views/run/agent-status.ts';
import { layoutTasks } from '../../../web/views/run/task-graph-layout.ts';

const task = (taskId: string, patch: Partial<TaskRow> = {}): TaskRow => ({
  projectId: 'p',
  taskId,
  role: 'code-generator',
  title: taskId,
  dependsOn: [],
  instructions: '',
  expectedArtifacts: [],
  acceptance: [],
  kind: 'build',
  round: 1,
  order: 0,
  status: 'pending',
  attempt: 0,
  taskType: null,
  provider: null,
  model: null,
  outputChars: 0,
  checkpointHash: null,
  outputHash: null,
  repairs: 0,
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  durationMs: 0,
  lastError: null,
  quality: null,
  startedAt: null,
  endedAt: null,
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
});
