import { currentFiles } from '../artifacts/project-tree.ts';
import { normalizeArtifactPath } from '../artifacts/safe-path.ts';
import type { EventDraft, PayloadOf } from '../events/catalog.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { Actor } from '../events/schemas/common.ts';

/*
 * Deleting a file: one `artifact-delete` event, checked against the project as it stands
 * before it is written. The fold ignores a deletion of a file that is not there (it must
 * be total); this is where such a deletion is refused, with a sentence that says why.
 */

/** Whether a path may be deleted: its canonical form, or why not. */
export type DeletionCheck = { ok: true; path: string } | { ok: false; message: string };

/** Why a file went, as the event keeps it: trimmed, never empty, within the schema's bound. */
export function deletionReason(reason: string): string {
  const text = reason.replace(/\s+/g, ' ').trim();
  return text === '' ? 'No reason was given' : text.slice(0, 1000);
}

/**
 * Whether `raw` may be deleted from the project, or why not: the path must pass the one
 * path rule and name a project file in the tree now (a review report is the team's note,
 * not a file of the project). `deleteDraft` writes the event for a path that may.
 *
 * @example deletion(state, 'src/old.js') // { ok: true, path: 'src/old.js' }
 */
export function deletion(state: ProjectState, raw: string): DeletionCheck {
  const check = normalizeArtifactPath(raw);
  if (!check.ok) return { ok: false, message: check.reason };
  const path = check.path;
  const file = state.artifacts.get(path);
  if (!file || file.deleted) {
    const near = currentFiles(state).find((one) => one.path.toLowerCase() === path.toLowerCase());
    return {
      ok: false,
      message:
        near !== undefined
          ? `${path} cannot be deleted: it does not exist; the project has ${near.path} (paths are case-sensitive).`
          : file
            ? `${path} cannot be deleted: it was deleted already.`
            : `${path} cannot be deleted: the project has no such file.`,
    };
  }
  if (file.kind !== 'source') {
    return {
      ok: false,
      message: `${path} cannot be deleted: it is the team's ${file.kind}, not a file of the project.`,
    };
  }
  return { ok: true, path };
}

/**
 * The one `artifact-delete` event for `path`: whoever deletes (you, an agent's answer, a
 * revert) writes it here, the reason kept as `deletionReason` makes it. Check the path
 * with `deletion` first.
 *
 * @example deleteDraft('src/old.js', 'Not used any more', { source: 'user' }, { kind: 'user' })
 */
export function deleteDraft(
  path: string,
  reason: string,
  provenance: PayloadOf<'artifact-delete'>['provenance'],
  actor: Actor,
): EventDraft {
  return { type: 'artifact-delete', actor, payload: { path, reason: deletionReason(reason), provenance } };
}
