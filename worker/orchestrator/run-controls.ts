/**
 * The person's controls on a run, as the log sees them: Pause, Continue, Next agent,
 * Cancel task, Retry task, Stop run, and what an emergency stop writes. Each checks the
 * project's state, says no with a `RunError` when the control does not apply, and
 * appends its events. The runner (`runner.ts`) calls these from its commands, and does
 * what only it can: abort calls in flight, launch a task, move the loop.
 *
 *   running ──Pause──▶ paused ──Continue──▶ running        paused ──Stop run──▶ stopped
 *   running/paused ──Next agent──▶ paused, one ready task launched
 *   failed/cancelled/interrupted task ──Retry──▶ scheduled (a failure pause lifts; an ended run starts again)
 */
import { ulid } from 'ulid';
import type { EventDraft } from '../events/catalog.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { PauseKind, TaskRow } from '../events/projections/rows.ts';
import { type RunContext, system } from './run-context.ts';
import { controlRefusal, runState } from '../run-state/run-state.ts';
import { cancelRefusal, retryRefusal } from '../run-state/task-controls.ts';
import type { RunLimits } from './limits.ts';
import { closeReservations } from './recovery.ts';
import { RunError } from './run-errors.ts';
import { needKeys } from './run-start.ts';
import { readyTasks } from './scheduler.ts';

/** Refuses a control the run screen shows off in this state, with the machine's sentence (`controlRefusal`). */
export function refuseOff(state: ProjectState, control: Parameters<typeof controlRefusal>[1]): void {
  if (!state.project) return;
  const refused = controlRefusal(
    runState({ project: state.project, plan: state.plan, tasks: [...state.tasks.values()] }),
    control,
  );
  if (refused) throw new RunError(refused);
}

/**
 * Whether a launched task may still start, checked on the state its `task-start` folds on
 * (`attempt-start.ts`): the run it was launched in still runs or, for Next agent (`step`),
 * is paused; and the task is still open. A pause or stop written since the launch wins.
 */
export function mayStartTask(taskId: string, by: 'loop' | 'step', runId: string | null) {
  return (state: ProjectState): boolean => {
    const project = state.project;
    const status = state.tasks.get(taskId)?.status;
    if (!project || !runId || project.currentRunId !== runId || status === 'done' || status === 'cancelled')
      return false;
    return project.runStatus === 'running' || (by === 'step' && project.runStatus === 'paused');
  };
}

/** "Pause": calls in flight finish; nothing new starts. `also` is appended with the pause, atomically. */
export async function pauseRun(ctx: RunContext, kind: PauseKind, reason: string, also: EventDraft[]): Promise<void> {
  const state = await ctx.state();
  const runId = state.project?.currentRunId;
  if (!runId || state.project?.runStatus !== 'running') {
    if (also.length > 0) await ctx.append(also);
    return;
  }
  await ctx.append([
    {
      type: 'run-pause',
      actor: kind === 'user' || kind === 'step' ? { kind: 'user' } : system,
      payload: { runId, reason, kind },
    },
    ...also,
  ]);
}

/** "Continue orchestra" / "Execute all": the run goes on; a limit the person passed is raised for this run. */
export async function resumeRun(ctx: RunContext): Promise<void> {
  const state = await ctx.state();
  const project = state.project;
  if (!project?.currentRunId || project.runStatus !== 'paused') throw new RunError('The run is not paused.');
  refuseOff(state, 'resume');
  await needKeys(ctx, state, 'the run goes on');
  // Past a run limit, going on counts the limits afresh from here (the resume event
  // records the point, so a reload keeps it).
  await ctx.append([{ type: 'run-resume', actor: { kind: 'user' }, payload: { runId: project.currentRunId } }]);
}

/**
 * "Next agent": the run is (or becomes) paused, and the one ready task to run now is
 * returned, with its run, for the runner to launch; null when none is ready. `busy`:
 * tasks with a call.
 */
export async function stepRun(
  ctx: RunContext,
  busy: ReadonlySet<string>,
): Promise<{ task: TaskRow; runId: string } | null> {
  const state = await ctx.state();
  const project = state.project;
  if (!project?.currentRunId || (project.runStatus !== 'running' && project.runStatus !== 'paused')) {
    throw new RunError('Start the run first.');
  }
  refuseOff(state, 'step');
  await needKeys(ctx, state, 'the next task runs');
  if (project.runStatus === 'running') {
    await ctx.append([
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
  const [task] = readyTasks((await ctx.state()).tasks.values(), busy, 1);
  return task ? { task, runId: project.currentRunId } : null;
}

/**
 * "Cancel task" on a task with no call running: it is marked cancelled. Cancelling the
 * failed task a run paused for is going on without it: the pause lifts, as the pause's
 * sentence promised ("Cancel task to go on without it"), unless another task failed too.
 * `afterAbort`: its call was just aborted, and a task the abort already cancelled (or that
 * finished) is left as it is.
 */
export async function cancelTask(ctx: RunContext, taskId: string, afterAbort = false): Promise<void> {
  const state = await ctx.state();
  const task = state.tasks.get(taskId);
  if (!task) throw new RunError('There is no such task.');
  if (afterAbort && (task.status === 'cancelled' || task.status === 'done')) return;
  const refused = cancelRefusal(task);
  if (refused) throw new RunError(refused);
  const events: EventDraft[] = [
    { type: 'task-cancel', actor: { kind: 'user' }, payload: { taskId, reason: 'Cancelled by you.' } },
  ];
  const resume = liftsFailurePause(state, taskId, true);
  if (resume) events.push({ type: 'run-resume', actor: { kind: 'user' }, payload: { runId: resume } });
  await ctx.append(events);
}

/**
 * The run to resume when a failure pause waits on no failed task but `taskId`, else null.
 * `onlyIfFailed`: `taskId` itself must be the failed one (a cancel; a retry lifts it anyway).
 */
function liftsFailurePause(state: ProjectState, taskId: string, onlyIfFailed: boolean): string | null {
  const project = state.project;
  if (project?.runStatus !== 'paused' || !project.currentRunId) return null;
  if (project.pauseKind !== 'failure' && project.pauseKind !== 'loop') return null;
  if (onlyIfFailed && state.tasks.get(taskId)?.status !== 'failed') return null;
  const othersFailed = [...state.tasks.values()].some((other) => other.taskId !== taskId && other.status === 'failed');
  return othersFailed ? null : project.currentRunId;
}

/** "Retry task": a failed, cancelled or interrupted task is scheduled again; a failure pause lifts. */
export async function retryTask(ctx: RunContext, taskId: string, instructions?: string): Promise<void> {
  const state = await ctx.state();
  const task = state.tasks.get(taskId);
  if (!task) throw new RunError('There is no such task.');
  const refused = retryRefusal(task);
  if (refused) throw new RunError(refused);
  const project = state.project;
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
  } else {
    const resume = liftsFailurePause(state, taskId, false);
    if (resume) events.push({ type: 'run-resume', actor: { kind: 'user' }, payload: { runId: resume } });
  }
  await ctx.append(events);
}

/**
 * "Stop run": a paused run ends here, by your choice; what was built stays, and Start
 * later goes on with the tasks left. Calls that went out hold it back (the state is
 * "pausing"); a task launched but not yet started never starts once the stop is written
 * (`mayStartTask`).
 */
export async function stopRun(ctx: RunContext): Promise<void> {
  const state = await ctx.state();
  const project = state.project;
  if (!project?.currentRunId || project.runStatus !== 'paused') throw new RunError('Only a paused run can be stopped.');
  refuseOff(state, 'stop');
  const left = [...state.tasks.values()].filter((task) => task.status !== 'done' && task.status !== 'cancelled');
  // A run stopped with a task that failed for good ended because that task failed: the
  // outcome says so, with the failure's own sentence, rather than "stopped by you".
  const failed = left.filter((task) => task.status === 'failed');
  await ctx.append([
    {
      type: 'run-stop',
      actor: { kind: 'user' },
      payload: {
        runId: project.currentRunId,
        outcome: failed.length > 0 ? 'failed' : 'stopped',
        message: (failed.length > 0
          ? failedSentence(failed)
          : left.length === 0
            ? 'Stopped by you.'
            : `Stopped by you with ${left.length} task${left.length === 1 ? '' : 's'} not done: Start goes on with them.`
        ).slice(0, 1000),
      },
    },
  ]);
}

/** Why a run stopped with failed tasks ended: each task named with the cause it failed on. */
function failedSentence(failed: readonly TaskRow[]): string {
  const [first] = failed;
  const cause = first?.lastError?.message ? `: ${first.lastError.message.replace(/[.\s]+$/, '')}` : '';
  const others = failed.length > 1 ? ` (and ${failed.length - 1} other task${failed.length === 2 ? '' : 's'})` : '';
  return `“${first?.title ?? 'A task'}” failed${cause}${others}.`;
}

/**
 * What an emergency stop writes once every call is aborted and has closed its own
 * reservation: any reservation still open in the log (its call's closing was never
 * written) charged at its estimate, as recovery does, and the run's end naming how many
 * calls were cut. `closed`: the log closed a reservation the governor did not see closed.
 */
export function emergencyStopEvents(
  state: ProjectState,
  callsAborted: number,
  limits: Pick<RunLimits, 'checkpointEveryChars'>,
): { events: EventDraft[]; closed: boolean } {
  const runId = state.project?.currentRunId;
  const events = closeReservations(state, new Set(), limits);
  const closed = events.length > 0;
  if (runId && state.project?.runStatus !== 'stopped') {
    events.push({
      type: 'run-stop',
      actor: { kind: 'user' },
      payload: {
        runId,
        outcome: 'emergency',
        message: `Emergency stop: ${callsAborted} call${callsAborted === 1 ? '' : 's'} aborted; interrupted tasks can be retried.`,
      },
    });
  }
  return { events, closed };
}
