import { sha256Hex } from '../../../worker/events/hash.ts';
import { type ProjectState, joinKey } from '../../../worker/events/projections/project-state.ts';
import type { Role } from '../../../worker/events/schemas/common.ts';

/** Folds a new version of a source file into a state, as the reducers would, and keeps its text in `blobs`. */
export async function writeVersion(
  state: ProjectState,
  blobs: Map<string, string>,
  path: string,
  content: string,
  role: Role,
  taskId: string,
) {
  const contentHash = await sha256Hex(content);
  blobs.set(contentHash, content);
  const version = (state.artifacts.get(path)?.latest ?? 0) + 1;
  state.artifactVersions.set(joinKey(path, String(version)), {
    projectId: state.projectId,
    path,
    version,
    contentHash,
    size: content.length,
    at: 0,
    seq: 0,
    provenance: { source: 'ai', taskId, role },
    validation: null,
    quality: null,
  });
  state.artifacts.set(path, {
    projectId: state.projectId,
    path,
    kind: 'source',
    language: 'python',
    latest: version,
    contentHash,
    size: content.length,
    updatedAt: 0,
  });
}
