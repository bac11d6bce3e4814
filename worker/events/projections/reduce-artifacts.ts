import type { StoredEvent } from '../catalog.ts';
import type { Handlers } from './handler.ts';
import { type Changes, type ProjectState, joinKey } from './project-state.ts';
import type { ArtifactVersionRow } from './rows.ts';
import { projectRow } from './reduce-project.ts';

function addVersion(state: ProjectState, event: StoredEvent<'artifact-create' | 'artifact-version'>, changes: Changes) {
  const { path, kind, language, contentHash, size, provenance } = event.payload;
  const existing = state.artifacts.get(path);
  // Identical content is the same version: a path's history holds each change once.
  if (existing?.contentHash === contentHash) return;
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

export const artifactHandlers: Handlers<'artifact-create' | 'artifact-version' | 'artifact-validate'> = {
  'artifact-create': addVersion,
  'artifact-version': addVersion,
  'artifact-validate': (state, event, changes) => {
    const row = artifactVersion(state, event.payload.path, event.payload.version, changes);
    if (row) row.validation = { status: event.payload.status, issues: [...event.payload.issues] };
  },
};
