import type { Plan, PlanTask } from '../agents/contracts.ts';
import { normalizeArtifactPath } from '../artifacts/safe-path.ts';

/*
 * Checks on a plan that a schema cannot express. The errors go back to the Project Manager
 * as a repair prompt, so each is a plain sentence that names the task and says what to do.
 */

export type PlanValidation = { ok: true } | { ok: false; errors: string[] };

type TaskLinks = Pick<PlanTask, 'id' | 'dependsOn'>;

const workerRoles: ReadonlySet<string> = new Set(['code-generator', 'ui-designer', 'test-writer', 'debugger']);

/**
 * Every problem with a plan, or ok.
 *
 * @example validatePlan(plan, { maxTasks: 12 }) // { ok: false, errors: ['Tasks "a" and "b" form a cycle: a → b → a. …'] }
 */
export function validatePlan(plan: Plan, options: { maxTasks: number }): PlanValidation {
  const { tasks } = plan;
  if (tasks.length === 0) {
    return { ok: false, errors: ['The plan has no tasks; add the tasks that build, test and review the project.'] };
  }
  const errors: string[] = [];
  if (tasks.length > options.maxTasks) {
    errors.push(
      `The plan has ${tasks.length} tasks but may have at most ${options.maxTasks}; merge related tasks to fit.`,
    );
  }
  errors.push(...duplicateIdErrors(tasks), ...roleErrors(tasks), ...dependencyErrors(tasks));
  errors.push(...artifactErrors(tasks), ...cycleErrors(tasks));
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

function duplicateIdErrors(tasks: readonly TaskLinks[]): string[] {
  const counts = new Map<string, number>();
  for (const task of tasks) counts.set(task.id, (counts.get(task.id) ?? 0) + 1);
  return [...counts]
    .filter(([, count]) => count > 1)
    .map(([id, count]) => `The id "${id}" is used by ${count} tasks; give every task its own id.`);
}

function roleErrors(tasks: readonly Pick<PlanTask, 'id' | 'role'>[]): string[] {
  const allowed = 'use code-generator, ui-designer, test-writer or debugger';
  return tasks.flatMap((task): string[] => {
    if (task.role === 'project-manager') {
      return [`Task "${task.id}" is assigned to the project-manager, who only plans; ${allowed}.`];
    }
    return workerRoles.has(task.role)
      ? []
      : [`Task "${task.id}" has the unknown role "${String(task.role)}"; ${allowed}.`];
  });
}

function dependencyErrors(tasks: readonly TaskLinks[]): string[] {
  const ids = new Set(tasks.map((task) => task.id));
  return tasks.flatMap((task) =>
    task.dependsOn.flatMap((dependency) => {
      if (dependency === task.id)
        return [`Task "${task.id}" depends on itself; remove "${task.id}" from its dependsOn.`];
      if (!ids.has(dependency)) {
        return [
          `Task "${task.id}" depends on "${dependency}", which is not a task in the plan; use an id from the plan.`,
        ];
      }
      return [];
    }),
  );
}

/** Expected files go through the one path rule that every written file goes through. */
function artifactErrors(tasks: readonly Pick<PlanTask, 'id' | 'expectedArtifacts'>[]): string[] {
  return tasks.flatMap((task) =>
    task.expectedArtifacts.flatMap((path) => {
      const check = normalizeArtifactPath(path);
      return check.ok
        ? []
        : [
            `Task "${task.id}" expects a file it cannot write: ${check.reason} Use a path relative to the project root.`,
          ];
    }),
  );
}

/** Edges to known, other tasks: the graph that cycle detection and ordering work on. */
function edgesOf(tasks: readonly TaskLinks[]): Map<string, string[]> {
  const ids = new Set(tasks.map((task) => task.id));
  const edges = new Map<string, string[]>();
  for (const task of tasks) {
    const known = task.dependsOn.filter((dependency) => dependency !== task.id && ids.has(dependency));
    edges.set(task.id, [...(edges.get(task.id) ?? []), ...known]);
  }
  return edges;
}

/**
 * One error per strongly connected group of tasks (Tarjan), naming a concrete cycle in it,
 * so a tangle of many dependencies reads as one problem rather than dozens.
 */
function cycleErrors(tasks: readonly TaskLinks[]): string[] {
  const edges = edgesOf(tasks);
  return stronglyConnected(edges)
    .filter((group) => group.length > 1)
    .map((group) => {
      const cycle = cycleWithin(group, edges);
      return `Tasks form a cycle: ${cycle.join(' → ')} (each depends on the next). Remove one of these dependencies so the tasks can run in order.`;
    });
}

function stronglyConnected(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let counter = 0;
  // Iterative, so a long dependency chain cannot overflow the call stack.
  for (const root of edges.keys()) {
    if (index.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = edges.get(frame.id) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++]!;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ id: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const group: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          group.push(member);
        } while (member !== frame.id);
        groups.push(group);
      }
    }
  }
  return groups;
}

/** A cycle through a strongly connected group, as ids with the first repeated at the end. */
function cycleWithin(group: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[] {
  const members = new Set(group);
  const start = [...edges.keys()].find((id) => members.has(id))!;
  // Breadth-first from the start back to itself finds the shortest cycle through it.
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const target of edges.get(id) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const path = [id];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(target)) {
        previous.set(target, id);
        queue.push(target);
      }
    }
  }
  return [...group, group[0]!];
}

/**
 * Task ids in an order where every task comes after its dependencies; among tasks that are
 * ready at the same time, plan order wins, so the order is stable and readable. Dependencies
 * on ids not in the plan are ignored.
 *
 * @throws RangeError if the tasks form a cycle: validate the plan first.
 */
export function topologicalOrder(tasks: readonly TaskLinks[]): string[] {
  const edges = edgesOf(tasks);
  const ids = [...edges.keys()];
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < ids.length) {
    const ready = ids.find((id) => !done.has(id) && edges.get(id)!.every((dependency) => done.has(dependency)));
    if (ready === undefined) throw new RangeError('The tasks form a cycle; validate the plan before ordering it.');
    done.add(ready);
    order.push(ready);
  }
  return order;
}

/**
 * The length of the longest chain of dependent tasks, adding up each task's duration: the
 * least time the plan takes however many tasks run at once.
 *
 * @example criticalPathLength(plan.tasks, () => 1) // the number of tasks on the longest chain
 */
export function criticalPathLength(tasks: readonly TaskLinks[], durationOf: (id: string) => number): number {
  const edges = edgesOf(tasks);
  const finish = new Map<string, number>();
  for (const id of topologicalOrder(tasks)) {
    const start = Math.max(0, ...edges.get(id)!.map((dependency) => finish.get(dependency)!));
    finish.set(id, start + durationOf(id));
  }
  return Math.max(0, ...finish.values());
}
