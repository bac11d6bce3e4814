import type { OrchestraDb } from '../../db/database.ts';
import type { CommitRow } from '../log-table.ts';
import { addTexts } from '../text-table.ts';
import { writeChanges } from '../projections/materialize.ts';
import { type Changes, type ProjectState, readModelTables } from '../projections/project-state.ts';
import type { StoredText } from './contract.ts';
import type { Snapshots } from './snapshots.ts';

/** Every table an append or import writes: the log, its texts and snapshots, and the read models. */
export const logStores = ['commits', 'texts', 'snapshots', 'projects', 'plans', ...readModelTables];

/** Events already folded into `state`, as the store writes them in one transaction. */
export interface FoldedWrite {
  /** The log rows: one commit for an append, several for a long imported or synced log. */
  commits: CommitRow[];
  state: ProjectState;
  /** The rows the fold touched. */
  changes: Changes;
  blobs: StoredText[];
  /** The state to keep as the project's snapshot, when one is due. */
  snapshot: ProjectState | undefined;
}

/**
 * Writes a fold in one transaction on {@link logStores}: the commits, the read-model rows
 * it changed, its texts and the snapshot when due. No read of the head first: a commit's
 * key is [projectId+first], so if another writer got there first, adding at its first
 * sequence number fails on the existing key and the whole transaction is refused.
 */
export function writeFolded(db: OrchestraDb, snapshots: Snapshots, write: FoldedWrite): Promise<void> {
  return db.transaction('rw', logStores, async () => {
    const [single] = write.commits;
    const writes: Promise<unknown>[] = [
      // One row is added alone, so a taken key surfaces as the ConstraintError it is.
      write.commits.length === 1 && single ? db.commits.add(single) : db.commits.bulkAdd(write.commits),
      writeChanges(db, write.state, write.changes),
    ];
    // Stored even when this tab has it cached: another tab, or a delete still under way,
    // may be removing it; a text stored twice is found once and deleted twice.
    if (write.blobs.length > 0) writes.push(addTexts(db, write.blobs));
    if (write.snapshot) writes.push(snapshots.write(write.snapshot));
    await Promise.all(writes);
  });
}
