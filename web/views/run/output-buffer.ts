import type { OutputUpdate } from '../../../worker/api.ts';

/** What has streamed in for one task's current attempt. */
export interface TaskOutput {
  taskId: string;
  attempt: number;
  role: OutputUpdate['role'];
  provider: string;
  model: string;
  text: string;
}

/** Keep the end of very long answers: the screen shows the tail, the log keeps the whole text. */
export const outputLimit = 200_000;

/**
 * Folds a batch of live updates into what is shown per task: text is appended, a reset
 * (a new attempt or a repair call) clears it first. Returns a new map; the old is untouched.
 * @example applyOutput(new Map(), [{ taskId: 't1', text: 'Hi', reset: false, … }]).get('t1')?.text // "Hi"
 */
export function applyOutput(
  current: ReadonlyMap<string, TaskOutput>,
  updates: readonly OutputUpdate[],
): Map<string, TaskOutput> {
  const next = new Map(current);
  for (const update of updates) {
    const previous = next.get(update.taskId);
    const keep = previous && !update.reset && previous.attempt === update.attempt ? previous.text : '';
    let text = keep + update.text;
    if (text.length > outputLimit) text = text.slice(text.length - outputLimit);
    next.set(update.taskId, {
      taskId: update.taskId,
      attempt: update.attempt,
      role: update.role,
      provider: update.provider,
      model: update.model,
      text,
    });
  }
  return next;
}
