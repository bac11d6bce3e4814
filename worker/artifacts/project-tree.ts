import type { ProjectState } from '../events/projections/project-state.ts';
import type { ArtifactRow } from '../events/projections/rows.ts';

/*
 * The project's tree as it stands. `state.artifacts` keeps a row for every path that ever
 * existed (a read-model row never leaves its table), so a deleted file is still there,
 * marked `deleted`: whatever reads "the files of the project" reads them through here.
 */

/** The SHA-256 of the empty text: the content of a version that deleted its file. */
export const emptyTextHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * The file at `path` if it is in the tree now (not deleted).
 *
 * @example currentFile(state, 'src/app.js')?.contentHash
 */
export function currentFile(state: ProjectState, path: string): ArtifactRow | undefined {
  const file = state.artifacts.get(path);
  return file && !file.deleted ? file : undefined;
}

/** Every file in the tree now, in the order they first appeared. */
export function currentFiles(state: ProjectState): ArtifactRow[] {
  const files: ArtifactRow[] = [];
  for (const file of state.artifacts.values()) if (!file.deleted) files.push(file);
  return files;
}
