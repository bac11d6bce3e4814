import type { TaskRow, TaskStatus } from '../events/projections/rows.ts';

/** Statuses a task ends in: done, or cancelled (skipped: later tasks run without it). */
const finished: ReadonlySet<TaskStatus> = new Set(['done', 'cancelled']);

export function isFinished(task: Pick<TaskRow, 'status'>): boolean {
  return finished.has(task.status);
}

/**
 * The tasks that may start now, in plan order: scheduled, not already in flight, every
 * dependency finished (a cancelled dependency counts: the person chose to go on without
 * it), and no more than `slots` of them.
 *
 * A dependency that does not exist never finishes, so a task naming one never starts;
 * plan validation refuses such plans before they get here.
 */
export function readyTasks<T extends Pick<TaskRow, 'taskId' | 'status' | 'dependsOn' | 'order'>>(
  tasks: Iterable<T>,
  inFlight: ReadonlySet<string>,
  slots: number,
): T[] {
  if (slots <= 0) return [];
  const byId = new Map<string, T>();
  for (const task of tasks) byId.set(task.taskId, task);
  const ready: T[] = [];
  for (const task of byId.values()) {
    if (task.status !== 'scheduled' || inFlight.has(task.taskId)) continue;
    if (task.dependsOn.every((id) => byId.get(id) !== undefined && isFinished(byId.get(id) as T))) {
      ready.push(task);
    }
  }
  ready.sort((a, b) => a.order - b.order);
  return ready.slice(0, slots);
}

/** Whether every task has finished (and there is at least one). */
export function allFinished(tasks: Iterable<TaskRow>): boolean {
  let any = false;
  for (const task of tasks) {
    any = true;
    if (!isFinished(task)) return false;
  }
  return any;
}
