/**
 * "Cancel task" and "Retry task": which task statuses each applies to, and what it does.
 * One rule for both sides: the engine's commands (`orchestrator/run-controls.ts`) refuse
 * what this says is off, and the run screen enables exactly what this says is on — so a
 * sentence that tells the person "Cancel task to go on without it" always meets an
 * enabled button.
 *
 *   pending ─┐                 failed ──────┐
 *   scheduled├─ Cancel ─▶ cancelled ─ Retry ─▶ scheduled
 *   running ─┘  (its call stops)  interrupted ┘
 *   failed, interrupted ─ Cancel ─▶ cancelled (the run goes on without it)
 *
 * The planning task is the exception: once it failed or was cut off, the run cannot go on
 * without a plan (`task-stop-sentences.ts` says Retry task only), so Cancel is off for it.
 */
import type { TaskRow, TaskStatus } from '../events/projections/rows.ts';
import type { RunControl } from './run-state.ts';

const cancellable: ReadonlySet<TaskStatus> = new Set(['pending', 'scheduled', 'running', 'failed', 'interrupted']);
const retryable: ReadonlySet<TaskStatus> = new Set(['failed', 'cancelled', 'interrupted']);

export interface TaskControls {
  cancel: RunControl;
  retry: RunControl;
}

/** What Cancel task and Retry task would do to this task now; an observer tab may use neither. */
export function taskControls(task: Pick<TaskRow, 'status' | 'title' | 'role'>, canWrite: boolean): TaskControls {
  const cancel = cancelRefusal(task);
  const retry = retryRefusal(task);
  return {
    cancel: {
      enabled: canWrite && cancel === null,
      does:
        cancel ??
        (task.status === 'running'
          ? `Stops “${task.title}”’s call and cancels it; the tasks after it run without its output.`
          : `Cancels “${task.title}”; the tasks after it run without its output.`),
    },
    retry: {
      enabled: canWrite && retry === null,
      does: retry ?? `Schedules “${task.title}” to run again.`,
    },
  };
}

/** Why Cancel task does not apply to this task, or null when it does. */
export function cancelRefusal(task: Pick<TaskRow, 'status' | 'title' | 'role'>): string | null {
  const stopped = task.status === 'failed' || task.status === 'interrupted';
  if (stopped && task.role === 'project-manager')
    return `The run needs a plan to go on: retry “${task.title}”, or Stop run.`;
  if (cancellable.has(task.status)) return null;
  return `Task “${task.title}” has already ${task.status === 'done' ? 'finished' : 'been cancelled'}.`;
}

/** Why Retry task does not apply to this task, or null when it does. */
export function retryRefusal(task: Pick<TaskRow, 'status' | 'title'>): string | null {
  if (retryable.has(task.status)) return null;
  return `Task “${task.title}” is ${task.status}: only failed, cancelled or interrupted tasks can be retried.`;
}
