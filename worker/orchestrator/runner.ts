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
 *   run-commands.ts ─▶ start / askForChange (run-start.ts), the controls (run-controls.ts)
 *   pump ─▶ tick ─▶ runGuard (run-guards.ts): stop, finishRun (run-end.ts), pause; else launch
 *   launch ─▶ executeTask (task-launch.ts) ─▶ taskAgentFor (task-agents.ts) ─▶ attempt
 *     (task-runner.ts, calls/metered-call.ts) ─▶ settle (task-outcome.ts) ─▶ complete
 *     (task-completion.ts: file-, plan-, review-completion.ts)
 *   recover ─▶ recoveryEvents (recovery.ts); nothing can start ─▶ pauseIfStalled (run-end.ts)
 */
import type { EventDraft } from '../events/catalog.ts';
import type { BlobText } from '../events/store/contract.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { PauseKind, TaskRow } from '../events/projections/rows.ts';
import { recoveryEvents } from './recovery.ts';
import { type RunContext, type RunnerDeps, system } from './run-context.ts';
import { finishRun, pauseIfStalled, reportFault } from './run-end.ts';
import { RunBudget, callDepsOf } from './run-budget.ts';
import { executeTask } from './task-launch.ts';
import { RunError } from './run-errors.ts';
import { askForChange, startRun } from './run-start.ts';
import { readyTasks } from './scheduler.ts';
import {
  cancelTask,
  emergencyStopEvents,
  mayStartTask,
  pauseRun,
  resumeRun,
  retryTask,
  stepRun,
  stopRun,
} from './run-controls.ts';
import { runGuard } from './run-guards.ts';
import { TaskOutcomes } from './task-outcome.ts';
import type { TaskRunnerDeps } from './task-runner.ts';

export type { RunnerDeps } from './run-context.ts';
export { KeysLockedError, RunError } from './run-errors.ts';

interface InFlight {
  controller: AbortController;
  done: Promise<void>;
  /**
   * Its slot is free: the task's completion is folded into the state (its write may
   * still be in flight), so the tasks waiting on it may start now. The entry stays
   * until `done`, so idle and finish still wait for the write.
   */
  released: boolean;
}

export class ProjectRunner {
  private readonly inFlight = new Map<string, InFlight>();
  private pumping: Promise<void> | undefined;
  private again = false;
  private closed = false;
  /**
   * The disk refused a write: nothing starts and nothing is written until Continue
   * (`resume`) finds room again. Held in memory, since the log cannot take a pause.
   */
  private halted = false;
  /** Above 0 while an emergency stop is being written: the loop does nothing, nothing launches. */
  private stopping = 0;
  /** The run status the loop last saw. */
  private lastStatus: string | undefined;
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
    };
    this.budget = new RunBudget(this.context);
    this.outcomes = new TaskOutcomes(this.context, {
      halted: () => this.halted,
      release: (taskId) => {
        const entry = this.inFlight.get(taskId);
        if (entry && !entry.released) {
          entry.released = true;
          this.pump();
        }
      },
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
    this.outcomes.rememberRefusals(await this.deps.store.read(this.projectId));
    const state = await this.state();
    const { events, charged } = recoveryEvents(
      state,
      new Set(this.inFlight.keys()),
      this.deps.checks?.isRunning(this.projectId) === true,
      this.deps.limits,
    );
    if (events.length > 0) await this.append(events);
    // What was charged is in the project's row now: a governor made before (Continue after
    // a full disk) is made again from it, so the budget counts it.
    if (charged && this.inFlight.size === 0) this.budget.forget();
    this.pump();
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
    const runId = await askForChange(this.context, request, this.callsWorking());
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
    if (this.halted) {
      await this.continueAfterStorage();
      // The halt was never in the log: a run it stopped is still "running" there, and goes on.
      if ((await this.state()).project?.runStatus === 'running') return;
    }
    await resumeRun(this.context);
    this.pump();
  }

  /** "Next agent": exactly one ready task runs now; the run is (or becomes) paused. */
  async step(): Promise<string | null> {
    const next = await stepRun(this.context, new Set(this.inFlight.keys()));
    if (!next) return null;
    this.launch(next.task, 'step', next.runId);
    return next.task.taskId;
  }

  /** "Cancel task": stops its call if one is running, else marks it cancelled. */
  async cancel(taskId: string): Promise<void> {
    const running = this.inFlight.get(taskId);
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
    const running = this.inFlight.get(taskId);
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
    // Nothing launches while the stop is written: a tick that read the state before it
    // would otherwise start a task after the run ended.
    this.stopping += 1;
    try {
      await this.stopEverything();
    } finally {
      this.stopping -= 1;
    }
  }

  private async stopEverything(): Promise<void> {
    const aborted = new Set<InFlight>();
    for (;;) {
      const calls = [...this.inFlight.values()].filter((call) => !aborted.has(call));
      if (calls.length === 0 && !this.pumping) break;
      for (const call of calls) {
        aborted.add(call);
        call.controller.abort('emergency');
      }
      // A test run under way ends too: generated code never outlives an emergency stop.
      this.deps.checks?.stop(this.projectId);
      await Promise.all([...calls.map((call) => call.done), this.pumping]);
    }
    const events = emergencyStopEvents(await this.state(), aborted.size);
    if (events.length > 0) await this.append(events);
  }

  /**
   * A write was refused for quota: the run stops at once. Calls in flight are aborted
   * (their answers could not be kept) and nothing new starts; nothing is written, since
   * nothing can be. Continue (`resume`) picks up from the log.
   */
  halt(): void {
    if (this.halted || this.closed) return;
    this.halted = true;
    for (const call of this.inFlight.values()) call.controller.abort('storage');
  }

  /**
   * Continue after a full disk: once the aborted calls have settled, the project's state
   * is read again from the log and recovered as a fresh runner would (tasks left running
   * with no call are interrupted and scheduled again, reservations closed), then the run
   * goes on. Still no room: the recovery's write fails, and the run stays halted.
   */
  private async continueAfterStorage(): Promise<void> {
    await this.idle();
    this.deps.store.invalidate(this.projectId);
    this.halted = false;
    try {
      await this.recover();
    } catch (error) {
      this.halted = true;
      throw error;
    }
  }

  /** "Stop run": a paused run ends here, by your choice (`run-controls.ts`). */
  async stop(): Promise<void> {
    await stopRun(this.context);
  }

  /** Stops the runner without writing (the tab lost the lock or the project is deleted). */
  async close(): Promise<void> {
    this.closed = true;
    for (const call of this.inFlight.values()) call.controller.abort('emergency');
    await this.idle();
  }

  /** Whether a run of the project is going in this tab (running or paused). */
  get active(): boolean {
    return this.inFlight.size > 0 || this.lastStatus === 'running' || this.lastStatus === 'paused';
  }

  /** Resolves when nothing is in flight and no pump is pending. */
  private async idle(): Promise<void> {
    for (;;) {
      const pending = [...this.inFlight.values()].map((call) => call.done);
      if (this.pumping) pending.push(this.pumping);
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  }

  // ── The loop ────────────────────────────────────────────────────────────────────

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
          await this.report(error);
        }
      } while (this.again && !this.closed);
    })().finally(() => {
      this.pumping = undefined;
    });
  }

  /**
   * Calls still working: a released one has its completion folded already (only its
   * write is in flight, and later appends are ordered after it), so it holds nothing up.
   */
  private callsWorking(): number {
    let working = 0;
    for (const entry of this.inFlight.values()) if (!entry.released) working += 1;
    return working;
  }

  private async tick(): Promise<void> {
    // While an emergency stop is written the stop decides everything: no launch, no pause.
    if (this.stopping > 0) return;
    const state = await this.state();
    const project = state.project;
    this.lastStatus = project?.runStatus;
    if (!project || project.runStatus !== 'running' || !project.currentRunId) return;
    const busy = this.callsWorking();
    const guard = runGuard(state, project.currentRunId, busy, this.deps.limits);
    if (guard?.kind === 'stop') {
      const { outcome, message } = guard;
      await this.append([
        { type: 'run-stop', actor: system, payload: { runId: project.currentRunId, outcome, message } },
      ]);
      return;
    }
    if (guard?.kind === 'finish') {
      await finishRun(this.context, state, project.currentRunId);
      return;
    }
    if (guard?.kind === 'pause') {
      await this.pause('limit', guard.reason);
      return;
    }
    const slots = project.maxParallel - busy;
    const ready = readyTasks(state.tasks.values(), new Set(this.inFlight.keys()), slots);
    for (const task of ready) this.launch(task, 'loop', project.currentRunId);
    if (ready.length === 0 && this.inFlight.size === 0) await pauseIfStalled(this.context, state);
  }

  /**
   * Starts a task's attempt in the background; the loop runs again when it settles. A
   * pause or stop written before its start holds it back (`mayStartTask`): it waits,
   * unstarted, for the run to go on.
   */
  private launch(task: TaskRow, by: 'loop' | 'step', runId: string | null): void {
    if (this.stopping > 0) return; // Next agent launches outside the loop
    const controller = new AbortController();
    const entry: InFlight = { controller, done: Promise.resolve(), released: false };
    this.inFlight.set(task.taskId, entry);
    const mayStart = mayStartTask(task.taskId, by, runId);
    entry.done = executeTask(
      this.context,
      this.outcomes,
      task.taskId,
      controller.signal,
      () => this.callDeps(),
      mayStart,
    )
      .catch((error: unknown) => this.report(error, task.taskId))
      .finally(() => {
        this.inFlight.delete(task.taskId);
        this.pump();
      });
  }

  /** What a model call of this project needs: for tasks, and for the Project Manager's chat. */
  async callDeps(): Promise<TaskRunnerDeps> {
    return callDepsOf(this.deps, this.projectId, await this.budget.current());
  }

  /** Something unexpected (storage, a bug): recorded, and the run pauses instead of spinning. */
  private async report(error: unknown, taskId?: string): Promise<void> {
    // A full disk was told already (from memory); another write would only fail again.
    if (this.halted) return;
    await reportFault(this.context, error, taskId);
  }
}
