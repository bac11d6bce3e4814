import { type Result, fail, ok } from '../contract/result.ts';
import type { Engine } from '../engine.ts';
import { joinKey, type ProjectState } from '../events/projections/project-state.ts';
import { guarded, notWriter } from '../projects/command-guard.ts';
import { type ChangeSummary, type FileChange, type FileDiff, diffCounts, diffFiles, summarize } from './file-diff.ts';
import { deleteDraft, deletion } from './delete-file.ts';
import { type RevertPlan, pointOf, revertFile, revertProject, versionAt } from './revert.ts';
import { type IncomingFile, prepareImport, readZip } from './import-files.ts';
import { ulid } from 'ulid';
import type { EventDraft } from '../events/catalog.ts';
import type { BlobText } from '../events/store/contract.ts';
import { sha256Hex } from '../events/hash.ts';

/** A diff between two versions of a file, as the Artifacts view draws it. */
export interface VersionDiff {
  path: string;
  /** 0 when the file did not exist before `to`. */
  from: number;
  to: number;
  diff: FileDiff;
}

/** What a revert did: the files it took back to a version, and the files it deleted because they were made after the point. */
export interface RevertDone {
  files: { path: string; from: number; to: number }[];
  newer: string[];
}

/** What deleting a file did: the version that records the deletion (earlier versions stay in its history). */
export interface DeleteDone {
  path: string;
  version: number;
}

/** A project brought in from a ZIP or a folder. */
export interface FilesToImport {
  name: string;
  description: string;
  source: { kind: 'zip'; bytes: Uint8Array } | { kind: 'files'; files: IncomingFile[] };
}

/** What bringing a project in did: the new project, how many files it got, and what was left out and why. */
export interface ImportDone {
  projectId: string;
  files: number;
  binary: number;
  skipped: { path: string; reason: string }[];
}

/**
 * Diffs, change summaries and reverts: the commands of the worker API that read a
 * project's file history and write reverts (as new versions).
 */
export function createChangeCommands(engine: Engine) {
  const { store, locks } = engine;

  async function textOf(hash: string, path: string): Promise<string> {
    const text = await store.blob(hash);
    if (text === undefined) throw new Error(`the text of ${path} is not on this device`);
    return text;
  }

  /**
   * Writes the revert `plan` makes of the project as it stands, refused when anything was
   * written since that state was read (the plan would undo what it never saw).
   */
  function revert(projectId: string, plan: (state: ProjectState) => RevertPlan): Promise<Result<RevertDone>> {
    return guarded(async () => {
      if (locks.role(projectId) !== 'writer') return notWriter();
      const state = await store.load(projectId);
      if (state.project?.runStatus === 'running') {
        return fail('conflict', 'A run is making changes right now: pause it before reverting.', true);
      }
      const planned = plan(state);
      if (!planned.ok) return fail('bad_input', planned.message);
      await store.append(projectId, planned.events, { expectedSeq: state.lastSeq });
      return ok({ files: planned.files, newer: planned.newer });
    });
  }

  return {
    /**
     * The diff of `path` from version `from` (0: as if empty) to version `to` (the latest when left out).
     * @example await engine.fileDiff(projectId, 'src/app.js', 1) // diff of version 1 against the latest
     */
    fileDiff: (projectId: string, path: string, from: number, to?: number): Promise<Result<VersionDiff>> =>
      guarded(async () => {
        const state = await store.load(projectId);
        const file = state.artifacts.get(path);
        const toVersion = to ?? file?.latest ?? 0;
        const after = state.artifactVersions.get(joinKey(path, String(toVersion)));
        const before = from > 0 ? state.artifactVersions.get(joinKey(path, String(from))) : undefined;
        if (!file || !after || (from > 0 && !before)) {
          return fail('not_found', `There is no such version of ${path} in this project.`);
        }
        // A version that deleted the file is no file: against it, every line is removed (or added).
        const [beforeText, afterText] = await Promise.all([
          before && !before.deleted ? textOf(before.contentHash, path) : Promise.resolve(null),
          after.deleted ? Promise.resolve('') : textOf(after.contentHash, path),
        ]);
        return ok({ path, from, to: toVersion, diff: diffFiles(beforeText, afterText) });
      }),

    /**
     * What changed in the files after event `sinceSeq`: each file against its version at
     * that point, and the sentence "3 files changed, +42 −7".
     */
    changeSummary: (projectId: string, sinceSeq: number): Promise<Result<ChangeSummary>> =>
      guarded(async () => {
        const state = await store.load(projectId);
        const files: FileChange[] = [];
        for (const file of state.artifacts.values()) {
          // The project's files: a review report is the team's note about the change, not part of it.
          if (file.kind !== 'source') continue;
          const now = state.artifactVersions.get(joinKey(file.path, String(file.latest)));
          if (!now || now.seq <= sinceSeq) continue;
          const found = versionAt(state, file.path, sinceSeq);
          // A file deleted at that point was not there: one brought back since is added.
          const then = found?.deleted ? undefined : found;
          if (now.deleted ? !then : then?.contentHash === now.contentHash) continue;
          const [before, after] = await Promise.all([
            then ? textOf(then.contentHash, file.path) : Promise.resolve(null),
            now.deleted ? Promise.resolve('') : textOf(now.contentHash, file.path),
          ]);
          const diff = diffCounts(before, after);
          files.push({
            path: file.path,
            status: now.deleted
              ? 'deleted'
              : !then
                ? 'added'
                : now.provenance.revertedTo !== undefined
                  ? 'reverted'
                  : 'modified',
            added: diff.added,
            removed: diff.removed,
          });
        }
        files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        return ok(summarize(files));
      }),

    /**
     * Starts a project from a ZIP or a folder's files: each file becomes its first version
     * (provenance: you). Refused paths, ignored files and files past the limits are listed.
     * @example await engine.importFiles({ name: 'Notes', description: '', source: { kind: 'zip', bytes } })
     */
    importFiles: (input: FilesToImport): Promise<Result<ImportDone>> =>
      guarded(async () => {
        const name = input.name.trim();
        if (name === '') return fail('bad_input', 'Give the project a name.');
        let incoming: IncomingFile[];
        const skipped: { path: string; reason: string }[] = [];
        if (input.source.kind === 'zip') {
          const zip = await readZip(input.source.bytes);
          if (!zip.ok) return fail('bad_input', zip.message);
          incoming = zip.files;
          skipped.push(...zip.skipped);
        } else incoming = input.source.files;
        const prepared = prepareImport(incoming);
        skipped.push(...prepared.skipped);
        if (prepared.files.length === 0) {
          return fail(
            'bad_input',
            `Nothing could be brought in${skipped.length > 0 ? `: ${skipped[0]?.reason ?? ''}` : ': there are no files.'}`,
          );
        }
        const projectId = ulid();
        await locks.claim(projectId);
        const blobs: BlobText[] = [];
        const events: EventDraft[] = [
          {
            type: 'project-create',
            actor: { kind: 'user' },
            payload: {
              name: name.slice(0, 200),
              description: input.description.slice(0, 20_000),
              template: null,
              budgetUsd: null,
              preference: 'balanced',
              maxParallel: 3,
              autoApprove: false,
            },
          },
        ];
        for (const file of prepared.files) {
          const contentHash = await sha256Hex(file.content);
          blobs.push({ hash: contentHash, content: file.content });
          events.push({
            type: 'artifact-create',
            actor: { kind: 'user' },
            payload: {
              path: file.path,
              kind: 'source',
              language: file.language,
              contentHash,
              size: file.size,
              provenance: { source: 'user' },
            },
          });
        }
        await store.append(projectId, events, { blobs, expectedSeq: 0 });
        return ok({
          projectId,
          files: prepared.files.length,
          binary: prepared.files.filter((file) => file.binary).length,
          skipped,
        });
      }),

    /**
     * Deletes a file from the project's tree, as a new version with no content: its history
     * keeps it, and reverting to an earlier version brings it back. Refused, writing nothing,
     * for a path that is not a file of the project.
     * @example await engine.deleteFile(projectId, 'src/old.js', 'Not used any more')
     */
    deleteFile: (projectId: string, path: string, reason: string): Promise<Result<DeleteDone>> =>
      guarded(async () => {
        if (locks.role(projectId) !== 'writer') return notWriter();
        const state = await store.load(projectId);
        if (state.project?.runStatus === 'running') {
          return fail('conflict', 'A run is making changes right now: pause it before deleting a file.', true);
        }
        const planned = deletion(state, path);
        if (!planned.ok) return fail('bad_input', planned.message);
        // Read before the append, which folds into this same state.
        const version = (state.artifacts.get(planned.path)?.latest ?? 0) + 1;
        const draft = deleteDraft(planned.path, reason, { source: 'user' }, { kind: 'user' });
        await store.append(projectId, [draft], { expectedSeq: state.lastSeq });
        return ok({ path: planned.path, version });
      }),

    /** Brings one file back to `version`, as a new version. */
    revertFile: (projectId: string, path: string, version: number): Promise<Result<RevertDone>> =>
      revert(projectId, (state) => revertFile(state, path, version)),

    /** Brings every file back to how it was right after event `seq` (to the end of the task that wrote the version at `seq`), as new versions. */
    revertProject: (projectId: string, seq: number): Promise<Result<RevertDone>> =>
      revert(projectId, (state) => revertProject(state, pointOf(state, seq))),
  };
}

export type ChangeCommands = ReturnType<typeof createChangeCommands>;
