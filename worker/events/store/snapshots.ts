import type { OrchestraDb } from '../../db/database.ts';
import { projectRange } from '../projections/materialize.ts';
import { type ProjectState, emptyProjectState } from '../projections/project-state.ts';

/**
 * The IndexedDB store's snapshots of each project's state: only the latest is kept, and
 * loading a project starts folding from it. One is due every `every` events, or every
 * tenth of the log if that is more, so snapshots stay a small share of storage.
 */
export class Snapshots {
  /** The sequence number of each project's latest snapshot, as this tab knows it. */
  private readonly seqs = new Map<string, number>();

  constructor(
    private readonly db: OrchestraDb,
    readonly every: number,
  ) {}

  /** Whether a state at `seq` is due to be the project's snapshot. */
  due(projectId: string, seq: number): boolean {
    const last = this.seqs.get(projectId) ?? 0;
    return seq - last >= Math.max(this.every, Math.floor(seq / 10));
  }

  /** Where an imported log of `lastSeq` events keeps its snapshot, as appends would have: the last multiple of the gap. */
  importSeq(lastSeq: number): number {
    return lastSeq - (lastSeq % this.every);
  }

  /** Puts the state as the project's snapshot (IndexedDB copies it at once) and drops older ones. In a transaction on `snapshots`. */
  async write(state: ProjectState): Promise<void> {
    const { projectId, lastSeq } = state;
    this.seqs.set(projectId, lastSeq);
    await Promise.all([
      this.db.snapshots.put({ projectId, seq: lastSeq, state }),
      this.db.snapshots
        .where('[projectId+seq]')
        .between(...projectRange(projectId, 0, lastSeq))
        .delete(),
    ]);
  }

  /** The project's latest snapshot, or its empty state. */
  async latest(projectId: string): Promise<ProjectState> {
    const snapshot = await this.db.snapshots
      .where('[projectId+seq]')
      .between(...projectRange(projectId))
      .last();
    const state = snapshot?.state ?? emptyProjectState(projectId);
    this.seqs.set(projectId, state.lastSeq);
    return state;
  }

  /** Removes the project's snapshots. In a transaction on `snapshots`. */
  async delete(projectId: string): Promise<void> {
    this.seqs.delete(projectId);
    await this.db.snapshots.where('projectId').equals(projectId).delete();
  }
}
