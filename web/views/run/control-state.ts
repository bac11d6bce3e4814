import type { ProjectWithPlan, TaskRow, TaskStatus } from '../../../worker/api.ts';
import { type RunControls, type RunState, runControls, runState } from '../../../worker/query/index.ts';

/** The facts the run screen has: the project with its plan, and its tasks. */
export interface RunView {
  project: ProjectWithPlan;
  tasks: readonly TaskRow[];
}

/** The run's state as worker/run-state derives it: every label and control comes from it. */
export function viewRunState(view: RunView): RunState {
  return runState({ project: view.project, plan: view.project.plan, tasks: view.tasks });
}

/**
 * The run controls that do something in the project's state, each with what it does; an
 * observer tab may use none.
 * @example controlState({ project, tasks: [] }, true).start.enabled // true on a new project
 */
export function controlState(view: RunView, canWrite: boolean): RunControls {
  return runControls(viewRunState(view), canWrite);
}

const cancellable: readonly TaskStatus[] = ['pending', 'scheduled', 'running'];
const retryable: readonly TaskStatus[] = ['failed', 'cancelled', 'interrupted'];

/** Whether "Cancel task" applies: the task has not ended yet. */
export function canCancelTask(task: Pick<TaskRow, 'status'>, canWrite: boolean): boolean {
  return canWrite && cancellable.includes(task.status);
}

/** Whether "Retry task" applies: the task failed, was cancelled, or was cut off. */
export function canRetryTask(task: Pick<TaskRow, 'status'>, canWrite: boolean): boolean {
  return canWrite && retryable.includes(task.status);
}
