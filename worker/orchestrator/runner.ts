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
 */
import { ulid } from 'ulid';
import type { AgentRole } from '../agents/index.ts';
import { maxTasksAcceptance, planSchema, projectManager } from '../agents/index.ts';
import { projectManagerChange } from '../agents/project-manager-change.ts';
import { changeOutputSchema } from '../changes/change-output.ts';
import { changePlanSchema } from '../changes/change-plan.ts';
import { type CostGovernor, createCostGovernor, defaultBudgetsUsd } from '../budget/index.ts';
import type { EventDraft, PayloadOf } from '../events/catalog.ts';
import type { BlobText, EventLog } from '../events/store/contract.ts';
import { pooledUlid } from '../events/ids.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { PauseKind, TaskRow } from '../events/projections/rows.ts';
import type { Actor } from '../events/schemas/common.ts';
import type { ProviderAdapter } from '../providers/contract/provider-adapter.ts';
import { providerIdSchema, providerLabels } from '../providers/contract/provider-id.ts';
import type { ProviderReady } from '../providers/contract/provider-service-api.ts';
import type { ResilienceObserver } from '../providers/resilience/resilience-records.ts';
import type { RunLimits } from './limits.ts';
import { closeInterrupted } from './calls/interrupted-charge.ts';
import type { ModelChooser } from './model-choice.ts';
import type { OutputBus } from './output-bus.ts';
import { validatePlan } from './plan-validation.ts';
import { type TaskRefusal, refusalsFromLog } from './refusal-memory.ts';
import { allFinished, isFinished, readyTasks } from './scheduler.ts';
import {
  type AnswerFacts,
  type Completion,
  fileCompletion,
  findingsFor,
  planCompletion,
  proposalOf,
  remainingFindings,
  reviewCompletion,
} from './task-results.ts';
import { type TaskAttemptOutcome, type TaskRunnerDeps, runTaskAttempt } from './task-runner.ts';
import { templateFor, templatePlan } from './template-plan.ts';
import { freeTaskId, templateChangePlan } from './template-change-plan.ts';
import {
  agentForTask,
  applyChange,
  changePlanErrors,
  changeProposal,
  editablePaths,
  isEditingAgent,
} from './change-mode.ts';
import { conversationOf } from './chat.ts';
import type { ChecksService } from '../checks/checks-service.ts';
import { checkIsCurrent, testFailureFindings } from '../checks/test-findings.ts';
import { describeCheck } from '../query/describe-check.ts';
import { runState } from '../run-state/run-state.ts';
import { startSource } from '../run-state/start-source.ts';
import { taskDeclinedSentence, taskFailedSentence, taskLoopSentence } from '../run-state/task-stop-sentences.ts';
import { errorKindSchema } from '../providers/contract/error-kind.ts';
import { remedy } from '../providers/contract/provider-error.ts';

export interface RunnerDeps {
  store: EventLog;
  bus: OutputBus;
  chooser: ModelChooser;
  limits: RunLimits;
  readiness(): Promise<ProviderReady[]>;
  adapter(provider: ProviderReady['provider'], observer?: ResilienceObserver): Promise<ProviderAdapter>;
  template(): ProviderAdapter;
  /** Runs the project's own tests in the page's sandbox; absent where no page is (Node tests). */
  checks?: ChecksService | undefined;
  /** The time limit of a test run, from the device's settings. */
  checkTimeoutMs?: (() => Promise<number>) | undefined;
}

const system: Actor = { kind: 'system', component: 'orchestrator' };
const planTaskId = 'plan';

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
  /** The completion being written, so the next is computed from the state it leaves. */
  private completing: Promise<void> = Promise.resolve();
  /**
   * Tasks a provider declined, by the models that declined them and the last sentence
   * said: the next attempt goes to another model, once. Cleared when the person retries
   * the task (perhaps with new instructions), so every model may try it again.
   */
  private readonly refusals = new Map<string, TaskRefusal>();
  /**
   * Tasks whose call the person stopped to switch models (the model was silent), by the
   * model left: the next attempt goes to another one. That attempt only: the model may
   * answer again later.
   */
  private readonly switchedFrom = new Map<string, string>();

  constructor(
    readonly projectId: string,
    private readonly deps: RunnerDeps,
  ) {}

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
    for (const [taskId, refusal] of refusalsFromLog(await this.deps.store.read(this.projectId))) {
      if (!this.refusals.has(taskId)) this.refusals.set(taskId, refusal);
    }
    const state = await this.state();
    const events: EventDraft[] = [];
    let charged = false;
    for (const cost of state.costs.values()) {
      if (cost.status === 'reserved' && !(cost.taskId && this.inFlight.has(cost.taskId))) {
        const task = cost.taskId ? state.tasks.get(cost.taskId) : undefined;
        const close = closeInterrupted(cost, {
          checkpointChars: task?.status === 'running' ? task.outputChars : 0,
          unsavedChars: this.deps.limits.checkpointEveryChars,
        });
        charged ||= close.type === 'cost-settle';
        events.push(close);
      }
    }
    for (const task of state.tasks.values()) {
      if (task.status !== 'running' || this.inFlight.has(task.taskId)) continue;
      events.push(
        {
          type: 'task-interrupt',
          actor: system,
          payload: {
            taskId: task.taskId,
            attempt: Math.max(1, task.attempt),
            reason: 'The tab running it was closed or reloaded.',
          },
        },
        {
          type: 'task-retry',
          actor: system,
          payload: { taskId: task.taskId, reason: 'Resumed after the interruption.' },
        },
      );
    }
    // A test run the closed tab was making never reports: it is recorded as stopped.
    const dangling = state.project?.checkRunning;
    if (dangling && !this.deps.checks?.isRunning(this.projectId)) {
      events.push({
        type: 'check-result',
        actor: { kind: 'system', component: 'checks' },
        payload: {
          runId: dangling.runId,
          runtime: state.project?.lastCheck?.runtime ?? 'node',
          outcome: 'stopped',
          reason: 'The tab running the tests was closed or reloaded before they finished.',
          counts: { pass: 0, fail: 0, error: 0, skip: 0, todo: 0 },
          durationMs: 0,
          command: '',
          files: [],
          cases: [],
          atSeq: state.lastSeq,
        },
      });
    }
    if (events.length > 0) await this.append(events);
    // What was charged is in the project's row now: a governor made before (Continue after
    // a full disk) is made again from it, so the budget counts it.
    if (charged && this.inFlight.size === 0) this.governor = undefined;
    this.pump();
  }

  // ── Commands ────────────────────────────────────────────────────────────────────

  /** "Start": a new run; the Project Manager plans, or the template makes the plan without a key. */
  async start(): Promise<string> {
    const state = await this.state();
    if (state.project?.runStatus === 'running' || state.project?.runStatus === 'paused') {
      throw new RunError('A run of this project is already going: pause or stop it first.');
    }
    const runId = ulid();
    const readiness = await this.deps.readiness();
    const source = startSource(readiness);
    const project = state.project;
    const approved = state.plan?.status === 'approved';
    // Locked keys are asked for, not worked around: nothing is written until they open.
    // A run that calls no model goes on without them: a template plan, or a finished one
    // whose Start only re-checks the tests.
    const unfinished = [...state.tasks.values()].some((task) => !isFinished(task));
    const needsModel = !approved || (state.plan?.source !== 'template' && unfinished);
    if (source === 'locked' && needsModel) throw new KeysLockedError('the run starts');
    const events: EventDraft[] = [{ type: 'run-start', actor: { kind: 'user' }, payload: { runId } }];
    if (approved) {
      // Start on an ended run goes on with what is left (after an emergency stop, a
      // failure): those tasks run again.
      // With nothing left, the run re-checks the project's tests and ends.
      for (const task of state.tasks.values()) {
        if (task.status === 'failed' || task.status === 'interrupted') {
          events.push({
            type: 'task-retry',
            actor: { kind: 'user' },
            payload: { taskId: task.taskId, reason: 'Started again by you.' },
          });
        }
      }
    }
    if (!approved) {
      if (source === 'template') {
        const plan = templatePlan(project?.description ?? '', project?.template ?? null);
        events.push(...proposal(plan, project?.autoApprove === true));
      } else {
        events.push(
          this.planningTask({
            taskId: state.tasks.has(planTaskId) ? `${planTaskId}-${runId.slice(-6).toLowerCase()}` : planTaskId,
            title: 'Plan the project',
            instructions: project?.template
              ? `Plan the whole project described above. The person chose the "${project.template}" template as a starting point: plan files of that shape.`
              : 'Plan the whole project described above.',
            kind: 'build',
          }),
        );
      }
    }
    await this.append(events);
    this.pump();
    return runId;
  }

  /** The Project Manager's task that plans the project or a change: its answer is the plan. */
  private planningTask(task: {
    taskId: string;
    title: string;
    instructions: string;
    kind: 'build' | 'change';
  }): EventDraft {
    return {
      type: 'task-schedule',
      actor: system,
      payload: {
        ...task,
        role: 'project-manager',
        dependsOn: [],
        expectedArtifacts: [],
        acceptance: [maxTasksAcceptance(this.deps.limits.maxPlanTasks)],
        round: 1,
      },
    };
  }

  /**
   * "Ask for a change": a new run on top of the last. The Project Manager plans the change
   * on the project as it stands (or, with no key, the Template provider writes the request
   * down); the plan is approved as a first plan is, then runs with the same team. A paused
   * run ends here first, its unfinished tasks cancelled, named in the log.
   */
  async askForChange(request: string): Promise<string> {
    const asked = request.trim();
    if (asked === '') throw new RunError('Say what to change first.');
    const state = await this.state();
    const project = state.project;
    if (!project) throw new RunError('There is no such project on this device.');
    if (project.runStatus === 'running') {
      throw new RunError('A run is going: pause it, or wait for it to end, then ask for the change.');
    }
    if (state.plan?.status === 'proposed') throw new RunError('A plan is waiting for you: approve or reject it first.');
    if (this.inFlight.size > 0) throw new RunError('Calls are still finishing: ask once the run has paused.');
    const files = editablePaths(state);
    if (files.size === 0) throw new RunError('There is nothing to change yet: Start builds the project first.');

    const events: EventDraft[] = [];
    if (project.runStatus === 'paused' && project.currentRunId) {
      const left = [...state.tasks.values()].filter((task) => task.status !== 'done' && task.status !== 'cancelled');
      for (const task of left) {
        events.push({
          type: 'task-cancel',
          actor: { kind: 'user' },
          payload: { taskId: task.taskId, reason: 'Left out: you asked for a change instead.' },
        });
      }
      events.push({
        type: 'run-stop',
        actor: { kind: 'user' },
        payload: { runId: project.currentRunId, outcome: 'stopped', message: 'Stopped by you to ask for a change.' },
      });
    }
    const runId = ulid();
    events.push({ type: 'run-start', actor: { kind: 'user' }, payload: { runId } });
    const source = startSource(await this.deps.readiness());
    if (source === 'locked') throw new KeysLockedError('the change is planned');
    const taskIds = new Set(state.tasks.keys());
    if (source === 'template') {
      const plan = templateChangePlan(asked, {
        files,
        taskIds,
        stack: state.plan?.stack ?? [],
        languages: state.plan?.languages ?? [],
      });
      events.push(...proposal(plan, project.autoApprove));
    } else {
      events.push(
        this.planningTask({
          taskId: freeTaskId('plan-change', taskIds),
          title: 'Plan the change',
          instructions: asked.slice(0, 20_000),
          kind: 'change',
        }),
      );
    }
    await this.append(events);
    this.pump();
    return runId;
  }

  /**
   * Refuses, before anything is written, to go on with a model-built run while the keys
   * are locked: every task would fail for want of a model. A template plan needs none.
   */
  private async needKeys(state: ProjectState, then: string): Promise<void> {
    if (state.plan?.source === 'template') return;
    if (startSource(await this.deps.readiness()) === 'locked') throw new KeysLockedError(then);
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
    await this.needKeys(state, 'the run goes on');
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
    await this.needKeys(state, 'the next task runs');
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
    this.refusals.delete(taskId);
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
    if (this.inFlight.size > 0) throw new RunError('Calls are still finishing: stop once the run has paused.');
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

  private async tick(): Promise<void> {
    // While an emergency stop is written the stop decides everything: no launch, no pause.
    if (this.stopping > 0) return;
    const state = await this.state();
    const project = state.project;
    this.lastStatus = project?.runStatus;
    if (!project || project.runStatus !== 'running' || !project.currentRunId) return;
    const tasks = [...state.tasks.values()];
    const planApproved = state.plan?.status === 'approved';
    // Tasks still working; a released one has its completion folded, its write in flight.
    let busy = 0;
    for (const entry of this.inFlight.values()) if (!entry.released) busy += 1;

    const replanning = tasks.some(
      (task) => task.role === 'project-manager' && (task.status === 'scheduled' || task.status === 'running'),
    );
    if (state.plan?.status === 'rejected' && !replanning && busy === 0) {
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
      await this.finish(state, project.currentRunId);
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
    if (ready.length === 0 && this.inFlight.size === 0) await this.pauseIfStalled(state);
  }

  /**
   * A run that is going but where nothing runs and nothing can start (a failed task that
   * others wait on, a plan that could not be written) pauses at once, naming what blocks
   * it and the one way on: it never shows "Running" while nothing runs.
   */
  private async pauseIfStalled(state: ProjectState): Promise<void> {
    if (!state.project) return;
    const run = runState({ project: state.project, plan: state.plan, tasks: [...state.tasks.values()] });
    if (run.phase !== 'stalled') return;
    const blocked = [...state.tasks.values()].filter(
      (task) => task.status === 'failed' || task.status === 'interrupted',
    );
    const planning = blocked.find((task) => task.role === 'project-manager');
    const reason = planning
      ? `The plan could not be written: “${planning.title}” ${planning.status === 'failed' ? 'failed' : 'was cut off'}. Retry task to try again.`
      : blocked.length > 0
        ? `Nothing can run until ${blocked.map((task) => `“${task.title}”`).join(', ')} ${blocked.length === 1 ? 'is' : 'are'} retried or cancelled: ${blocked.length === 1 ? 'it' : 'they'} did not finish.`
        : `Nothing can run: ${run.blocked.map((title) => `“${title}”`).join(', ')} cannot start.`;
    await this.pause('failure', reason.slice(0, 1000));
  }

  /** The run's end: done, with the findings the last review left open listed. */
  private async finish(before: ProjectState, runId: string): Promise<void> {
    // The run ends by saying how the project's own tests fare on its final files.
    const tested = await this.runChecks('final');
    const state = tested ? await this.state() : before;
    if (state.project?.runStatus !== 'running' || state.project.currentRunId !== runId) return;
    if (tested && (await this.reviewFailingTests(state))) return;
    const open = await remainingFindings(state, (hash) => this.deps.store.blob(hash));
    const check = state.project.lastCheck;
    const tests = check && checkIsCurrent(state) ? ` ${describeCheck(check.outcome, check.counts, check.reason)}` : '';
    const cancelled = [...state.tasks.values()].filter((task) => task.status === 'cancelled');
    const head =
      cancelled.length === 0
        ? 'Every task is done'
        : `Every task is done but the ${cancelled.length} you cancelled (${cancelled.map((task) => `“${task.title}”`).join(', ')})`;
    const message =
      open.length === 0
        ? `${head}.${tests}`
        : `${head};${tests} The last review left ${open.length} finding${open.length === 1 ? '' : 's'} open: ${open
            .slice(0, 5)
            .map(
              (finding) =>
                `${finding.severity} in ${finding.file}${finding.line ? `:${finding.line}` : ''} — ${finding.message}`,
            )
            .join('; ')}`.slice(0, 2000);
    await this.append([{ type: 'run-stop', actor: system, payload: { runId, outcome: 'completed', message } }]);
  }

  /**
   * Runs the project's tests unless the last run already covers its files, or there is no
   * page to run them in. Returns whether a run was made. A failure here never stops the
   * build: the run goes on without test results, and the log says why.
   */
  private async runChecks(trigger: 'review' | 'final', taskId?: string): Promise<boolean> {
    const checks = this.deps.checks;
    if (!checks?.available) return false;
    const state = await this.state();
    if (checkIsCurrent(state)) return false;
    try {
      const timeoutMs = (await this.deps.checkTimeoutMs?.()) ?? 60_000;
      const result = await checks.run(this.projectId, { trigger, taskId, timeoutMs });
      return result.ran;
    } catch (error) {
      await this.report(error, taskId);
      return false;
    }
  }

  /**
   * Tests that fail at the end of a plan that had no review get one: the Debugger reads
   * the failures and fix tasks follow, as after any review. Never for a Template build
   * (no model to fix anything) and never twice.
   */
  private async reviewFailingTests(state: ProjectState): Promise<boolean> {
    const check = state.project?.lastCheck;
    if (!check || check.failures.length === 0 || state.plan?.source === 'template') return false;
    const reviewed = [...state.tasks.values()].some((task) => task.role === 'debugger');
    if (reviewed) return false;
    await this.append([
      {
        type: 'task-schedule',
        actor: system,
        payload: {
          taskId: 'review-tests',
          role: 'debugger',
          title: 'Review the failing tests',
          dependsOn: [],
          instructions:
            "The project's own tests fail. Find out why from the failures and the code, and report each cause as a finding on the file to change.",
          expectedArtifacts: [],
          acceptance: ['Every failing test is explained by a finding.'],
          kind: 'review',
          round: 1,
        },
      },
    ]);
    return true;
  }

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
    if (reviewing?.role === 'debugger') await this.runChecks('review', taskId);
    if (signal.aborted) return;
    const state = await this.state();
    const task = state.tasks.get(taskId);
    if (!task) return;
    if (!task.role) {
      // A row no plan made (a retry naming an unknown task): no agent can do it. Failed for
      // good, it pauses the run; left scheduled, the next tick would launch it again.
      await this.fail(
        task,
        Math.max(1, task.attempt),
        'no_role',
        `Task “${task.title}” has no role: no agent can do it.`,
        false,
      );
      return;
    }
    const agent = agentForTask(state, { ...task, role: task.role });
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
    const isPlan = agent === projectManager;
    // The planner hears what the person said to the team before (and why a plan was rejected).
    const conversation = isPlan ? conversationOf(await this.deps.store.read(this.projectId)) : [];
    const refused = this.refusals.get(taskId);
    const silent = this.switchedFrom.get(taskId);
    this.switchedFrom.delete(taskId);
    const avoidArms = new Set([...(refused?.arms ?? []), ...(silent === undefined ? [] : [silent])]);
    const outcome = await runTaskAttempt(this.taskDeps(await this.budget()), state, task, agent, {
      signal,
      findings,
      template,
      ...(avoidArms.size > 0 ? { avoidArms } : {}),
      ...(isPlan
        ? { extraCheck: (value: unknown) => planErrors(value, this.deps.limits.maxPlanTasks), conversation }
        : {}),
      ...(agent === projectManagerChange
        ? { extraCheck: (value: unknown) => changePlanErrors(value, state, this.deps.limits.maxPlanTasks) }
        : {}),
      ...(isEditingAgent(agent)
        ? {
            // Placed on the files as they are when the answer comes, not when the task began.
            extraCheck: async (value: unknown) => {
              const placed = await applyChange(await this.state(), changeOutputSchema.parse(value), readBlob);
              return placed.ok ? [] : placed.errors;
            },
          }
        : {}),
    });
    await this.settle(task, agent, outcome);
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

  /** Turns an attempt's outcome into events, and decides whether the run goes on. */
  private async settle(task: TaskRow, agent: AgentRole<unknown>, outcome: TaskAttemptOutcome<unknown>): Promise<void> {
    const { taskId } = task;
    switch (outcome.kind) {
      case 'answered': {
        // One completion at a time: each is computed from the state the previous one left
        // (two reviews finishing together must not both name their re-review "review-2").
        // That state is there once the previous completion is folded, before it commits,
        // so completions finishing together still share a transaction.
        const previous = this.completing;
        let next = () => undefined as void;
        this.completing = new Promise<void>((resolve) => (next = resolve));
        // Once the completion is folded, the next completion may be computed, and the
        // tasks that waited on this one may start: neither waits for the write.
        const release = () => {
          next();
          const entry = this.inFlight.get(taskId);
          if (entry && !entry.released) {
            entry.released = true;
            this.pump();
          }
        };
        await previous;
        try {
          await this.completeAnswer(task, agent, outcome, release);
        } finally {
          release();
        }
        return;
      }
      case 'budget': {
        // Refused at a repair call, the attempt had started: back to the queue with the
        // pause, or it would stay "running" with no call behind it and never finish.
        const started = (await this.state()).tasks.get(taskId);
        await this.pause(
          'budget',
          outcome.message,
          started?.status === 'running'
            ? [
                {
                  type: 'task-interrupt',
                  actor: system,
                  payload: { taskId, attempt: started.attempt, reason: 'The budget ran out before its repair call.' },
                },
                {
                  type: 'task-retry',
                  actor: system,
                  payload: { taskId, reason: 'Runs again once the budget allows.' },
                },
              ]
            : [],
        );
        return;
      }
      case 'unavailable': {
        const refused = this.refusals.get(taskId);
        if (refused) {
          // Declined, and no other model to ask: the person decides, with the provider's words.
          await this.pauseForRefusal(task, refused.message, [
            {
              type: 'task-fail',
              actor: system,
              payload: {
                taskId,
                attempt: Math.max(1, task.attempt),
                kind: 'refused',
                message: `${refused.message} No other model can take this task.`.slice(0, 4000),
                retryable: false,
              },
            },
          ]);
          return;
        }
        await this.pause('failure', outcome.message);
        return;
      }
      case 'refused': {
        const refused = this.refusals.get(taskId) ?? { arms: new Set<string>(), message: outcome.message };
        refused.message = outcome.message;
        if (outcome.armId) refused.arms.add(outcome.armId);
        this.refusals.set(taskId, refused);
        // A blocked prompt is about the prompt: another model would be sent the same one.
        const another = !outcome.promptBlocked && refused.arms.size === 1;
        const failure: EventDraft = {
          type: 'task-fail',
          actor: system,
          payload: {
            taskId,
            attempt: outcome.attempt,
            kind: 'refused',
            message: outcome.message.slice(0, 4000),
            retryable: another,
          },
        };
        if (another && outcome.attempt < this.deps.limits.maxAttempts) {
          // Once on another model: a refusal is the model's policy, another may not share it.
          await this.append([
            failure,
            {
              type: 'task-retry',
              actor: system,
              payload: { taskId, reason: 'The model declined this task; another model tries it.' },
            },
          ]);
          return;
        }
        await this.pauseForRefusal(task, outcome.message, [failure]);
        return;
      }
      case 'stopped':
        // Stopped by a full disk: nothing can be written; Continue recovers the task.
        if (this.halted) return;
        if (outcome.reason === 'switch') {
          if (outcome.armId) this.switchedFrom.set(taskId, outcome.armId);
          await this.append([
            {
              type: 'task-interrupt',
              actor: { kind: 'user' },
              payload: {
                taskId,
                attempt: outcome.attempt,
                reason: `No answer from ${outcome.armId ?? 'the model'}: you switched to another model.`,
              },
            },
            {
              type: 'task-retry',
              actor: { kind: 'user' },
              payload: { taskId, reason: 'Runs again on another model.' },
            },
          ]);
          return;
        }
        await this.append([
          outcome.reason === 'cancel'
            ? {
                type: 'task-cancel',
                actor: { kind: 'user' },
                payload: { taskId, reason: 'Cancelled by you while it ran; its call was stopped.' },
              }
            : {
                type: 'task-interrupt',
                actor: { kind: 'user' },
                payload: { taskId, attempt: outcome.attempt, reason: 'Emergency stop.' },
              },
        ]);
        return;
      case 'loop':
        await this.append([
          {
            type: 'task-fail',
            actor: system,
            payload: { taskId, attempt: outcome.attempt, kind: 'loop', message: outcome.message, retryable: false },
          },
        ]);
        await this.pause('loop', taskLoopSentence(task, outcome.message).slice(0, 1000));
        return;
      case 'failed':
        await this.fail(task, outcome.attempt, outcome.errorKind, outcome.message, outcome.retryable);
        return;
    }
  }

  private async completeAnswer(
    task: TaskRow,
    agent: AgentRole<unknown>,
    outcome: Extract<TaskAttemptOutcome<unknown>, { kind: 'answered' }>,
    folded: () => void,
  ): Promise<void> {
    // The last call's settlement is written with the first append that follows, ahead of
    // the completion (one append per task fewer); whatever goes wrong, it is written.
    let settlement = outcome.settlement;
    const withSettlement = (events: EventDraft[]) => {
      const all = [...settlement, ...events];
      settlement = [];
      return all;
    };
    try {
      await this.writeCompletion(task, agent, outcome, withSettlement, folded);
    } finally {
      if (settlement.length > 0) {
        await outcome.started;
        await this.append(withSettlement([]));
      }
    }
  }

  private async writeCompletion(
    task: TaskRow,
    agent: AgentRole<unknown>,
    outcome: Extract<TaskAttemptOutcome<unknown>, { kind: 'answered' }>,
    withSettlement: (events: EventDraft[]) => EventDraft[],
    folded: () => void,
  ): Promise<void> {
    const { taskId } = task;
    const state = await this.state();
    const current = state.tasks.get(taskId) ?? task;
    const facts: AnswerFacts = {
      task: current,
      role: agent.role,
      attempt: outcome.attempt,
      text: outcome.text,
      usage: outcome.usage,
      repairs: outcome.repairs,
      destination: outcome.destination,
      durationMs: outcome.latencyMs,
    };
    const completion = await this.complete(state, facts, agent, outcome.value);
    if (completion.failure || completion.loop) {
      // Anything but the completion itself is written once the attempt's start is.
      await outcome.started;
      // A valid answer that left nothing usable is worth nothing to the router either.
      const records = withSettlement(
        outcome.destination.kind === 'model' ? outcome.destination.route.observe(0, outcome.latencyMs) : [],
      );
      if (records.length > 0) await this.append(records);
    }
    if (completion.failure) {
      await this.fail(current, outcome.attempt, 'no_files', completion.failure, true);
      return;
    }
    if (completion.loop) {
      await this.settle(task, agent, { kind: 'loop', attempt: outcome.attempt, message: completion.loop });
      return;
    }
    // The router learns from the answer's quality: its record goes into the same batch.
    const learned =
      outcome.destination.kind === 'model'
        ? outcome.destination.route.observe(completion.quality, outcome.latencyMs)
        : [];
    // Appended without waiting for the start's write: folded on top of it, it is written
    // after it or not at all. Were the start's write to fail first, the state would no
    // longer hold this attempt, and the completion is refused.
    const attempt = outcome.attempt;
    await this.deps.store.append(this.projectId, withSettlement([...completion.events, ...learned]), {
      ...(completion.blobs ? { blobs: completion.blobs } : {}),
      folded,
      requires: {
        holds: (current) => {
          const row = current.tasks.get(taskId);
          return row?.status === 'running' && row.attempt === attempt;
        },
        message: `The start of ${taskId}'s attempt ${attempt} was not saved, so its answer was not either.`,
      },
    });
  }

  private async complete(
    state: ProjectState,
    facts: AnswerFacts,
    agent: AgentRole<unknown>,
    value: unknown,
  ): Promise<Completion> {
    const planId = `plan-${ulid().slice(-8).toLowerCase()}`;
    if (agent === projectManagerChange) {
      const proposal = changeProposal(state, changePlanSchema.parse(value), planId, facts.task.instructions);
      return planCompletion(state, facts, proposal);
    }
    if (facts.role === 'project-manager')
      return planCompletion(state, facts, proposalOf(planSchema.parse(value), planId));
    if (isEditingAgent(agent)) {
      const output = changeOutputSchema.parse(value);
      // Checked when it came; placed again on the files as they are now (a task of the same
      // change may have edited one since): blocks that no longer fit fail the attempt.
      const placed = await applyChange(state, output, (hash) => this.deps.store.blob(hash));
      if (!placed.ok) {
        return {
          events: [],
          blobs: [],
          quality: 0,
          failure: `The edits no longer fit the files, which changed while the task ran: ${placed.errors.slice(0, 3).join(' ')}`,
        };
      }
      return fileCompletion(state, facts, { files: placed.files, notes: output.notes });
    }
    if (facts.role === 'debugger') {
      const tests = checkIsCurrent(state)
        ? await testFailureFindings(state.project?.lastCheck, state, (hash) => this.deps.store.blob(hash))
        : [];
      return reviewCompletion(
        state,
        facts,
        value as Parameters<typeof reviewCompletion>[2],
        this.deps.limits.maxReviewRounds,
        tests,
      );
    }
    return fileCompletion(state, facts, value as Parameters<typeof fileCompletion>[2]);
  }

  /** A task no model would do: the run pauses with the provider's sentence and the ways on. */
  private async pauseForRefusal(task: TaskRow, message: string, also: EventDraft[]): Promise<void> {
    if (also.length > 0) await this.append(also);
    await this.pause('failure', taskDeclinedSentence(task, message).slice(0, 1000));
  }

  /** A failed attempt: retried automatically while attempts remain and it can help, else the run pauses. */
  private async fail(task: TaskRow, attempt: number, kind: string, message: string, retryable: boolean): Promise<void> {
    const events: EventDraft[] = [
      {
        type: 'task-fail',
        actor: system,
        payload: {
          taskId: task.taskId,
          attempt,
          kind: kind.slice(0, 60),
          message: message.slice(0, 4000) || 'The task failed.',
          retryable,
        },
      },
    ];
    if (retryable && attempt < this.deps.limits.maxAttempts) {
      events.push({
        type: 'task-retry',
        actor: system,
        payload: { taskId: task.taskId, reason: `Attempt ${attempt} failed; trying again.` },
      });
      await this.append(events);
      return;
    }
    await this.append(events);
    // Name the model that failed and why, and one way on (nothing goes on without the plan).
    const parsed = providerIdSchema.safeParse(task.provider);
    const provider = parsed.success && parsed.data !== 'template' ? parsed.data : null;
    const errorKind = errorKindSchema.safeParse(kind);
    const sentence = taskFailedSentence(task, {
      on: provider && task.model ? `${providerLabels[provider]} ${task.model}` : null,
      attempts: attempt,
      cause: message || 'The task failed.',
      remedy: provider && errorKind.success ? remedy(provider, errorKind.data) : undefined,
    });
    await this.pause('failure', sentence.slice(0, 1000));
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
      await this.pause('failure', `Orchestra ran into a problem: ${message}`.slice(0, 1000));
    } catch {
      // Storage itself is failing: nothing more can be recorded; the next command reports it.
    }
  }
}

/** The plan checks a schema cannot express, in sentences the Project Manager can act on. */
function planErrors(value: unknown, maxTasks: number): string[] {
  const parsed = planSchema.safeParse(value);
  if (!parsed.success) return [];
  const result = validatePlan(parsed.data, { maxTasks });
  return result.ok ? [] : result.errors;
}

/** A command that cannot be done now, with the reason for the person. */
export class RunError extends Error {
  override name = 'RunError';
}

/** The run needs the model keys, which are locked: the person enters the passphrase, then tries again. */
export class KeysLockedError extends RunError {
  override name = 'KeysLockedError';
  /** `then`: what happens once they open ("the run starts"). */
  constructor(then: string) {
    super(`Your model keys are locked: enter your passphrase to unlock them, and ${then}.`);
  }
}

/** A plan proposed, and approved at once when the project approves its plans automatically. */
function proposal(plan: PayloadOf<'plan-propose'>, autoApprove: boolean): EventDraft[] {
  const proposed: EventDraft = { type: 'plan-propose', actor: system, payload: plan };
  return autoApprove
    ? [proposed, { type: 'plan-approve', actor: system, payload: { planId: plan.planId, auto: true } }]
    : [proposed];
}
