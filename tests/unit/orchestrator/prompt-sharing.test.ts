/**
 * Whether a later call is expected to read a task's prompt prefix from the cache: only
 * while another task of its role is yet to be routed (the prefix is the role's).
 */
import { expect, test } from 'vitest';
import { emptyProjectState } from '../../../worker/events/projections/project-state.ts';
import type { TaskRow } from '../../../worker/events/projections/rows.ts';
import { readLaterExpected } from '../../../worker/orchestrator/prompt-sharing.ts';
import { taskRowOf } from './task-row.ts';

function stateOf(rows: Partial<TaskRow>[]) {
  const state = emptyProjectState('p');
  for (const row of rows) {
    const task = taskRowOf(row);
    state.tasks.set(task.taskId, task);
  }
  return state;
}

test('a later read is expected while another task of the role waits to be routed, not after', () => {
  const builder = taskRowOf({ taskId: 'b1', role: 'code-generator', status: 'running' });
  for (const status of ['pending', 'scheduled', 'interrupted'] as const) {
    const state = stateOf([builder, { taskId: 'b2', role: 'code-generator', status }]);
    expect(readLaterExpected(state, builder), status).toBe(true);
  }
  for (const status of ['running', 'done', 'failed', 'cancelled'] as const) {
    const state = stateOf([builder, { taskId: 'b2', role: 'code-generator', status }]);
    expect(readLaterExpected(state, builder), status).toBe(false);
  }
});

test('the only review expects no later read, whatever other roles still have to do', () => {
  const review = taskRowOf({ taskId: 'review', role: 'debugger', status: 'scheduled' });
  const state = stateOf([
    review,
    { taskId: 'b1', role: 'code-generator', status: 'pending' },
    { taskId: 't1', role: 'test-writer', status: 'scheduled' },
  ]);
  expect(readLaterExpected(state, review)).toBe(false);
});
