import type { OrchestraDb } from '../db/database.ts';
import { foldEvents } from './fold.ts';
import { projectRange } from './projections/materialize.ts';
import { type ProjectState, emptyProjectState } from './projections/project-state.ts';

/**
 * The state of a project as it was right after event `seq`: the nearest snapshot at or
 * before it, then the events up to it folded forward (at most `snapshotEvery` of them).
 */
export async function stateAt(db: OrchestraDb, projectId: string, seq: number): Promise<ProjectState> {
  const snapshot = await db.snapshots
    .where('[projectId+seq]')
    .between(...projectRange(projectId, 0, seq), true, true)
    .last();
  const state = snapshot?.state ?? emptyProjectState(projectId);
  const events = await db.events
    .where('[projectId+seq]')
    .between(...projectRange(projectId, state.lastSeq + 1, seq), true, true)
    .toArray();
  return foldEvents(projectId, events, state);
}
