/** Issue 20, point 7: progress counts approved work only; the bar is not full while the plan waits. */
import { expect, test } from 'vitest';
import type { TaskRow } from '../../../worker/api.ts';
import { approvedProgress } from '../../../web/views/run/approved-progress.ts';
import { newTaskRow } from '../../../worker/events/projections/reduce-tasks.ts';

const task = (taskId: string, patch: Partial<TaskRow> = {}): TaskRow => ({
  ...newTaskRow('p', taskId, 0),
  role: 'code-generator',
  ...patch,
});
const plan = task('plan', { role: 'project-manager', status: 'done' });

test('while the plan waits for approval nothing counts as done, though the planning task is', () => {
  expect(approvedProgress([plan], 'proposed')).toEqual({
    done: 0,
    total: 0,
    sentence: 'The plan waits for your approval: nothing is built yet.',
  });
  expect(approvedProgress([{ ...plan, status: 'running' }], null).sentence).toBe(
    'The Project Manager is planning: nothing is built yet.',
  );
  expect(approvedProgress([plan], 'rejected').done).toBe(0);
});

test('once approved, the plan’s tasks count; cancelled ones leave the count and are named', () => {
  const tasks = [
    plan,
    task('api', { status: 'done' }),
    task('ui', { status: 'running' }),
    task('tests', { status: 'cancelled' }),
    task('review', { role: 'debugger' }),
  ];
  expect(approvedProgress(tasks, 'approved')).toEqual({
    done: 1,
    total: 3,
    sentence: '1 of 3 tasks done (1 cancelled)',
  });
});
