import { emptyTextHash } from '../../artifacts/project-tree.ts';
import type { StoredEvent } from '../catalog.ts';
import type { Handlers } from './handler.ts';
import { type Changes, type ProjectState, joinKey } from './project-state.ts';
import type { ArtifactVersionRow } from './rows.ts';
import { projectRow } from './reduce-project.ts';

function addVersion(state: ProjectState, event: StoredEvent<'artifact-create' | 'artifact-version'>, changes: Changes) {
  const { path, kind, language, contentHash, size, provenance } = event.payload;
  const existing = state.artifacts.get(path);
  // Identical content is the same version: a path's history holds each change once. A
  // deleted file written again comes back whatever its content.
  if (existing?.contentHash === contentHash && !existing.deleted) return;
  const version = (existing?.latest ?? 0) + 1;
  const row: ArtifactVersionRow = {
    projectId: state.projectId,
    path,
    version,
    contentHash,
    size,
    at: event.at,
    seq: event.seq,
    provenance: { ...provenance },
    validation: null,
    quality: null,
  };
  const key = joinKey(path, String(version));
  state.artifactVersions.set(key, row);
  changes.touch('artifactVersions', key);
  state.artifacts.set(path, {
    projectId: state.projectId,
    path,
    kind,
    language,
    latest: version,
    contentHash,
    size,
    updatedAt: event.at,
  });
  changes.touch('artifacts', path);
  // A test run made before this point no longer describes the project's code.
  if (kind === 'source' && !path.startsWith('.orchestra/')) projectRow(state, event.at, changes).sourcesSeq = event.seq;
}

/**
 * A file leaves the tree: a version with no content, which keeps the path's history (and
 * so lets a revert bring it back). Deleting a file that is not in the tree changes nothing:
 * writers refuse it first, and a fold must be total.
 */
function deleteFile(state: ProjectState, event: StoredEvent<'artifact-delete'>, changes: Changes) {
  const { path, reason, provenance } = event.payload;
  const existing = state.artifacts.get(path);
  if (!existing || existing.deleted) return;
  const version = existing.latest + 1;
  const key = joinKey(path, String(version));
  state.artifactVersions.set(key, {
    projectId: state.projectId,
    path,
    version,
    contentHash: emptyTextHash,
    size: 0,
    at: event.at,
    seq: event.seq,
    provenance: { ...provenance },
    validation: null,
    quality: null,
    deleted: { reason },
  });
  changes.touch('artifactVersions', key);
  state.artifacts.set(path, {
    ...existing,
    latest: version,
    contentHash: emptyTextHash,
    size: 0,
    updatedAt: event.at,
    deleted: true,
  });
  changes.touch('artifacts', path);
  // The tests that ran with the file no longer describe the project.
  if (existing.kind === 'source' && !path.startsWith('.orchestra/'))
    projectRow(state, event.at, changes).sourcesSeq = event.seq;
}

/** A version of a file, if it exists, marked as changed. */
export function artifactVersion(
  state: ProjectState,
  path: string,
  version: number,
  changes: Changes,
): ArtifactVersionRow | undefined {
  const key = joinKey(path, String(version));
  const row = state.artifactVersions.get(key);
  if (row) changes.touch('artifactVersions', key);
  return row;
}

export const artifactHandlers: Handlers<
  'artifact-create' | 'artifact-version' | 'artifact-delete' | 'artifact-validate'
> = {
  'artifact-create': addVersion,
  'artifact-version': addVersion,
  'artifact-delete': deleteFile,
  'artifact-validate': (state, event, changes) => {
    const row = artifactVersion(state, event.payload.path, event.payload.version, changes);
    if (row) row.validation = { status: event.payload.status, issues: [...event.payload.issues] };
  },
};
