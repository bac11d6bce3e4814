import { type ProjectState, joinKey } from '../events/projections/project-state.ts';
import type { ArtifactRow } from '../events/projections/rows.ts';

/** How binary files are marked: their language. Their content is base64 and never goes to a model. */
export const binaryLanguage = 'binary';

/**
 * Whether a stored file is a binary file brought in by the person: its text is base64, it
 * is exported as its bytes and never shown to a model. Only a file whose latest version
 * the person made counts, so a model that calls its answer's language "binary" cannot get
 * its text decoded.
 */
export function isBinaryArtifact(
  state: ProjectState,
  artifact: Pick<ArtifactRow, 'path' | 'language' | 'latest'>,
): boolean {
  if (artifact.language !== binaryLanguage) return false;
  return state.artifactVersions.get(joinKey(artifact.path, String(artifact.latest)))?.provenance.source === 'user';
}
