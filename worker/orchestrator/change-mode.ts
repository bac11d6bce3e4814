/**
 * Changing a built project: the checks a change's answers must pass before they count (a
 * change plan against the project's files; edit blocks against the files they edit), and
 * what a change plan becomes in the log. Which agent a task of a change gets is the
 * team's table (`task-agents.ts`), which calls these.
 *
 *   change-plan task ─▶ Project Manager (change mode) ─▶ plan + file checks ─▶ plan-propose (change)
 *   build task naming an existing file ─▶ builder (edit mode) ─▶ blocks placed? ─▶ new versions
 *                                                                   └─ no: repair with the reason
 */
import { currentFile, currentFiles } from '../artifacts/project-tree.ts';
import { normalizeArtifactPath } from '../artifacts/safe-path.ts';
import { isBinaryArtifact } from '../changes/binary-file.ts';
import type { ChangeOutput, FileDeletion } from '../changes/change-output.ts';
import { deletion } from '../changes/delete-file.ts';
import { type ChangePlan, validateChangePlan, waitsFor } from '../changes/change-plan.ts';
import { type EditResult, applyEditBlocks, editRepairLines } from '../changes/edit-blocks.ts';
import type { PayloadOf } from '../events/catalog.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { ReadBlob } from './agent-input.ts';
import { proposalOf } from './plan-completion.ts';
import { validatePlan } from './plan-validation.ts';

/** An existing file longer than this is changed with edit blocks, not sent whole. */
export const maxWholeRewriteLines = 150;

/** The project's text files as they stand: what a change may modify. */
export function editablePaths(state: ProjectState): Set<string> {
  const paths = new Set<string>();
  for (const artifact of currentFiles(state)) {
    if (artifact.kind === 'source' && !isBinaryArtifact(state, artifact)) paths.add(artifact.path);
  }
  return paths;
}

/**
 * What is wrong with a change plan, as sentences for a repair turn: the plan's graph (as
 * for any plan), then its files against the project's (`validateChangePlan`), and no
 * binary file to modify.
 */
export function changePlanErrors(plan: ChangePlan, state: ProjectState, maxTasks: number): string[] {
  const graph = validatePlan(plan, { maxTasks });
  const errors = graph.ok ? [] : [...graph.errors];
  errors.push(...validateChangePlan(plan.tasks, editablePaths(state)));
  for (const task of plan.tasks) {
    for (const raw of task.modifies) {
      const artifact = currentFile(state, canonical(raw));
      if (artifact && isBinaryArtifact(state, artifact)) {
        errors.push(`Task ${task.id} modifies ${artifact.path}, a binary file no agent can read or change.`);
      }
    }
  }
  return errors;
}

const canonical = (raw: string) => {
  const check = normalizeArtifactPath(raw);
  return check.ok ? check.path : raw;
};

/**
 * The change plan as a `plan-propose` payload: paths in their canonical spelling, each
 * task's expected files its `modifies` and `adds`, and ids the project's earlier tasks
 * already use renamed (with the plan's own references), so no earlier task is mistaken
 * for one of this change.
 */
export function changeProposal(
  state: ProjectState,
  plan: ChangePlan,
  planId: string,
  request: string,
): PayloadOf<'plan-propose'> {
  const taken = new Set(state.tasks.keys());
  const renamed = new Map<string, string>();
  for (const task of plan.tasks) {
    if (!taken.has(task.id)) continue;
    let suffix = 2;
    while (taken.has(`${task.id}-${suffix}`) || plan.tasks.some((other) => other.id === `${task.id}-${suffix}`))
      suffix += 1;
    renamed.set(task.id, `${task.id}-${suffix}`);
    taken.add(`${task.id}-${suffix}`);
  }
  const idOf = (id: string) => renamed.get(id) ?? id;
  const tasks = plan.tasks.map((task) => {
    const modifies = [...new Set(task.modifies.map(canonical))];
    const adds = [...new Set(task.adds.map(canonical))];
    const deletes = [...new Set(task.deletes.map(canonical))];
    return {
      id: idOf(task.id),
      role: task.role,
      title: task.title,
      instructions: task.instructions,
      dependsOn: task.dependsOn.map(idOf),
      expectedArtifacts: [...modifies, ...adds],
      acceptance: task.acceptance,
      modifies,
      adds,
      ...(deletes.length > 0 ? { deletes } : {}),
    };
  });
  return {
    ...proposalOf(plan, planId, tasks),
    change: { request: request.slice(0, 10_000) || '(no request given)' },
  };
}

/**
 * A task of the change being run, other than `taskId`, that writes `path` (modifies, adds
 * or deletes it) and is not ordered with `taskId`: deleting the file under it would make
 * its edits fail, or undo its work, depending on which ran first.
 */
function unorderedWriter(state: ProjectState, taskId: string, path: string): string | undefined {
  const plan = state.plan;
  if (plan?.change === undefined || plan.status !== 'approved') return undefined;
  for (const task of plan.tasks) {
    if (task.id === taskId || state.tasks.get(task.id)?.status === 'cancelled') continue;
    const writes = [...task.expectedArtifacts, ...(task.modifies ?? []), ...(task.adds ?? []), ...(task.deletes ?? [])];
    if (!writes.some((raw) => canonical(raw) === path)) continue;
    const dependsOn = (id: string) => state.tasks.get(id)?.dependsOn;
    if (!waitsFor(dependsOn, taskId, task.id) && !waitsFor(dependsOn, task.id, taskId)) return task.id;
  }
  return undefined;
}

/**
 * An answer's deletions, checked: each a project file in the tree now (the one path rule,
 * no case-only near miss), not also written by the same answer, and not written by
 * another task of the change that is not ordered with this one.
 */
function checkDeletions(
  state: ProjectState,
  output: ChangeOutput,
  taskId: string | undefined,
): { errors: string[]; deletes: FileDeletion[] } {
  const errors: string[] = [];
  const deletes: FileDeletion[] = [];
  const written = new Set([...output.files, ...output.edits].map((entry) => canonical(entry.path)));
  for (const entry of output.deletes) {
    const checked = deletion(state, entry.path);
    if (!checked.ok) {
      errors.push(checked.message);
      continue;
    }
    const path = checked.path;
    if (deletes.some((kept) => kept.path === path)) continue;
    if (written.has(path)) {
      errors.push(`${path} is both deleted and written in this answer: delete it or change it, not both.`);
      continue;
    }
    const other = taskId === undefined ? undefined : unorderedWriter(state, taskId, path);
    if (other !== undefined) {
      errors.push(
        `${path} cannot be deleted: task ${other} of this change also changes it, and neither task waits for the other. Leave the file, and say why in "notes".`,
      );
      continue;
    }
    deletes.push({ path, reason: entry.reason });
  }
  return { errors, deletes };
}

/**
 * Places an answer's edit blocks on the project's files as they stand now, refuses a
 * whole-file rewrite of a long existing file, and checks its deletions (for the task
 * `taskId` of the change). `ok: false` carries the sentences for a repair turn; `ok: true`
 * the files the answer leaves, edited and whole, and the files it deletes.
 */
export async function applyChange(
  state: ProjectState,
  output: ChangeOutput,
  readBlob: ReadBlob,
  taskId?: string,
): Promise<
  | { ok: true; files: { path: string; language: string; content: string }[]; deletes: FileDeletion[] }
  | { ok: false; errors: string[] }
> {
  const checked = checkDeletions(state, output, taskId);
  const errors: string[] = [...checked.errors];
  // Only the files the blocks name are read: a change to one file of 200 reads one.
  const named = new Set(output.edits.map((block) => canonical(block.path)));
  const current = new Map<string, string>();
  const languages = new Map<string, string>();
  await Promise.all(
    [...named].map(async (path) => {
      const artifact = currentFile(state, path);
      if (!artifact || artifact.kind !== 'source') return;
      if (isBinaryArtifact(state, artifact)) {
        errors.push(`${path} is a binary file: it cannot be edited.`);
        return;
      }
      const text = await readBlob(artifact.contentHash);
      if (text === undefined) return;
      current.set(path, text);
      languages.set(path, artifact.language);
    }),
  );
  for (const file of output.files) {
    const artifact = currentFile(state, canonical(file.path));
    if (!artifact || artifact.kind !== 'source') continue;
    const lines = (await readBlob(artifact.contentHash))?.split('\n').length ?? 0;
    if (lines > maxWholeRewriteLines) {
      errors.push(
        `${artifact.path} has ${lines} lines: change it with edit blocks in "edits" rather than sending it whole in "files".`,
      );
    }
  }
  const placed: EditResult =
    output.edits.length > 0
      ? applyEditBlocks(
          current,
          output.edits,
          output.files.map((file) => file.path),
        )
      : { ok: true, files: [] };
  if (!placed.ok) errors.push(...editRepairLines(placed.problems));
  if (errors.length > 0 || !placed.ok) return { ok: false, errors };
  const edited = placed.files
    .filter((file) => file.after !== file.before)
    .map((file) => ({ path: file.path, language: languages.get(file.path) ?? '', content: file.after }));
  const files = [...output.files, ...edited];
  if (files.length === 0 && checked.deletes.length === 0) {
    return { ok: false, errors: ['The edits change nothing: each replace is the same as its search text.'] };
  }
  return { ok: true, files, deletes: checked.deletes };
}
