import type { PlanEdit, PlanTask } from '../../../worker/api.ts';

/** A task of the plan as the person is editing it. */
export type DraftTask = Pick<PlanTask, 'id' | 'role' | 'title' | 'dependsOn' | 'instructions'>;

export function makeDraft(tasks: readonly PlanTask[]): DraftTask[] {
  return tasks.map(({ id, role, title, dependsOn, instructions }) => ({ id, role, title, dependsOn, instructions }));
}

/** The list with the task at `index` moved by `delta` places (clamped to the ends). */
export function moveTask(tasks: readonly DraftTask[], index: number, delta: -1 | 1): DraftTask[] {
  const target = index + delta;
  if (index < 0 || index >= tasks.length || target < 0 || target >= tasks.length) return [...tasks];
  const next = [...tasks];
  const [moved] = next.splice(index, 1);
  if (moved) next.splice(target, 0, moved);
  return next;
}

export function removeTask(tasks: readonly DraftTask[], id: string): DraftTask[] {
  return tasks.filter((task) => task.id !== id);
}

export function setInstructions(tasks: readonly DraftTask[], id: string, instructions: string): DraftTask[] {
  return tasks.map((task) => (task.id === id ? { ...task, instructions } : task));
}

/**
 * The edit to send with "Approve plan", or undefined when nothing changed (the plan is
 * approved as proposed).
 * @example toPlanEdit(plan.tasks, moveTask(makeDraft(plan.tasks), 0, 1)) // { tasks: [second, first, …] }
 */
export function toPlanEdit(original: readonly PlanTask[], draft: readonly DraftTask[]): PlanEdit | undefined {
  const same =
    original.length === draft.length &&
    original.every((task, index) => task.id === draft[index]?.id && task.instructions === draft[index].instructions);
  return same ? undefined : { tasks: draft.map((task) => ({ id: task.id, instructions: task.instructions })) };
}

/** Ids that remaining tasks depend on but that were removed: worth a warning before approving. */
export function missingDependencies(draft: readonly DraftTask[]): string[] {
  const kept = new Set(draft.map((task) => task.id));
  return [...new Set(draft.flatMap((task) => task.dependsOn.filter((id) => !kept.has(id))))];
}

/**
 * The tasks a task still waits for once the draft's removals are applied: the engine
 * drops links to removed tasks when it approves an edited plan, so the review shows the same.
 * @example keptDependencies(removeTask(draft, 'ui'), review).includes('ui') // false
 */
export function keptDependencies(draft: readonly DraftTask[], task: Pick<DraftTask, 'dependsOn'>): string[] {
  const kept = new Set(draft.map((entry) => entry.id));
  return task.dependsOn.filter((id) => kept.has(id));
}
