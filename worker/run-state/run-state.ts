import type { PauseKind, PlanView, ProjectRow, TaskRow, TaskStatus } from '../events/projections/rows.ts';
import { isFinished, readyTasks } from '../orchestrator/scheduler.ts';
import type { StartSource } from './start-source.ts';
import { plural, runSentence } from './run-words.ts';

/**
 * The run lifecycle as one state machine. Every label, badge, enabled control and
 * end-of-run sentence the person sees is derived from it, and the engine asks it before
 * acting, so the two cannot disagree.
 *
 *                  Start                     plan proposed                Approve
 *     ┌──────┐ ─────────────▶ ┌──────────┐ ─────────────▶ ┌────────────┐ ─────────▶ ┌─────────┐
 *     │ idle │                │ planning │                │ awaiting   │            │ working │
 *     └──────┘                └──────────┘  (no key: the  │ approval   │            └─────────┘
 *         ▲                        │         template's    └────────────┘              │  ▲  │ every task
 *         │                        │         plan at once)      │ Reject               │  │  │ ended
 *         │                        │                            ▼                Pause │  │  ▼
 *         │                        │                      ended: rejected      budget, │  │ ended: completed
 *         │                        │                                           failure,│  │ (or completed with
 *         │                        │                                           limit,  ▼  │  cancelled tasks)
 *         │                        │                                        ┌──────────┐ Continue,
 *         │                        │                                        │ pausing  │ Execute all
 *         │                        │                                        │ → paused │
 *         │                        │                                        └──────────┘
 *         │   Emergency stop (any live state): ended: emergency stop
 *         │   Stop run (paused, nothing in flight): ended: stopped by you
 *         └── Start again: with an approved plan, the tasks left undone are retried in a
 *             new run (with none left, it re-checks the tests and ends); without one it plans.
 *
 * States are derived from the log's projection (the project row, its plan, its tasks),
 * never kept apart from it: after a reload the same facts give the same state.
 *
 * Guards, each checked by the model-based tests after every step:
 * - "working" only while a task is running or can start now (no "Running" while nothing runs);
 * - "paused" only once no call is in flight (until then "pausing", saying how many finish);
 * - "completed" only when every task is done, or the cancelled ones are named.
 */

/** How a run ended, one name per situation. */
export type RunOutcome = 'completed' | 'completed-with-cancelled' | 'rejected' | 'stopped' | 'emergency' | 'failed';

export type RunState =
  | { phase: 'idle' }
  | { phase: 'planning'; working: number }
  | { phase: 'awaiting-approval' }
  | { phase: 'working'; working: number; ready: number }
  /** Paused, with calls that were in flight still finishing: nothing new starts. */
  | { phase: 'pausing'; kind: PauseKind; reason: string; finishing: number }
  /**
   * Paused with nothing in flight. `blocked` names the tasks that must be retried before
   * anything can run again: while it is not empty, Continue, Next agent
   * and Execute all would do nothing, so they are not offered.
   */
  | { phase: 'paused'; kind: PauseKind; reason: string; blocked: string[]; ready: number }
  /**
   * A run is going but nothing can run and not every task has ended: the engine resolves
   * this at its next step (it pauses naming the blocking tasks). Never shown as "Running".
   */
  | { phase: 'stalled'; blocked: string[] }
  | {
      phase: 'ended';
      outcome: RunOutcome;
      /** The sentence the run ended with (open findings, the failure), if any. */
      reason: string | null;
      /** Titles of the tasks cancelled in this project's plan. */
      cancelled: string[];
      /** Titles of the tasks that did not end: Start again retries them. */
      unfinished: string[];
      /** Whether the run had an approved plan (Start goes on with it, or plans afresh). */
      planned: boolean;
    };

export type RunPhase = RunState['phase'];

/** The facts the state is derived from: all of them are in the projection. */
export interface RunFacts {
  project: Pick<ProjectRow, 'runStatus' | 'pauseKind' | 'pauseReason' | 'runMessage' | 'currentRunId'> & {
    /** How the last run ended (absent on rows folded before it was kept). */
    lastOutcome?: RunOutcome | null;
  };
  plan: Pick<PlanView, 'status' | 'change'> | null;
  tasks: readonly Pick<TaskRow, 'taskId' | 'title' | 'status' | 'dependsOn' | 'role' | 'order'>[];
}

/**
 * Whether the project has a plan that stands: one approved, or a rejected *change* plan
 * over a project already built (rejecting a change leaves the project as it was, with
 * its approved plan's work; Start must not plan the whole project again).
 */
export function planStands(plan: Pick<PlanView, 'status' | 'change'> | null | undefined): boolean {
  return plan?.status === 'approved' || (plan?.status === 'rejected' && plan.change !== undefined);
}

/** The outcomes a `run-stop` event can carry. */
export type LoggedOutcome = 'completed' | 'cancelled' | 'stopped' | 'emergency' | 'failed';

const retryable: ReadonlySet<TaskStatus> = new Set(['failed', 'interrupted', 'scheduled', 'pending', 'running']);

/** The named outcome of an ended run, from what the log recorded and the tasks as they stand. */
export function runOutcome(logged: LoggedOutcome, plan: RunFacts['plan'], tasks: RunFacts['tasks']): RunOutcome {
  switch (logged) {
    case 'completed':
      return tasks.some((task) => task.status === 'cancelled') ? 'completed-with-cancelled' : 'completed';
    case 'cancelled':
      // Before "Stop run" existed, a rejected plan was the only run that ended cancelled.
      return plan?.status === 'rejected' ? 'rejected' : 'stopped';
    default:
      return logged;
  }
}

/** The run's state, derived from the projection. */
export function runState(facts: RunFacts): RunState {
  const { project, plan, tasks } = facts;
  const working = tasks.filter((task) => task.status === 'running').length;
  switch (project.runStatus) {
    case 'idle':
      return { phase: 'idle' };
    case 'stopped': {
      const outcome = project.lastOutcome ?? runOutcome('completed', plan, tasks);
      return {
        phase: 'ended',
        outcome,
        reason: project.runMessage,
        cancelled: tasks.filter((task) => task.status === 'cancelled').map((task) => task.title),
        planned: planStands(plan),
        unfinished: planStands(plan)
          ? tasks.filter((task) => retryable.has(task.status)).map((task) => task.title)
          : [],
      };
    }
    case 'paused': {
      const kind = project.pauseKind ?? 'user';
      const reason = project.pauseReason ?? '';
      if (working > 0) return { phase: 'pausing', kind, reason, finishing: working };
      const ready = readyTasks(tasks, new Set(), tasks.length).length;
      return { phase: 'paused', kind, reason, blocked: ready > 0 ? [] : blockedTasks(tasks), ready };
    }
    case 'running': {
      if (plan?.status === 'proposed') return { phase: 'awaiting-approval' };
      const approved = planStands(plan);
      const ready = readyTasks(tasks, new Set(), tasks.length).length;
      if (working > 0 || ready > 0)
        return approved ? { phase: 'working', working, ready } : { phase: 'planning', working };
      const open = tasks.filter((task) => !isFinished(task));
      // Nothing running, nothing that can start, and tasks not ended: nothing will happen.
      if (open.length > 0) return { phase: 'stalled', blocked: open.map((task) => task.title) };
      // The plan is being proposed, or every task ended and the run is finishing.
      return approved ? { phase: 'working', working: 0, ready: 0 } : { phase: 'planning', working: 0 };
    }
  }
}

/**
 * The tasks nothing can run without, when nothing can run (none is running, none can
 * start) and some task has not ended: the failed or cut-off ones, else every open one.
 */
function blockedTasks(tasks: RunFacts['tasks']): string[] {
  const open = tasks.filter((task) => !isFinished(task));
  const stopped = open.filter((task) => task.status === 'failed' || task.status === 'interrupted');
  return (stopped.length > 0 ? stopped : open).map((task) => task.title);
}

/** What a paused run with `blocked` tasks waits for, and the one way on. */
export function blockedSentence(blocked: readonly string[]): string {
  return `Nothing can run until you retry ${quoted(blocked)}: press Retry task on ${blocked.length === 1 ? 'it' : 'each'}.`;
}

/** The run controls, each with whether it applies now and what it will do. */
export interface RunControl {
  enabled: boolean;
  /** What pressing it does, in a sentence (shown as the button's description). */
  does: string;
}

export interface RunControls {
  start: RunControl;
  pause: RunControl;
  resume: RunControl;
  step: RunControl;
  executeAll: RunControl;
  stop: RunControl;
  emergencyStop: RunControl;
}

/** How Start's sentence begins while the keys it needs are locked. */
const lockedLead = 'Your model keys are locked: Start asks for your passphrase, then ';

/** Why Start is off while every provider set up is paused or missing settings. */
const waitingLead =
  'No model can take calls now: a provider with a key is paused after repeated failures, or an endpoint needs its base URL and model in Settings. Start is back once one can.';

const off = (does: string): RunControl => ({ enabled: false, does });
const on = (does: string): RunControl => ({ enabled: true, does });
const quoted = (titles: readonly string[]) => titles.map((title) => `“${title}”`).join(', ');

/**
 * The controls that do something in this state; an observer tab (another tab writes this
 * project) may use none. `source` is what Start would build with (see `startSource`):
 * Start's sentence says when it asks for the passphrase, or builds a Template starter.
 */
export function runControls(state: RunState, canWrite: boolean, source: StartSource = 'models'): RunControls {
  const controls: RunControls = {
    start: off('Starts a run.'),
    pause: off('Pauses the run: calls in flight finish, nothing new starts.'),
    resume: off('Lets the run go on.'),
    step: off('Runs exactly one ready task, then pauses.'),
    executeAll: off('Lets the run go on to the end.'),
    stop: off('Ends the run here; what was built stays.'),
    emergencyStop: off('Aborts every call at once and ends the run.'),
  };
  if (!canWrite) return controls;
  switch (state.phase) {
    case 'idle':
      controls.start =
        source === 'waiting'
          ? off(waitingLead)
          : on(
              source === 'template'
                ? 'No model key is set up: Start builds a runnable starter from a template, labelled Template (no AI), and no AI reads your description. Add a key in Settings to have the Project Manager plan it.'
                : `${source === 'locked' ? lockedLead : 'Start: '}the Project Manager plans the project, and you approve the plan before anything is built.`,
            );
      break;
    case 'ended': {
      // A finished plan's Start calls no model (it only re-checks the tests).
      const finished = state.planned && state.unfinished.length === 0;
      controls.start =
        source === 'waiting' && !finished
          ? off(waitingLead)
          : on(
              !state.planned
                ? source === 'locked'
                  ? `${lockedLead}the Project Manager plans the project again, and a new plan comes to you for approval before anything is built.`
                  : 'Start plans the project again: a new plan comes to you for approval before anything is built.'
                : !finished
                  ? `${source === 'locked' ? lockedLead : 'Start '}goes on with the approved plan: ${plural(state.unfinished.length, 'unfinished task')} run again (${state.unfinished.join(', ')}); finished work is kept.`
                  : 'Every task is done: Start builds nothing again. It runs the project’s tests if its files changed since they last ran, then ends. To change the project, send the team a message.',
            );
      break;
    }
    case 'planning':
    case 'awaiting-approval':
      controls.emergencyStop = on(controls.emergencyStop.does);
      break;
    case 'working':
      controls.pause = on(controls.pause.does);
      controls.step = on('Pauses, then runs exactly one ready task.');
      controls.emergencyStop = on(controls.emergencyStop.does);
      break;
    case 'stalled':
      controls.emergencyStop = on(controls.emergencyStop.does);
      break;
    case 'pausing':
    case 'paused': {
      // Calls still finishing (or hung) do not lock stepping or going on; only a run with
      // nothing in flight can be stopped by you. With tasks blocking everything, going on
      // would do nothing: Retry task on them is the way on.
      const blocked = state.phase === 'paused' ? state.blocked : [];
      if (blocked.length === 0) {
        controls.resume = on(controls.resume.does);
        // Next agent runs a ready task; with none ready (every task ended while the run
        // paused) it would do nothing: Continue finishes the run.
        controls.step =
          state.phase === 'paused' && state.ready === 0
            ? off('No task is ready to run: Continue orchestra finishes the run.')
            : on(controls.step.does);
        controls.executeAll = on(controls.executeAll.does);
      } else {
        const waiting = blockedSentence(blocked);
        controls.resume = off(waiting);
        controls.step = off(waiting);
        controls.executeAll = off(waiting);
      }
      if (state.phase === 'paused') controls.stop = on(controls.stop.does);
      controls.emergencyStop = on(controls.emergencyStop.does);
      break;
    }
  }
  return controls;
}

/**
 * Why the engine refuses a run control the screen shows off in this state, or null when
 * it is on: the engine's commands ask this, so a control never does something the screen
 * said it would not (`runControls` draws the buttons from the same state).
 */
export function controlRefusal(state: RunState, name: 'pause' | 'resume' | 'step' | 'stop'): string | null {
  const control = runControls(state, true)[name];
  if (control.enabled) return null;
  switch (state.phase) {
    case 'idle':
      return 'Nothing has run yet: press Start.';
    case 'planning':
      return 'The Project Manager is writing the plan: nothing else runs until you approve it.';
    case 'awaiting-approval':
      return 'The plan waits for your approval: nothing runs until you approve it.';
    case 'ended':
      return 'The run has ended: Start goes on from here.';
    case 'working':
      return name === 'stop' ? 'Pause the run first: Stop run ends a paused run.' : 'The run is already going.';
    case 'stalled':
      return runSentence(state);
    case 'pausing':
      return 'Calls are still finishing: stop once the run has paused.';
    case 'paused':
      return name === 'pause' ? 'The run is already paused.' : control.does;
  }
}
