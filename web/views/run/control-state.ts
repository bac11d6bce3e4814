import type { ProjectWithPlan, TaskRow, TaskStatus } from '../../../worker/api.ts';

/** Which run controls apply now. */
export interface ControlState {
  start: boolean;
  pause: boolean;
  resume: boolean;
  step: boolean;
  executeAll: boolean;
  emergencyStop: boolean;
}

type RunFacts = Pick<ProjectWithPlan, 'runStatus' | 'pauseKind' | 'plan'>;

/**
 * The run controls that make sense for the project's state; an observer tab may use none.
 * @example controlState({ runStatus: 'idle', pauseKind: null, plan: null }, true).start // true
 */
export function controlState(project: RunFacts, canWrite: boolean): ControlState {
  const { runStatus } = project;
  const planPending = project.plan?.status === 'proposed';
  const live = runStatus === 'running' || runStatus === 'paused';
  return {
    start: canWrite && (runStatus === 'idle' || runStatus === 'stopped'),
    pause: canWrite && runStatus === 'running' && !planPending,
    resume: canWrite && runStatus === 'paused' && !planPending,
    step: canWrite && live && !planPending,
    executeAll: canWrite && runStatus === 'paused' && !planPending,
    emergencyStop: canWrite && live,
  };
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
