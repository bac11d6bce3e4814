import type { TaskRow } from '../events/projections/rows.ts';
import type { Failure } from '../contract/result.ts';

/**
 * The sentences a run pauses with when a task stops for good: the cause first (which
 * task, on which provider and model, why), then one way on that the paused run's
 * controls offer. The planning task has one way only: without a plan nothing can go on,
 * so cancelling it (or continuing without it) is never suggested.
 */
type StoppedTask = Pick<TaskRow, 'title' | 'role'>;

/** The way on after `task` stopped, as a sentence: Retry task, or Cancel task where the run can do without it. */
export function wayOn(task: Pick<TaskRow, 'role'>): string {
  return task.role === 'project-manager'
    ? 'Press Retry task: the run needs a plan to go on.'
    : 'Press Retry task, or Cancel task to go on without it.';
}

/**
 * A task that failed after its attempts: the cause, and what to do before retrying (a
 * `remedy` from the provider's error kind, when there is one) joined to the way on.
 * @example taskFailedSentence({ title: 'Plan', role: 'project-manager' }, { on: 'OpenAI gpt-4o', attempts: 3, cause: 'OpenAI did not accept the API key.', remedy: 'Check your OpenAI key in Settings' })
 */
export function taskFailedSentence(
  task: StoppedTask,
  facts: { on: string | null; attempts: number; cause: string; remedy?: string | undefined },
): string {
  const tries = facts.attempts > 1 ? ` after ${facts.attempts} attempts` : '';
  const on = facts.on ? ` on ${facts.on}` : '';
  const way = wayOn(task);
  const next = facts.remedy ? `${facts.remedy}, then ${way.charAt(0).toLowerCase()}${way.slice(1)}` : way;
  return `Task “${task.title}” failed${on}${tries}: ${ended(facts.cause)} ${next}`;
}

/** An agent that repeated itself: what it did, and the way on. */
export function taskLoopSentence(task: StoppedTask, message: string): string {
  return `${ended(message)} ${wayOn(task)}`;
}

/** A task every model declined: the provider's words, and the way on (with new instructions). */
export function taskDeclinedSentence(task: StoppedTask, message: string): string {
  const way =
    task.role === 'project-manager'
      ? 'Edit the task’s instructions and retry it: the run needs a plan to go on.'
      : 'Edit the task’s instructions and retry it, or Cancel task to go on without it.';
  return `Task “${task.title}” was declined: ${ended(message)} ${way}`;
}

/** A sentence with its full stop. */
function ended(sentence: string): string {
  const trimmed = sentence.trim();
  return /[.!?…”)]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * A fault of Orchestra's own (storage, a bug) that stopped the run, not a task's or a
 * provider's failure: what happened in the person's words, and the one way on. The raw
 * error stays in the log's `error-report` event, never in the sentence.
 * @example faultSentence({ kind: 'storage_full', message: '…' }, 'Write the notes module')
 */
export function faultSentence(failure: Pick<Failure, 'kind'>, taskTitle?: string): string {
  const during = taskTitle ? ` while “${taskTitle}” ran` : '';
  switch (failure.kind) {
    case 'storage_full':
      return `This device’s storage is full, so the run could not save its next step${during}. Free some space (export and delete projects you no longer need), then press Continue orchestra.`;
    case 'storage':
      return `Orchestra could not read or write this project’s data on this device${during}. Press Continue orchestra to try again; if it happens again, reload the page first.`;
    case 'conflict':
      return `Another tab changed this project while the run was saving${during}. Press Continue orchestra to go on from what is saved.`;
    default:
      return `Orchestra hit a problem of its own${during}; nothing you did caused it, and the details are in the feed. Press Continue orchestra to try again; if it repeats, export the project and report it.`;
  }
}
