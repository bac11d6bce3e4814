/**
 * Writing an attempt's `task-start`, with its call's reservation and the router's records
 * of the choice, in one append. A model call leaves only once that append is committed:
 * it is billed as soon as it goes out, so the log must know of it even if the tab dies the
 * next instant (a fresh runner charges it, `closeInterrupted`). The Template provider
 * bills nothing: its call starts once the start is folded into the state, and its answer
 * goes back without waiting for the commit (the outcome's `started`).
 *
 * When the run says whether the task may still start (`mayStart`), the append holds only
 * on a state that lets it: a pause or stop written since the launch was decided wins, the
 * start is refused, and the router's records go back to the attempt's pending ones.
 */
import type { EventDraft } from '../events/catalog.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { TaskRow } from '../events/projections/rows.ts';
import { system } from './run-context.ts';
import type { TaskRunnerDeps } from './task-runner.ts';

export interface AttemptStartFacts {
  task: TaskRow;
  attempt: number;
  provider: string;
  model: string;
  /** Whether a model is called (billed): then the call waits for the commit, not the fold. */
  billed: boolean;
  mayStart?: ((state: ProjectState) => boolean) | undefined;
}

export class AttemptStart {
  /** The append of the start, maybe still in flight (resolved until `write` is called). */
  written: Promise<unknown> = Promise.resolve();
  /** The start was refused because the run no longer lets the task start (`mayStart`). */
  notStarted = false;

  constructor(
    private readonly deps: Pick<TaskRunnerDeps, 'store' | 'projectId'>,
    private readonly facts: AttemptStartFacts,
    /** The attempt's router records not yet written: they go with the start. */
    private readonly routeEvents: EventDraft[],
  ) {}

  /** Appends the start after `reserved`; returns once the call may go out. */
  async write(reserved: EventDraft[]): Promise<void> {
    const { task, attempt, provider, model, mayStart } = this.facts;
    let folded = () => undefined as void;
    const startFolded = new Promise<void>((resolve) => (folded = resolve));
    const routed = this.routeEvents.splice(0);
    this.written = this.deps.store
      .append(
        this.deps.projectId,
        [
          ...routed,
          ...reserved,
          { type: 'task-start', actor: system, payload: { taskId: task.taskId, attempt, provider, model } },
        ],
        {
          folded,
          ...(mayStart
            ? {
                requires: {
                  holds: (current: ProjectState) => {
                    this.notStarted = !mayStart(current);
                    return !this.notStarted;
                  },
                  message: `The run was paused or stopped before task ${task.taskId} started.`,
                },
              }
            : {}),
        },
      )
      .catch((error: unknown) => {
        // Its router records go with the withdrawal instead (`closeRoute`).
        if (this.notStarted) this.routeEvents.unshift(...routed);
        throw error;
      });
    void this.written.catch(() => undefined); // awaited by the attempt, or by whoever completes the answer
    if (this.facts.billed) await this.written;
    else await Promise.race([startFolded, this.written]);
  }
}
