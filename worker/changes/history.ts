import type { ArtifactVersionRow, SessionRow } from '../events/projections/rows.ts';
import { madeAfterPoint } from './revert.ts';

/** One change in a project's history: a run, a revert, or files brought in. */
export interface HistoryEntry {
  kind: 'run' | 'revert' | 'import' | 'edit';
  /** When the change began (the run's start, else its first version). */
  at: number;
  added: string[];
  modified: string[];
  /**
   * Files the change deleted (a revert's included: back to a version that had deleted one,
   * or the project back to a point before one was made).
   */
  deleted: string[];
  /** For reverts: the versions brought back, "src/a.js → v1". */
  reverted: string[];
}

/**
 * The project's history of changes, oldest first, from its file versions and runs: the
 * versions that bring back an earlier version are a revert (yours, even while a run is
 * paused); the other versions written during a run are that run's change; those written
 * by you outside a run are files brought in (first versions) or edits.
 *
 * @example changeHistory(versions, sessions) // [{ kind: 'import', added: […] }, { kind: 'run', modified: […] }]
 */
export function changeHistory(
  versions: readonly ArtifactVersionRow[],
  sessions: readonly Pick<SessionRow, 'startedAt' | 'endedAt'>[],
): HistoryEntry[] {
  const runs = [...sessions].sort((a, b) => a.startedAt - b.startedAt);
  const ordered = [...versions].sort((a, b) => a.seq - b.seq);
  // A version after a deletion brings the file back: an addition, not a modification.
  const deletions = new Set(ordered.filter((version) => version.deleted).map((version) => version.seq));
  const byVersion = new Map(ordered.map((version) => [`${version.version}\u0000${version.path}`, version.seq]));
  const previous = (version: ArtifactVersionRow) => byVersion.get(`${version.version - 1}\u0000${version.path}`);
  const entries: HistoryEntry[] = [];
  let current = null as (HistoryEntry & { key: string }) | null;
  for (const version of ordered) {
    const run = runs.findLast(
      (session) => session.startedAt <= version.at && (session.endedAt ?? Infinity) >= version.at,
    );
    // A revert is yours even inside a run's span (a paused run has no end yet).
    const kind: HistoryEntry['kind'] =
      version.provenance.revertedTo !== undefined || revertDeletion(version)
        ? 'revert'
        : version.provenance.source !== 'user' || run
          ? 'run'
          : version.version === 1
            ? 'import'
            : 'edit';
    const key = kind === 'run' ? `run:${run?.startedAt ?? 'none'}` : `${kind}:${version.at}`;
    if (current?.key !== key) {
      const at = kind === 'run' ? (run?.startedAt ?? version.at) : version.at;
      current = { key, kind, at, added: [], modified: [], deleted: [], reverted: [] };
      entries.push(current);
    }
    if (version.deleted) current.deleted.push(version.path);
    else if (version.provenance.revertedTo !== undefined)
      current.reverted.push(`${version.path} → v${version.provenance.revertedTo}`);
    else if (version.version === 1 || deletions.has(previous(version) ?? -1)) current.added.push(version.path);
    else current.modified.push(version.path);
  }
  return entries.map(({ kind, at, added, modified, deleted, reverted }) => ({
    kind,
    at,
    added,
    modified,
    deleted,
    reverted,
  }));
}

/** A file the project's revert deleted because it was made after the point (no version to name). */
function revertDeletion(version: ArtifactVersionRow): boolean {
  return version.provenance.source === 'user' && version.deleted?.reason === madeAfterPoint;
}
