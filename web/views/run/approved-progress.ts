import type { PlanView, TaskRow } from '../../../worker/api.ts';

/** How much approved work is done, and the sentence beside the bar. */
export interface ApprovedProgress {
  done: number;
  total: number;
  sentence: string;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * Progress counts approved work only: the Project Manager's planning is not a task of
 * the plan, and before the plan is approved there is no approved work at all (the bar
 * must not read "1 of 1 tasks done" while the plan waits). Cancelled tasks leave the
 * count and are named beside it.
 * @example approvedProgress([planTask], 'proposed').sentence // "The plan waits for your approval: nothing is built yet."
 */
export function approvedProgress(tasks: readonly TaskRow[], planStatus: PlanView['status'] | null): ApprovedProgress {
  if (planStatus !== 'approved') {
    const sentence =
      planStatus === 'proposed'
        ? 'The plan waits for your approval: nothing is built yet.'
        : tasks.some((task) => task.role === 'project-manager' && task.status === 'running')
          ? 'The Project Manager is planning: nothing is built yet.'
          : 'No approved plan yet: nothing is built.';
    return { done: 0, total: 0, sentence };
  }
  const work = tasks.filter((task) => task.role !== 'project-manager');
  const cancelled = work.filter((task) => task.status === 'cancelled').length;
  const total = work.length - cancelled;
  const done = work.filter((task) => task.status === 'done').length;
  const tail = cancelled > 0 ? ` (${cancelled} cancelled)` : '';
  return { done, total, sentence: `${done} of ${plural(total, 'task')} done${tail}` };
}
