import type { StoredEvent } from '../catalog.ts';
import type { Handlers } from './handler.ts';
import type { Changes, ProjectState } from './project-state.ts';

function addVersion(state: ProjectState, event: StoredEvent<'artifact-create' | 'artifact-version'>, changes: Changes) {
  const { path, kind, language, contentHash, size, provenance } = event.payload;
  const existing = state.artifacts.get(path);
  // Identical content is the same version: a path's history holds each change once.
  if (existing?.contentHash === contentHash) return;
  changes.touch('artifacts', path);
  const version = (existing?.latest ?? 0) + 1;
  const entry = {
    version,
    contentHash,
    size,
    at: event.at,
    seq: event.seq,
    provenance: { ...provenance },
    validation: null,
    quality: null,
  };
  if (existing) {
    existing.kind = kind;
    existing.language = language;
    existing.latest = version;
    existing.contentHash = contentHash;
    existing.size = size;
    existing.versions.push(entry);
  } else {
    state.artifacts.set(path, {
      projectId: state.projectId,
      path,
      kind,
      language,
      latest: version,
      contentHash,
      size,
      versions: [entry],
    });
  }
}

export const artifactHandlers: Handlers<'artifact-create' | 'artifact-version' | 'artifact-validate'> = {
  'artifact-create': addVersion,
  'artifact-version': addVersion,
  'artifact-validate': (state, event, changes) => {
    const version = state.artifacts
      .get(event.payload.path)
      ?.versions.find((entry) => entry.version === event.payload.version);
    if (!version) return;
    version.validation = { status: event.payload.status, issues: [...event.payload.issues] };
    changes.touch('artifacts', event.payload.path);
  },
};
