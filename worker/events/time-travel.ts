import type { OrchestraEvent } from './catalog.ts';
import { foldEvents } from './fold.ts';
import { Changes, type ProjectState, cloneState, emptyProjectState } from './projections/project-state.ts';
import { reduce } from './projections/reduce.ts';

interface Timeline {
  projectId: string;
  events: OrchestraEvent[];
  /** `checkpoints[i]` is the state right after event `i × every` (the first is the empty state). */
  checkpoints: ProjectState[];
  /** The state after the last event read, folded as events arrive. */
  head: ProjectState;
  /** The rows `head` changed since the last checkpoint. */
  touched: Changes;
}

/**
 * The state of a project as of any sequence number, fast enough to scrub a slider:
 * the log is read once and folded, keeping an in-memory snapshot every `every`
 * events; a point is then the nearest snapshot before it, copied, with at most
 * `every` events folded forward. New events extend the timeline instead of
 * rebuilding it. One project at a time: the one being replayed.
 */
export class TimeTravel {
  private timeline: Timeline | undefined;

  constructor(
    private readonly readLog: (projectId: string, fromSeq: number) => Promise<OrchestraEvent[]>,
    private readonly every = 2000,
  ) {}

  /** The state right after event `seq` (or after the last event, if `seq` is beyond it). */
  async stateAt(projectId: string, seq: number): Promise<ProjectState> {
    const timeline = await this.extend(projectId);
    const target = Math.max(0, Math.min(seq, timeline.events.length));
    const index = Math.floor(target / this.every);
    const base = cloneState(timeline.checkpoints[index] ?? emptyProjectState(projectId));
    return foldEvents(projectId, timeline.events.slice(index * this.every, target), base);
  }

  /** Forgets the timeline kept in memory. */
  close(): void {
    this.timeline = undefined;
  }

  private async extend(projectId: string): Promise<Timeline> {
    if (this.timeline?.projectId !== projectId) {
      this.timeline = {
        projectId,
        events: [],
        checkpoints: [emptyProjectState(projectId)],
        head: emptyProjectState(projectId),
        touched: new Changes(),
      };
    }
    const timeline = this.timeline;
    for (const event of await this.readLog(projectId, timeline.events.length + 1)) {
      reduce(timeline.head, event, timeline.touched);
      timeline.events.push(event);
      if (timeline.events.length % this.every === 0) {
        // Rows untouched since the last checkpoint are shared with it: a 100k-event
        // project keeps fifty checkpoints, and copying every row into each was most of
        // the garbage the collector paused for.
        const since = timeline.checkpoints.at(-1);
        timeline.checkpoints.push(cloneState(timeline.head, since && { since, except: timeline.touched }));
        timeline.touched = new Changes();
      }
    }
    return timeline;
  }
}
