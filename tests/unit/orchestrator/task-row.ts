import { newTaskRow } from '../../../worker/events/projections/reduce-tasks.ts';
import type { TaskRow } from '../../../worker/events/projections/rows.ts';

/** A task row as a fresh `task-schedule` leaves it, with `overrides` on top. */
export function taskRowOf(overrides: Partial<TaskRow> = {}): TaskRow {
  return { ...newTaskRow('p', 't', 0), title: 'A task', status: 'scheduled', ...overrides };
}
