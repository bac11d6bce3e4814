import type { OrchestraDb } from '../db/database.ts';
import { foldEvents } from './fold.ts';
import { readLog } from './log-table.ts';
import { clearReadModels, writeChanges } from './projections/materialize.ts';
import { Changes, type ProjectState, readModelTables } from './projections/project-state.ts';

/**
 * Rebuilds every read model of a project from its log alone, in one transaction:
 * the rows are deleted, the events folded from the first, and the rows written again.
 */
export async function rebuildReadModels(db: OrchestraDb, projectId: string): Promise<ProjectState> {
  return db.transaction('rw', ['commits', 'projects', 'plans', ...readModelTables], async () => {
    const events = await readLog(db, projectId);
    const everything = new Changes();
    const state = foldEvents(projectId, events, undefined, everything);
    await clearReadModels(db, projectId);
    await writeChanges(db, state, everything);
    return state;
  });
}
