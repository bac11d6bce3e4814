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

const ended: readonly TaskStatus[] = ['done', 'cancelled', 'failed', 'interrupted'];

/**
 * What "Start" will do, when that is not obvious: on a finished project it builds
 * nothing again, so it says so instead of only logging "You started a run".
 * @example startHintFor({ runStatus: 'stopped', plan: { status: 'approved' } }, [doneTask]) // "Every task is done: …"
 */
export function startHintFor(
  project: Pick<ProjectWithPlan, 'runStatus'> & { plan: Pick<NonNullable<ProjectWithPlan['plan']>, 'status'> | null },
  tasks: readonly Pick<TaskRow, 'status' | 'role'>[],
): string | undefined {
  if (project.runStatus === 'idle')
    return 'Start: the Project Manager plans the project, and you approve the plan before anything is built.';
  if (project.runStatus !== 'stopped') return undefined;
  if (project.plan?.status !== 'approved')
    return 'Start plans the project again: a new plan comes to you for approval before anything is built.';
  const work = tasks.filter((task) => task.role !== 'project-manager');
  if (work.length > 0 && work.every((task) => task.status === 'done'))
    return 'Every task is done: Start builds nothing again. It runs the project’s tests if its files changed since they last ran, then ends. To change the project, send the team a message.';
  if (work.some((task) => !ended.includes(task.status)))
    return 'Start goes on with the approved plan: tasks not yet done run; finished work is kept.';
  return 'Start goes on with the approved plan: finished work is kept; cancelled, failed or interrupted tasks run only after Retry task.';
}
