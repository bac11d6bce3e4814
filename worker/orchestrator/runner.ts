/**
 * Runs one project: plans it, starts every task whose dependencies are done (up to the
 * project's max parallel), handles each answer, and stops — with a sentence and a choice —
 * whenever a guard says so. It lives in the tab that holds the project's writer lock; its
 * state is the project's log plus the calls in flight, so a fresh runner after a reload
 * picks up exactly where the log says the run was.
 *
 * ```
 *  idle ──Start──▶ planning ──plan-propose──▶ awaiting approval ──Approve──▶ running ◀─┐
 *                     │                              └──Reject──▶ stopped      │       │
 *                     └─(no key: template plan)                      Pause/guard│  Continue
 *                                                                              ▼       │
 *  running ──every task done──▶ stopped (completed)                        paused ─────┘
 *  any state ──Emergency stop──▶ stopped (emergency): calls aborted, reservations given back
 *  paused ──Next agent──▶ exactly one ready task runs, the run stays paused
 * ```
 *
 * What calls what (each file's comment says what it owns):
 *   run-commands.ts ─▶ this runner's commands ─▶ start / askForChange (run-start.ts),
 *     the controls (run-controls.ts); then the loop (run-loop.ts) moves the run
 *   pump ─▶ tick ─▶ runGuard (run-guards.ts): stop, finishRun (run-end.ts), pause; else launch
 *   launch ─▶ executeTask (task-launch.ts) ─▶ taskAgentFor (task-agents.ts) ─▶ attempt
 *     (task-runner.ts, calls/metered-call.ts) ─▶ settle (task-outcome.ts) ─▶ complete
 *     (task-completion.ts: file-, plan-, review-completion.ts)
 *   recover ─▶ recoveryEvents (recovery.ts); nothing can start ─▶ pauseIfStalled (run-end.ts)
 */
import { ulid } from 'ulid';
import type { EventDraft } from '../events/catalog.ts';
import type { BlobText } from '../events/store/contract.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { PauseKind } from '../events/projections/rows.ts';
import { answerMessage, conversationOf } from './chat.ts';
import { recoveryEvents } from './recovery.ts';
import type { RunContext, RunnerDeps } from './run-context.ts';
import { reportFault } from './run-end.ts';
import { RunBudget, callDepsOf } from './run-budget.ts';
import { executeTask } from './task-launch.ts';
import { RunError } from './run-errors.ts';
import { RunLoop } from './run-loop.ts';
import { askForChange, startRun } from './run-start.ts';
import { cancelTask, emergencyStopEvents, pauseRun, resumeRun, retryTask, stepRun, stopRun } from './run-controls.ts';
import { TaskOutcomes } from './task-outcome.ts';
import type { TaskRunnerDeps } from './task-runner.ts';

export type { RunnerDeps } from './run-context.ts';
export { KeysLockedError, RunError } from './run-errors.ts';

export class ProjectRunner {
  /** The calls in flight and the pump that starts them (`run-loop.ts`). */
  private readonly loop: RunLoop;
  /** What an attempt's outcome becomes, and the refusals and switches the next attempt avoids. */
  private readonly outcomes: TaskOutcomes;
  /** What the parts of the run (start, end, outcomes) use of this runner. */
  private readonly context: RunContext;
  /** The project's cost governor, in step with its row. */
  private readonly budget: RunBudget;

  constructor(
    readonly projectId: string,
    private readonly deps: RunnerDeps,
  ) {
    this.context = {
      projectId,
      deps,
      state: () => this.state(),
      append: (events, blobs) => this.append(events, blobs),
      pause: (kind, reason, also) => this.pause(kind, reason, also),
      report: (error, taskId) => this.report(error, taskId),
      held: () => this.loop.held,
    };
    this.budget = new RunBudget(this.context);
    this.loop = new RunLoop(this.context, (taskId, signal, mayStart) =>
      executeTask(this.context, this.outcomes, taskId, signal, () => this.callDeps(), mayStart),
    );
    this.outcomes = new TaskOutcomes(this.context, {
      halted: () => this.loop.halted,
      release: (taskId) => this.loop.release(taskId),
    });
  }

  private state(): Promise<ProjectState> {
    return this.deps.store.load(this.projectId);
  }

  private append(events: EventDraft[], blobs?: BlobText[]) {
    return this.deps.store.append(this.projectId, events, blobs ? { blobs } : {});
  }

  // ── Recovery ────────────────────────────────────────────────────────────────────

  /**
   * After a reload or a closed tab: attempts the log says are running have no call behind
   * them any more. Each is marked interrupted and scheduled to run again; the call it had
   * made is charged at its estimate (it went out, so the provider bills it: see
   * `closeInterrupted`); then the run goes on if it was running.
   */
  async recover(): Promise<void> {
    await this.recoverLog();
    this.pump();
  }

  /** Recovery's reading and writing (no pump): tasks left running interrupted, reservations closed. */
  private async recoverLog(): Promise<void> {
    this.outcomes.rememberRefusals(await this.deps.store.read(this.projectId));
    const state = await this.state();
    const { events, closed } = recoveryEvents(
      state,
      this.loop.busy(),
      this.deps.checks?.isRunning(this.projectId) === true,
      this.deps.limits,
    );
    if (events.length > 0) await this.append(events);
    // Reservations were closed in the log alone (charged at an estimate, or given back): a
    // governor made before (Continue after a full disk) is made again from the row.
    if (closed) this.rebuildBudget();
  }

  // ── Commands ────────────────────────────────────────────────────────────────────

  /** "Start": a new run; the Project Manager plans, or the template makes the plan without a key (`run-start.ts`). */
  async start(): Promise<string> {
    const runId = await startRun(this.context);
    this.pump();
    return runId;
  }

  /** "Ask for a change": a new run on top of the last (`run-start.ts`). */
  async askForChange(request: string): Promise<string> {
    const runId = await askForChange(this.context, request, this.loop.working());
    this.pump();
    return runId;
  }

  /** Appends events from a command, then lets the run move. */
  async command(events: EventDraft[]): Promise<void> {
    if (events.length > 0) await this.append(events);
    this.pump();
  }

  /** "Pause": calls in flight finish; nothing new starts. `also` is appended with the pause, atomically. */
  async pause(kind: PauseKind, reason: string, also: EventDraft[] = []): Promise<void> {
    await pauseRun(this.context, kind, reason, also);
  }

  /** "Continue orchestra" / "Execute all": the run goes on; a limit the person passed is raised for this run. */
  async resume(): Promise<void> {
    if (this.loop.halted) {
      await this.continueAfterStorage();
      // The halt was never in the log: a run it stopped is still "running" there, and goes on.
      if ((await this.state()).project?.runStatus === 'running') return;
    }
    await resumeRun(this.context);
    this.pump();
  }

  /** "Next agent": exactly one ready task runs now; the run is (or becomes) paused. */
  async step(): Promise<string | null> {
    const next = await stepRun(this.context, this.loop.busy());
    if (!next) return null;
    this.loop.launch(next.task, 'step', next.runId);
    return next.task.taskId;
  }

  /** "Cancel task": stops its call if one is running, else marks it cancelled. */
  async cancel(taskId: string): Promise<void> {
    const running = this.loop.call(taskId);
    if (running) {
      running.controller.abort('cancel');
      await running.done;
    }
    // An attempt that had already ended (failed, say) or not started is cancelled here.
    await cancelTask(this.context, taskId, running !== undefined);
    this.pump();
  }

  /**
   * "Switch model": the task's call has been silent too long. It is stopped, and the task
   * runs again at once on another model the router picks, the silent one left out for
   * that attempt.
   */
  async switchModel(taskId: string): Promise<void> {
    const running = this.loop.call(taskId);
    if (!running || running.released) throw new RunError('This task is not waiting on a model any more.');
    running.controller.abort('switch');
    await running.done;
  }

  /** "Retry task": scheduled again, every model may try it again; a failure pause lifts. */
  async retry(taskId: string, instructions?: string): Promise<void> {
    await retryTask(this.context, taskId, instructions);
    this.outcomes.refusals.delete(taskId);
    this.pump();
  }

  /**
   * "Emergency stop": every call is aborted at once; each attempt is recorded as
   * interrupted with its reservation given back; the run ends.
   */
  async emergencyStop(): Promise<void> {
    // Nothing launches while the stop is written.
    await this.loop.holding(async () => {
      // A test run under way ends too: generated code never outlives an emergency stop.
      const aborted = await this.loop.abortUntilQuiet('emergency', () => this.deps.checks?.stop(this.projectId));
      const { events, closed } = emergencyStopEvents(await this.state(), aborted, this.deps.limits);
      if (events.length > 0) await this.append(events);
      if (closed) this.rebuildBudget();
    });
  }

  /**
   * The log closed reservations the governor did not (their calls' own closing was never
   * written): the project's row is the truth, so the governor is made again from it —
   * once no call is in flight, since a call settles with the governor it started on.
   */
  private rebuildBudget(): void {
    if (this.loop.quiet) this.budget.forget();
  }

  /**
   * The Project Manager answers a message; the reply (and any change to the plan) is
   * appended. Its call is one of the loop's: an emergency stop aborts it and waits for
   * it before writing, as it does a task's. Before a plan the message is context for planning.
   */
  async answer(messageId: string): Promise<void> {
    await this.loop.runBesideTasks(async (signal) => {
      const state = await this.state();
      if (!state.plan) return;
      const conversation = conversationOf(await this.deps.store.read(this.projectId));
      const deps = await this.callDeps();
      await this.append(await answerMessage(deps, state, conversation, messageId, () => ulid(), signal));
    });
    this.pump();
  }

  /**
   * A write was refused for quota: the run stops at once. Calls in flight are aborted
   * (their answers could not be kept) and nothing new starts; nothing is written, since
   * nothing can be. Continue (`resume`) picks up from the log.
   */
  halt(): void {
    if (this.loop.halted || this.loop.closed) return;
    this.loop.halted = true;
    this.loop.abortAll('storage');
  }

  /**
   * Continue after a full disk: once the aborted calls have settled, the project's state
   * is read again from the log and recovered as a fresh runner would (tasks left running
   * with no call are interrupted and scheduled again, reservations closed), then the run
   * goes on. Still no room: the recovery's write fails, and the run stays halted.
   */
  private async continueAfterStorage(): Promise<void> {
    await this.loop.idle();
    this.deps.store.invalidate(this.projectId);
    // The loop stays held while recovery reads and writes: a call started meanwhile (a
    // chat answer) would hold a reservation recovery takes for an abandoned one, charged
    // at its estimate and then settled again by the call itself.
    await this.recoverLog();
    this.loop.halted = false;
    this.pump();
  }

  /** "Stop run": a paused run ends here, by your choice (`run-controls.ts`). */
  async stop(): Promise<void> {
    await stopRun(this.context);
  }

  /** Stops the runner without writing (the tab lost the lock or the project is deleted). */
  async close(): Promise<void> {
    this.loop.closed = true;
    this.loop.abortAll('emergency');
    await this.loop.idle();
  }

  /** Whether a run of the project is going in this tab (running or paused). */
  get active(): boolean {
    return this.loop.active;
  }

  /** Looks at the log and starts what may start; called after every change. Never throws. */
  pump(): void {
    this.loop.pump();
  }

  /** What a model call of this project needs: for tasks, and for the Project Manager's chat. */
  async callDeps(): Promise<TaskRunnerDeps> {
    return callDepsOf(this.deps, this.projectId, await this.budget.current());
  }

  /** Something unexpected (storage, a bug): recorded, and the run pauses instead of spinning. */
  private async report(error: unknown, taskId?: string): Promise<void> {
    // A full disk was told already (from memory); another write would only fail again.
    if (this.loop.halted) return;
    await reportFault(this.context, error, taskId);
  }
}
