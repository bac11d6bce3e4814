import type { EventDraft } from '../events/catalog.ts';
import { deleteDraft } from './delete-file.ts';
import { joinKey, type ProjectState } from '../events/projections/project-state.ts';
import type { ArtifactRow, ArtifactVersionRow } from '../events/projections/rows.ts';

/*
 * Reverts as projections of the log. Going back never removes anything: a revert is a new
 * version of each file whose content is an earlier version's, so the log stays
 * append-only, the revert shows in the history and diffs like any change, and it can be
 * reverted in turn.
 */

/** Every version of `path`, oldest first. */
function versionsOf(state: ProjectState, path: string): ArtifactVersionRow[] {
  const latest = state.artifacts.get(path)?.latest ?? 0;
  const rows: ArtifactVersionRow[] = [];
  for (let version = 1; version <= latest; version++) {
    const row = state.artifactVersions.get(joinKey(path, String(version)));
    if (row) rows.push(row);
  }
  return rows;
}

/** The version of `path` current right after event `seq`, if the file existed then. */
export function versionAt(state: ProjectState, path: string, seq: number): ArtifactVersionRow | undefined {
  let found: ArtifactVersionRow | undefined;
  for (const row of versionsOf(state, path)) {
    if (row.seq <= seq) found = row;
    else break;
  }
  return found;
}

function revertDraft(file: ArtifactRow, target: ArtifactVersionRow): EventDraft {
  // Back to a version that deleted the file: the revert deletes it again.
  if (target.deleted) {
    return deleteDraft(
      file.path,
      `Reverted to version ${target.version}, when it was deleted`,
      { source: 'user', revertedTo: target.version },
      { kind: 'user' },
    );
  }
  return {
    type: 'artifact-version',
    actor: { kind: 'user' },
    payload: {
      path: file.path,
      kind: file.kind,
      language: file.language,
      contentHash: target.contentHash,
      size: target.size,
      provenance: { source: 'user', revertedTo: target.version },
    },
  };
}

export type RevertPlan =
  | {
      ok: true;
      events: EventDraft[];
      /** Files the revert changes, with the version each goes back to. */
      files: { path: string; from: number; to: number }[];
      /** Files in the tree now that were not made yet at the point: the revert deletes them. */
      newer: string[];
    }
  | { ok: false; message: string };

/** Why a file made after the point leaves the tree, in the feed and its history. */
export const madeAfterPoint = 'Reverted the project to a point before this file was made';

/** Whether the file as it stands is what `target` was: the same content, or deleted in both. */
function same(file: ArtifactRow, target: ArtifactVersionRow): boolean {
  if (file.deleted || target.deleted) return file.deleted === true && target.deleted !== undefined;
  return target.contentHash === file.contentHash;
}

/**
 * The events that bring one file back to `version`.
 *
 * @example revertFile(state, 'src/app.js', 1) // { ok: true, events: [artifact-version …], files: [{ path, from: 3, to: 1 }] }
 */
export function revertFile(state: ProjectState, path: string, version: number): RevertPlan {
  const file = state.artifacts.get(path);
  const target = file && state.artifactVersions.get(joinKey(path, String(version)));
  if (!file || !target) return { ok: false, message: `There is no version ${version} of ${path} in this project.` };
  if (same(file, target)) {
    return { ok: false, message: `${path} is already as it was in version ${version}.` };
  }
  return {
    ok: true,
    events: [revertDraft(file, target)],
    files: [{ path, from: file.latest, to: version }],
    newer: [],
  };
}

/**
 * The point a version stands for: the end of the task attempt that wrote it. A task's
 * files are written together, each its own event, so going back "to this version" of one
 * of them means to the project as that task left it, its other files included — not to
 * the middle of its batch. A version no task wrote (yours, an import) stands for itself.
 *
 * @example pointOf(state, versionRow.seq) // the seq of the last file its task wrote
 */
export function pointOf(state: ProjectState, seq: number): number {
  let chosen: ArtifactVersionRow | undefined;
  for (const row of state.artifactVersions.values()) if (row.seq === seq) chosen = row;
  const taskId = chosen?.provenance.taskId;
  if (!chosen || taskId === undefined) return seq;
  let end = seq;
  for (const row of state.artifactVersions.values()) {
    const same = row.provenance.taskId === taskId && row.provenance.attempt === chosen.provenance.attempt;
    if (same && row.provenance.source === chosen.provenance.source && row.seq > end) end = row.seq;
  }
  return end;
}

/**
 * The events that bring every file back to how it was right after event `seq`, so the
 * tree is the tree at that point: a file deleted since comes back, a file made since is
 * deleted (an `artifact-delete`, so reverting the revert brings it back), a file deleted
 * at the point and made again since is deleted again. Review reports are the team's notes
 * about the project, not part of it: they stay as they are.
 *
 * @example revertProject(state, 12) // { ok: true, files: [{ path: 'a.js', from: 3, to: 1 }], newer: ['b.js'] }
 */
export function revertProject(state: ProjectState, seq: number): RevertPlan {
  if (!Number.isInteger(seq) || seq < 0 || seq > state.lastSeq) {
    return { ok: false, message: `The project has no point ${seq} to go back to.` };
  }
  const events: EventDraft[] = [];
  const files: { path: string; from: number; to: number }[] = [];
  const newer: string[] = [];
  for (const file of state.artifacts.values()) {
    if (file.kind === 'review') continue;
    const target = versionAt(state, file.path, seq);
    if (!target) {
      // Not made yet at the point: a file of the project goes, unless it is gone already.
      if (file.deleted || file.kind !== 'source') continue;
      events.push(deleteDraft(file.path, madeAfterPoint, { source: 'user' }, { kind: 'user' }));
      newer.push(file.path);
      continue;
    }
    if (same(file, target)) continue;
    events.push(revertDraft(file, target));
    files.push({ path: file.path, from: file.latest, to: target.version });
  }
  if (events.length === 0) {
    return { ok: false, message: 'Every file is already as it was at that point.' };
  }
  return { ok: true, events, files, newer };
}
