/**
 * The run's loop: after every change (a command, an attempt settled, a slot released)
 * it looks at the log and starts what may start. The runner (`runner.ts`) owns the
 * commands; this owns the calls in flight and the one pump that reads the state.
 *
 * ```
 *  change ──▶ pump ──▶ tick ──(a change came meanwhile)──▶ tick … ──▶ idle
 *  tick:  an emergency stop is being written ──▶ nothing
 *         the run is not running ──▶ nothing
 *         runGuard (run-guards.ts) says stop ──▶ run-stop · finish ──▶ finishRun · pause ──▶ pause
 *         else ──▶ launch the ready tasks, up to max parallel minus the calls working
 *         nothing ready and nothing in flight ──▶ pauseIfStalled (run-end.ts)
 *  launch ──▶ start (task-launch.ts) in the background ──settled──▶ pump
 *         └─ released (its completion folded) ──▶ its slot is free ──▶ pump
 *  beside a task (the Project Manager answering a message) ──▶ a call aborted and awaited
 *         with the tasks' (abortAll, abortUntilQuiet, idle); none starts while held
 *  held (closed, halted, or an emergency stop being written) ──▶ no launch, no write:
 *         a tick that was awaiting the state, the tests or a write goes no further
 * ```
 *
 * A tick awaits (the state, the run's final tests, the findings) between what it reads
 * and what it does. The hold can begin in any of those gaps, so the tick's own steps run
 * on a context (`own`) that refuses every read and write once the loop is held: the
 * first one after the gap throws `LoopHeld`, which ends the tick quietly.
 */
import type { ProjectState } from '../events/projections/project-state.ts';
import type { TaskRow } from '../events/projections/rows.ts';
import { mayStartTask, pauseRun } from './run-controls.ts';
import { type RunContext, system } from './run-context.ts';
import { finishRun, pauseIfStalled } from './run-end.ts';
import { runGuard } from './run-guards.ts';
import { readyTasks } from './scheduler.ts';

/** Runs one attempt of a task: `mayStart` says, atomically with its `task-start`, whether the run still lets it. */
export type StartTask = (
  taskId: string,
  signal: AbortSignal,
  mayStart: (state: ProjectState) => boolean,
) => Promise<void>;

export interface InFlight {
  controller: AbortController;
  done: Promise<void>;
  /**
   * Its slot is free: the task's completion is folded into the state (its write may
   * still be in flight), so the tasks waiting on it may start now. The entry stays
   * until `done`, so idle and finish still wait for the write.
   */
  released: boolean;
}

/** Thrown by the loop's own context once the loop is held: the tick that met it stops there. */
class LoopHeld extends Error {
  constructor() {
    super('The run loop is held: closed, halted, or an emergency stop is being written.');
  }
}

export class RunLoop {
  private readonly inFlight = new Map<string, InFlight>();
  /** Calls of no task (the Project Manager's answers): stopped and waited for with the tasks'. */
  private readonly besideTasks = new Set<InFlight>();
  private pumping: Promise<void> | undefined;
  private again = false;
  /** The runner stopped without writing (the tab lost the lock): nothing runs any more. */
  closed = false;
  /**
   * The disk refused a write: nothing starts and nothing is written until Continue
   * (`resume`) finds room again. Held in memory, since the log cannot take a pause.
   */
  halted = false;
  /** Above 0 while an emergency stop is being written: the loop does nothing, nothing launches. */
  private stopping = 0;
  /** The run status the loop last saw. */
  private lastStatus: string | undefined;

  /**
   * What the loop's own steps (the guards' stop, finish and pause, the stall pause) run
   * on: the runner's context, refusing every read and write once the loop is held. A
   * read refuses after it resolves too, since that is the gap a hold falls in.
   */
  private readonly own: RunContext;

  constructor(
    private readonly ctx: RunContext,
    private readonly start: StartTask,
  ) {
    this.own = {
      projectId: ctx.projectId,
      deps: ctx.deps,
      state: async () => {
        this.refuseIfHeld();
        const state = await ctx.state();
        this.refuseIfHeld();
        return state;
      },
      append: (events, blobs) => {
        this.refuseIfHeld();
        return ctx.append(events, blobs);
      },
      // Written through this context, so a hold that begins while it reads the state wins.
      pause: (kind, reason, also) => pauseRun(this.own, kind, reason, also ?? []),
      report: (error, taskId) =>
        this.held || error instanceof LoopHeld ? Promise.resolve() : ctx.report(error, taskId),
      held: () => this.held,
    };
  }

  /** Closed, halted, or an emergency stop is being written: the loop starts and writes nothing. */
  get held(): boolean {
    return this.closed || this.halted || this.stopping > 0;
  }

  private refuseIfHeld(): void {
    if (this.held) throw new LoopHeld();
  }

  /** The call of a task in flight, if any. */
  call(taskId: string): InFlight | undefined {
    return this.inFlight.get(taskId);
  }

  /** The tasks whose calls are in flight. */
  busy(): Set<string> {
    return new Set(this.inFlight.keys());
  }

  /** Whether a run of the project is going in this tab (running or paused). */
  get active(): boolean {
    return this.inFlight.size > 0 || this.lastStatus === 'running' || this.lastStatus === 'paused';
  }

  /**
   * Calls still working: a released one has its completion folded already (only its
   * write is in flight, and later appends are ordered after it), so it holds nothing up.
   */
  working(): number {
    let working = 0;
    for (const entry of this.inFlight.values()) if (!entry.released) working += 1;
    return working;
  }

  /** The task's completion is folded: its slot is free for the tasks waiting on it. */
  release(taskId: string): void {
    const entry = this.inFlight.get(taskId);
    if (entry && !entry.released) {
      entry.released = true;
      this.pump();
    }
  }

  /** Aborts every call in flight, with `reason` as the signal's reason. */
  abortAll(reason: string): void {
    for (const call of this.calls()) call.controller.abort(reason);
  }

  /** Every call in flight: the tasks' and those beside them. */
  private calls(): InFlight[] {
    return [...this.inFlight.values(), ...this.besideTasks];
  }

  /** No call is in flight, of a task or beside the tasks. */
  get quiet(): boolean {
    return this.inFlight.size === 0 && this.besideTasks.size === 0;
  }

  /**
   * Runs `work`, a call of no task (the Project Manager answering a message), as one of
   * the loop's calls: an emergency stop, a halt or `close` aborts it through its signal
   * and waits for it as for a task's. Nothing starts while the loop is held.
   */
  async runBesideTasks(work: (signal: AbortSignal) => Promise<void>): Promise<void> {
    if (this.held) return;
    const controller = new AbortController();
    const entry: InFlight = { controller, done: Promise.resolve(), released: true };
    const running = work(controller.signal);
    entry.done = running
      .catch(() => undefined)
      .finally(() => {
        this.besideTasks.delete(entry);
      });
    this.besideTasks.add(entry);
    await running;
  }

  /**
   * Runs `work` (the writing of an emergency stop) with the loop held: a tick that read
   * the state before it would otherwise start a task after the run ended.
   */
  async holding<T>(work: () => Promise<T>): Promise<T> {
    this.stopping += 1;
    try {
      return await work();
    } finally {
      this.stopping -= 1;
    }
  }

  /**
   * Aborts every call until none is left and no pump is pending, those launched while it
   * waits too; `meanwhile` runs at each round. Returns how many calls were aborted.
   */
  async abortUntilQuiet(reason: string, meanwhile: () => void): Promise<number> {
    const aborted = new Set<InFlight>();
    for (;;) {
      const calls = this.calls().filter((call) => !aborted.has(call));
      if (calls.length === 0 && !this.pumping) break;
      for (const call of calls) {
        aborted.add(call);
        call.controller.abort(reason);
      }
      meanwhile();
      await Promise.all([...calls.map((call) => call.done), this.pumping]);
    }
    return aborted.size;
  }

  /** Resolves when nothing is in flight and no pump is pending. */
  async idle(): Promise<void> {
    for (;;) {
      const pending = this.calls().map((call) => call.done);
      if (this.pumping) pending.push(this.pumping);
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  }

  /** Looks at the log and starts what may start; called after every change. Never throws. */
  pump(): void {
    if (this.closed || this.halted) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = (async () => {
      do {
        this.again = false;
        try {
          await this.tick();
        } catch (error) {
          await this.own.report(error);
        }
      } while (this.again && !this.closed);
    })().finally(() => {
      this.pumping = undefined;
    });
  }

  private async tick(): Promise<void> {
    // While the loop is held nothing launches and nothing is written: an emergency stop
    // being written decides everything; a closed or halted loop writes nothing at all.
    if (this.held) return;
    const ctx = this.own;
    const state = await ctx.state();
    const project = state.project;
    this.lastStatus = project?.runStatus;
    if (!project || project.runStatus !== 'running' || !project.currentRunId) return;
    const busy = this.working();
    const guard = runGuard(state, project.currentRunId, busy, ctx.deps.limits);
    if (guard?.kind === 'stop') {
      const { outcome, message } = guard;
      await ctx.append([
        { type: 'run-stop', actor: system, payload: { runId: project.currentRunId, outcome, message } },
      ]);
      return;
    }
    if (guard?.kind === 'finish') {
      await finishRun(ctx, state, project.currentRunId);
      return;
    }
    if (guard?.kind === 'pause') {
      await ctx.pause('limit', guard.reason);
      return;
    }
    const slots = project.maxParallel - busy;
    const ready = readyTasks(state.tasks.values(), this.busy(), slots);
    for (const task of ready) this.launch(task, 'loop', project.currentRunId);
    if (ready.length === 0 && this.inFlight.size === 0) await pauseIfStalled(ctx, state);
  }

  /**
   * Starts a task's attempt in the background; the loop runs again when it settles. A
   * pause or stop written before its start holds it back (`mayStartTask`): it waits,
   * unstarted, for the run to go on.
   */
  launch(task: TaskRow, by: 'loop' | 'step', runId: string | null): void {
    if (this.held) return; // Next agent launches outside the loop, after awaits of its own
    const controller = new AbortController();
    const entry: InFlight = { controller, done: Promise.resolve(), released: false };
    this.inFlight.set(task.taskId, entry);
    entry.done = this.start(task.taskId, controller.signal, mayStartTask(task.taskId, by, runId))
      .catch((error: unknown) => this.ctx.report(error, task.taskId))
      .finally(() => {
        this.inFlight.delete(task.taskId);
        this.pump();
      });
  }
}
