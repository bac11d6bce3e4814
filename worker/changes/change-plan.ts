import { z } from 'zod';
import { planSchema } from '../agents/contracts.ts';
import { planTaskSchema } from '../events/schemas/task-events.ts';
import { normalizeArtifactPath } from '../artifacts/safe-path.ts';

/*
 * A change plan: the Project Manager's plan for changing a project that already exists.
 * Each task says which existing files it will modify and which new files it adds, so the
 * plan can be checked against the project as it stands before anyone pays for it.
 */

const pathList = z.array(z.string().min(1).max(400)).max(200);

/** A change plan's task: a plan task plus the files it touches. */
export const changePlanTaskSchema = planTaskSchema.extend({
  /** Existing files the task edits. */
  modifies: pathList,
  /** Files the task creates. */
  adds: pathList,
  /** Existing files the task deletes (empty when an answer written before deletions leaves it out). */
  deletes: pathList.default([]),
});
export type ChangePlanTask = z.infer<typeof changePlanTaskSchema>;

/** The Project Manager's change plan: a plan whose tasks name the files they modify and add. */
export const changePlanSchema = planSchema.extend({
  tasks: z.array(changePlanTaskSchema).min(1).max(500),
});
export type ChangePlan = z.infer<typeof changePlanSchema>;

/** What a change plan's tasks say about files, for the checks below (`deletes` when a plan removes files). */
export interface FileIntent {
  id: string;
  role?: string;
  modifies: readonly string[];
  adds: readonly string[];
  deletes?: readonly string[];
  /** The tasks this one waits for: two tasks writing one file must be ordered by it. */
  dependsOn?: readonly string[];
}

/**
 * What is wrong with a change plan's file lists against the project's files, as sentences
 * for a repair turn; empty when nothing is. A task may not modify a file that does not
 * exist (nor one another task deletes), add one that exists or another task adds, or
 * delete one that does not exist. Two tasks that write one file must be ordered (one
 * waits for the other, directly or through others), and a task that modifies a file
 * another adds must wait for the adder: run side by side, the second would edit a file
 * the first is still changing, and one of the edits would be lost or refused.
 *
 * @example
 * validateChangePlan([{ id: 't1', modifies: ['src/gone.js'], adds: [] }], new Set(['src/app.js']))
 * // ['Task t1 modifies src/gone.js, which does not exist: list it under "adds" to create it.']
 */
export function validateChangePlan(tasks: readonly FileIntent[], existing: ReadonlySet<string>): string[] {
  const errors: string[] = [];
  const existingByLower = new Map([...existing].map((path) => [path.toLowerCase(), path]));
  /** Who deletes and who adds each path, by canonical path (a Map: paths are model text). */
  const deletedBy = new Map<string, string>();
  const addedBy = new Map<string, string>();
  const canonical = (task: FileIntent, raw: string, list: string): string | null => {
    const check = normalizeArtifactPath(raw);
    if (check.ok) return check.path;
    errors.push(`Task ${task.id} ${list} ${JSON.stringify(raw)}: ${check.reason}`);
    return null;
  };

  for (const task of tasks) {
    for (const raw of task.deletes ?? []) {
      const path = canonical(task, raw, 'deletes');
      if (path === null) continue;
      if (!existing.has(path)) errors.push(`Task ${task.id} deletes ${path}, which does not exist.`);
      else if (deletedBy.has(path))
        errors.push(`Task ${task.id} deletes ${path}, which task ${deletedBy.get(path)} already deletes.`);
      else deletedBy.set(path, task.id);
    }
  }
  // A file an earlier-or-later task adds may be modified by another (after it, by dependency).
  const plannedAdds = new Set<string>();
  for (const task of tasks) {
    for (const raw of task.adds) {
      const check = normalizeArtifactPath(raw);
      if (check.ok) plannedAdds.add(check.path);
    }
  }
  for (const task of tasks) {
    const touched = new Set<string>();
    for (const raw of task.modifies) {
      const path = canonical(task, raw, 'modifies');
      if (path === null) continue;
      touched.add(path);
      const deleter = deletedBy.get(path);
      if (!existing.has(path) && plannedAdds.has(path)) continue;
      if (!existing.has(path)) {
        const near = existingByLower.get(path.toLowerCase());
        errors.push(
          near !== undefined
            ? `Task ${task.id} modifies ${path}, which does not exist; the project has ${near} (paths are case-sensitive).`
            : `Task ${task.id} modifies ${path}, which does not exist: list it under "adds" to create it.`,
        );
      } else if (deleter !== undefined) {
        errors.push(`Task ${task.id} modifies ${path}, which task ${deleter} deletes.`);
      }
    }
    for (const raw of task.adds) {
      const path = canonical(task, raw, 'adds');
      if (path === null) continue;
      const clash = existingByLower.get(path.toLowerCase());
      const adder = addedBy.get(path.toLowerCase());
      if (touched.has(path)) errors.push(`Task ${task.id} both modifies and adds ${path}.`);
      else if (clash !== undefined && deletedBy.get(clash) === undefined) {
        errors.push(`Task ${task.id} adds ${path}, but ${clash} already exists: list it under "modifies".`);
      } else if (adder !== undefined) {
        errors.push(`Task ${task.id} adds ${path}, which task ${adder} also adds: let one task add it.`);
      } else addedBy.set(path.toLowerCase(), task.id);
    }
    const writesFiles = task.role !== 'debugger';
    if (writesFiles && task.modifies.length === 0 && task.adds.length === 0 && (task.deletes ?? []).length === 0) {
      errors.push(`Task ${task.id} names no file to modify or add.`);
    }
  }
  errors.push(...orderingErrors(tasks, deletedBy));
  return errors;
}

/**
 * Whether task `from` waits for task `to`, directly or through others, given each task's
 * `dependsOn` (a plan's tasks, or a run's). A cycle ends the walk, never loops it.
 *
 * @example waitsFor((id) => dependsOn.get(id), 't3', 't1') // true when t3 → t2 → t1
 */
export function waitsFor(dependsOn: (id: string) => readonly string[] | undefined, from: string, to: string): boolean {
  const seen = new Set<string>();
  const queue = [...(dependsOn(from) ?? [])];
  while (queue.length > 0) {
    const next = queue.pop() as string;
    if (next === to) return true;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(dependsOn(next) ?? []));
  }
  return false;
}

/**
 * Two writers of one file that do not wait for each other, as sentences. `deletedBy` is
 * the deleter of each path, as `validateChangePlan` found it: a task that adds a path
 * another deletes must come after the deletion, or it is deleted.
 */
function orderingErrors(tasks: readonly FileIntent[], deletedBy: ReadonlyMap<string, string>): string[] {
  const errors: string[] = [];
  const dependsOn = new Map(tasks.map((task) => [task.id, task.dependsOn ?? []]));
  const waits = (from: string, to: string): boolean => waitsFor((id) => dependsOn.get(id), from, to);
  // Who writes each path, in plan order (a Map: paths and ids are model text).
  const writers = new Map<string, { id: string; adds: boolean }[]>();
  for (const task of tasks) {
    const paths = new Map<string, boolean>();
    for (const raw of task.modifies) {
      const check = normalizeArtifactPath(raw);
      if (check.ok && !paths.has(check.path)) paths.set(check.path, false);
    }
    for (const raw of task.adds) {
      const check = normalizeArtifactPath(raw);
      if (check.ok) paths.set(check.path, true);
    }
    for (const [path, adds] of paths) {
      const deleter = deletedBy.get(path);
      if (adds && deleter !== undefined && deleter !== task.id && !waits(task.id, deleter)) {
        errors.push(
          `Task ${task.id} adds ${path}, which task ${deleter} deletes, but does not wait for it: list ${deleter} in its dependsOn.`,
        );
      }
      const list = writers.get(path) ?? [];
      list.push({ id: task.id, adds });
      writers.set(path, list);
    }
  }
  for (const [path, list] of writers) {
    for (let i = 0; i < list.length; i += 1) {
      for (let j = i + 1; j < list.length; j += 1) {
        const a = list[i] as { id: string; adds: boolean };
        const b = list[j] as { id: string; adds: boolean };
        if (a.id === b.id || (a.adds && b.adds)) continue; // two adders are refused above
        if (a.adds || b.adds) {
          const [adder, editor] = a.adds ? [a, b] : [b, a];
          if (!waits(editor.id, adder.id)) {
            errors.push(
              `Task ${editor.id} modifies ${path}, which task ${adder.id} adds, but does not wait for it: list ${adder.id} in its dependsOn.`,
            );
          }
        } else if (!waits(a.id, b.id) && !waits(b.id, a.id)) {
          errors.push(
            `Tasks ${a.id} and ${b.id} both modify ${path} but neither waits for the other: list ${a.id} in ${b.id}'s dependsOn, so the second edits the first one's result.`,
          );
        }
      }
    }
  }
  return errors;
}
