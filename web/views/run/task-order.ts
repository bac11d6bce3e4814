import type { TaskRow, TaskStatus } from '../../../worker/api.ts';

/** Tasks in the order they were planned (fix rounds after the plan). */
export function inPlanOrder(tasks: readonly TaskRow[]): TaskRow[] {
  return [...tasks].sort((a, b) => a.order - b.order);
}

export const statusNames: Record<TaskStatus, string> = {
  pending: 'waiting',
  scheduled: 'scheduled',
  running: 'running',
  done: 'done',
  failed: 'failed',
  interrupted: 'interrupted',
  cancelled: 'cancelled',
};
