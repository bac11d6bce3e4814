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
 * Who does what: `run-start.ts` writes a run's first events (Start, Ask for a change);
 * the loop (`pump` → `tick`) launches ready tasks (`scheduler.ts`); each launch runs one
 * attempt (`task-runner.ts`), whose outcome `task-outcome.ts` turns into events
 * (`task-results.ts` for an answer); `run-end.ts` closes the run or pauses a stalled one;
 * `recovery.ts` closes what a closed tab left running. The commands arrive through
 * `run-commands.ts`.
 */
import { type CostGovernor, createCostGovernor, defaultBudgetsUsd } from '../budget/index.ts';
import type { EventDraft } from '../events/catalog.ts';
import type { BlobText } from '../events/store/contract.ts';
import { pooledUlid } from '../events/ids.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { PauseKind, TaskRow } from '../events/projections/rows.ts';
import { ulid } from 'ulid';
import { refusalsFromLog } from './refusal-memory.ts';
import { recoveryEvents } from './recovery.ts';
import { type RunContext, type RunnerDeps, system } from './run-context.ts';
import { finishRun, pauseIfStalled, runChecks } from './run-end.ts';
import { RunError } from './run-errors.ts';
import { askForChange, needKeys, startRun } from './run-start.ts';
import { allFinished, readyTasks } from './scheduler.ts';
import { findingsFor, remainingFindings } from './task-results.ts';
import { TaskOutcomes } from './task-outcome.ts';
import type { TaskRunnerDeps } from './task-runner.ts';
import { taskAgentFor } from './task-agents.ts';
import { templateFor } from './template-plan.ts';
import { conversationOf } from './chat.ts';
import { planStands } from '../run-state/run-state.ts';
import { faultSentence } from '../run-state/task-stop-sentences.ts';
import { toFailure } from '../projects/to-failure.ts';

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
  private governor: CostGovernor | undefined;
  /** A budget the governor could not take yet (see `budget`), said once in the log. */
  private heldBudget: number | undefined;
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

  /**
   * The cost governor of this project, rebuilt from its row: what is spent and the budget.
   * A budget below what the governor has committed (calls in flight whose reservations are
   * not in the row yet) cannot be taken now: the governor holds at what is committed, so
   * no new call is made, the log says why once, and the change is taken when the calls end.
   */
  private async budget(): Promise<CostGovernor> {
    const state = await this.state();
    const project = state.project;
    const budgetUsd = project?.budgetUsd ?? defaultBudgetsUsd[state.plan?.complexity ?? 'medium'];
    if (!this.governor) {
      this.governor = createCostGovernor({
        budgetUsd: Math.max(budgetUsd, project?.spentUsd ?? 0),
        spentUsd: project?.spentUsd ?? 0,
      });
    } else if (this.governor.status().budgetUsd !== budgetUsd) {
      const changed = this.governor.setBudget(budgetUsd);
      if (!changed.ok) {
        this.governor.setBudget(changed.committedUsd);
        if (this.heldBudget !== budgetUsd) {
          this.heldBudget = budgetUsd;
          await this.append([
            {
              type: 'error-report',
              actor: system,
              payload: {
                kind: 'budget',
                message: `The budget of $${budgetUsd.toFixed(2)} is below the $${changed.committedUsd.toFixed(2)} already spent or set aside for calls in flight: no new call starts until they end, then the new budget holds.`,
              },
            },
          ]);
        }
      } else this.heldBudget = undefined;
    }
    return this.governor;
  }

  // ── Recovery ────────────────────────────────────────────────────────────────────

  /**
   * After a reload or a closed tab: attempts the log says are running have no call behind
   * them any more. Each is marked interrupted and scheduled to run again; the call it had
   * made is charged at its estimate (it went out, so the provider bills it: see
   * `closeInterrupted`); then the run goes on if it was running.
   */
  async recover(): Promise<void> {
    // The models that declined a task are not asked again after a reload either.
    const { refusals } = this.outcomes;
    for (const [taskId, refusal] of refusalsFromLog(await this.deps.store.read(this.projectId))) {
      if (!refusals.has(taskId)) refusals.set(taskId, refusal);
    }
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
    if (charged && this.inFlight.size === 0) this.governor = undefined;
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
    const state = await this.state();
    const runId = state.project?.currentRunId;
    if (!runId || state.project?.runStatus !== 'running') {
      if (also.length > 0) await this.append(also);
      return;
    }
    await this.append([
      {
        type: 'run-pause',
        actor: kind === 'user' || kind === 'step' ? { kind: 'user' } : system,
        payload: { runId, reason, kind },
      },
      ...also,
    ]);
  }

  /** "Continue orchestra" / "Execute all": the run goes on; a limit the person passed is raised for this run. */
  async resume(): Promise<void> {
    if (this.halted) {
      await this.continueAfterStorage();
      // The halt was never in the log: a run it stopped is still "running" there, and goes on.
      if ((await this.state()).project?.runStatus === 'running') return;
    }
    const state = await this.state();
    const project = state.project;
    if (!project?.currentRunId || project.runStatus !== 'paused') throw new RunError('The run is not paused.');
    await needKeys(this.context, state, 'the run goes on');
    // Past a run limit, going on counts the limits afresh from here (the resume event
    // records the point, so a reload keeps it).
    await this.append([{ type: 'run-resume', actor: { kind: 'user' }, payload: { runId: project.currentRunId } }]);
    this.pump();
  }

  /** "Next agent": exactly one ready task runs now; the run is (or becomes) paused. */
  async step(): Promise<string | null> {
    const state = await this.state();
    const project = state.project;
    if (!project?.currentRunId || (project.runStatus !== 'running' && project.runStatus !== 'paused')) {
      throw new RunError('Start the run first.');
    }
    await needKeys(this.context, state, 'the next task runs');
    if (project.runStatus === 'running') {
      await this.append([
        {
          type: 'run-pause',
          actor: { kind: 'user' },
          payload: {
            runId: project.currentRunId,
            reason: 'Step by step: each “Next agent” runs one task.',
            kind: 'step',
          },
        },
      ]);
    }
    const [task] = readyTasks((await this.state()).tasks.values(), new Set(this.inFlight.keys()), 1);
    if (!task) return null;
    this.launch(task);
    return task.taskId;
  }

  /** "Cancel task": stops its call if one is running, else marks it cancelled. */
  async cancel(taskId: string): Promise<void> {
    const running = this.inFlight.get(taskId);
    if (running) {
      running.controller.abort('cancel');
      await running.done;
      return;
    }
    const task = (await this.state()).tasks.get(taskId);
    if (!task) throw new RunError('There is no such task.');
    if (task.status === 'done' || task.status === 'cancelled')
      throw new RunError(`Task “${task.title}” has already ${task.status === 'done' ? 'finished' : 'been cancelled'}.`);
    await this.append([
      { type: 'task-cancel', actor: { kind: 'user' }, payload: { taskId, reason: 'Cancelled by you.' } },
    ]);
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

  /** "Retry task": a failed, cancelled or interrupted task is scheduled again; a failure pause lifts. */
  async retry(taskId: string, instructions?: string): Promise<void> {
    const state = await this.state();
    const task = state.tasks.get(taskId);
    if (!task) throw new RunError('There is no such task.');
    if (!['failed', 'cancelled', 'interrupted'].includes(task.status)) {
      throw new RunError(
        `Task “${task.title}” is ${task.status}: only failed, cancelled or interrupted tasks can be retried.`,
      );
    }
    const project = state.project;
    this.outcomes.refusals.delete(taskId);
    const events: EventDraft[] = [
      {
        type: 'task-retry',
        actor: { kind: 'user' },
        payload: {
          taskId,
          reason: instructions === undefined ? 'Retried by you.' : 'Retried by you with new instructions.',
          ...(instructions === undefined ? {} : { instructions }),
        },
      },
    ];
    if (project?.runStatus === 'stopped' || project?.runStatus === 'idle' || !project?.currentRunId) {
      events.unshift({ type: 'run-start', actor: { kind: 'user' }, payload: { runId: ulid() } });
    } else if (project.runStatus === 'paused' && (project.pauseKind === 'failure' || project.pauseKind === 'loop')) {
      const othersFailed = [...state.tasks.values()].some(
        (other) => other.taskId !== taskId && other.status === 'failed',
      );
      if (!othersFailed)
        events.push({ type: 'run-resume', actor: { kind: 'user' }, payload: { runId: project.currentRunId } });
    }
    await this.append(events);
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
    const calls = [...aborted];
    const state = await this.state();
    const runId = state.project?.currentRunId;
    const events: EventDraft[] = [];
    for (const cost of state.costs.values()) {
      events.push({ type: 'cost-release', actor: system, payload: { reservationId: cost.reservationId } });
    }
    if (runId && state.project?.runStatus !== 'stopped') {
      events.push({
        type: 'run-stop',
        actor: { kind: 'user' },
        payload: {
          runId,
          outcome: 'emergency',
          message: `Emergency stop: ${calls.length} call${calls.length === 1 ? '' : 's'} aborted; interrupted tasks can be retried.`,
        },
      });
    }
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

  /**
   * "Stop run": a paused run ends here, by your choice; what was built stays, and Start
   * later goes on with the tasks left.
   */
  async stop(): Promise<void> {
    const state = await this.state();
    const project = state.project;
    if (!project?.currentRunId || project.runStatus !== 'paused')
      throw new RunError('Only a paused run can be stopped.');
    if (this.callsWorking() > 0) throw new RunError('Calls are still finishing: stop once the run has paused.');
    const left = [...state.tasks.values()].filter((task) => task.status !== 'done' && task.status !== 'cancelled');
    await this.append([
      {
        type: 'run-stop',
        actor: { kind: 'user' },
        payload: {
          runId: project.currentRunId,
          outcome: 'stopped',
          message:
            left.length === 0
              ? 'Stopped by you.'
              : `Stopped by you with ${left.length} task${left.length === 1 ? '' : 's'} not done: Start goes on with them.`,
        },
      },
    ]);
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
    const tasks = [...state.tasks.values()];
    const planApproved = planStands(state.plan);
    const busy = this.callsWorking();

    const replanning = tasks.some(
      (task) => task.role === 'project-manager' && (task.status === 'scheduled' || task.status === 'running'),
    );
    // A rejected first plan ends the run (rejecting a change plan ends it at once, in the
    // same commit: see rejectPlan; a rejected change leaves the built plan standing).
    if (state.plan?.status === 'rejected' && !planApproved && !replanning && busy === 0) {
      await this.append([
        {
          type: 'run-stop',
          actor: system,
          payload: {
            runId: project.currentRunId,
            outcome: 'cancelled',
            message: 'The plan was rejected; nothing was built.',
          },
        },
      ]);
      return;
    }
    if (!planApproved && !replanning && busy === 0 && state.plan?.status !== 'proposed' && allFinished(tasks)) {
      // The planning task was cancelled: with no plan there is nothing to build.
      await this.append([
        {
          type: 'run-stop',
          actor: system,
          payload: {
            runId: project.currentRunId,
            outcome: 'stopped',
            message: 'Planning was cancelled, so nothing was built. Start plans the project again.',
          },
        },
      ]);
      return;
    }
    if (planApproved && busy === 0 && allFinished(tasks)) {
      await finishRun(this.context, state, project.currentRunId);
      return;
    }
    const session = state.sessions.get(project.currentRunId);
    const { maxRunTokens, maxRunTasks } = this.deps.limits;
    if (session && session.tokens - session.limitTokenBase > maxRunTokens) {
      await this.pause(
        'limit',
        `This run has used ${(session.tokens - session.limitTokenBase).toLocaleString('en')} tokens, past its limit of ${maxRunTokens.toLocaleString('en')}. Continue orchestra to allow as many again, or stop.`,
      );
      return;
    }
    if (session && session.tasks - session.limitTaskBase > maxRunTasks) {
      await this.pause(
        'limit',
        `This run has added ${session.tasks - session.limitTaskBase} tasks, past its limit of ${maxRunTasks}. Continue orchestra to allow as many again, or stop.`,
      );
      return;
    }
    const slots = project.maxParallel - busy;
    const ready = readyTasks(tasks, new Set(this.inFlight.keys()), slots);
    for (const task of ready) this.launch(task);
    if (ready.length === 0 && this.inFlight.size === 0) await pauseIfStalled(this.context, state);
  }

  /**
   * A run that is going but where nothing runs and nothing can start (a failed task that
   * others wait on, a plan that could not be written) pauses at once, naming what blocks
   * it and the one way on: it never shows "Running" while nothing runs.
  /** Starts a task's attempt in the background; the loop runs again when it settles. */
  private launch(task: TaskRow): void {
    if (this.stopping > 0) return; // Next agent launches outside the loop
    const controller = new AbortController();
    const entry: InFlight = { controller, done: Promise.resolve(), released: false };
    this.inFlight.set(task.taskId, entry);
    entry.done = this.execute(task.taskId, controller.signal)
      .catch((error: unknown) => this.report(error, task.taskId))
      .finally(() => {
        this.inFlight.delete(task.taskId);
        this.pump();
      });
  }

  private async execute(taskId: string, signal: AbortSignal): Promise<void> {
    const before = await this.state();
    const reviewing = before.tasks.get(taskId);
    // A review starts from the project's tests as they run now: its failures are findings.
    if (reviewing?.role === 'debugger') await runChecks(this.context, 'review', taskId);
    if (signal.aborted) return;
    const state = await this.state();
    const task = state.tasks.get(taskId);
    if (!task) return;
    // The tests this task writes run soon after it: their runtime loads while it writes.
    if (task.role === 'test-writer') void this.deps.checks?.prepare(this.projectId).catch(() => undefined);
    if (!task.role) {
      // A row no plan made (a retry naming an unknown task): no agent can do it. Failed for
      // good, it pauses the run; left scheduled, the next tick would launch it again.
      await this.outcomes.fail(
        task,
        Math.max(1, task.attempt),
        'no_role',
        `Task “${task.title}” has no role: no agent can do it.`,
        false,
      );
      return;
    }
    const worker = taskAgentFor(state, { ...task, role: task.role });
    const project = state.project;
    // A change is planned by a model even on a project a template started.
    const template =
      project && state.plan?.source === 'template' && task.kind !== 'change'
        ? templateFor(project.description, project.template).id
        : null;
    const readBlob = (hash: string) => this.deps.store.blob(hash);
    // A change is planned with the findings the last review left open.
    const findings =
      task.kind === 'change' ? await remainingFindings(state, readBlob) : await findingsFor(state, task, readBlob);
    const refused = this.outcomes.refusals.get(taskId);
    const silent = this.outcomes.switchedFrom.get(taskId);
    this.outcomes.switchedFrom.delete(taskId);
    const avoidArms = new Set([...(refused?.arms ?? []), ...(silent === undefined ? [] : [silent])]);
    const outcome = await worker.attempt(this.taskDeps(await this.budget()), state, task, {
      signal,
      findings,
      template,
      current: () => this.state(),
      ...(avoidArms.size > 0 ? { avoidArms } : {}),
      ...(worker.hearsConversation ? { conversation: conversationOf(await this.deps.store.read(this.projectId)) } : {}),
    });
    await this.outcomes.settle(task, worker.agent, outcome);
  }

  /** What a model call of this project needs: for tasks, and for the Project Manager's chat. */
  async callDeps(): Promise<TaskRunnerDeps> {
    return this.taskDeps(await this.budget());
  }

  private taskDeps(governor: CostGovernor): TaskRunnerDeps {
    return {
      store: this.deps.store,
      projectId: this.projectId,
      bus: this.deps.bus,
      chooser: this.deps.chooser,
      governor,
      limits: this.deps.limits,
      readiness: () => this.deps.readiness(),
      adapter: (provider, observer) => this.deps.adapter(provider, observer),
      template: () => this.deps.template(),
      newId: () => `cost-${pooledUlid()}`,
    };
  }

  /** Something unexpected (storage, a bug): recorded, and the run pauses instead of spinning. */
  private async report(error: unknown, taskId?: string): Promise<void> {
    // A full disk was told already (from memory); another write would only fail again.
    if (this.halted) return;
    const message = error instanceof Error ? error.message : String(error);
    try {
      await this.append([
        {
          type: 'error-report',
          actor: system,
          payload: {
            kind: 'engine',
            message: message.slice(0, 4000) || 'Unknown error',
            ...(taskId ? { taskId } : {}),
          },
        },
      ]);
      const title = taskId ? (await this.state()).tasks.get(taskId)?.title : undefined;
      await this.pause('fault', faultSentence(toFailure(error), title).slice(0, 1000));
    } catch {
      // Storage itself is failing: nothing more can be recorded; the next command reports it.
    }
  }
}
