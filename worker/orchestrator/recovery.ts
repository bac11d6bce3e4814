/**
 * After a reload, a crash or a closed tab: what the log says was under way has nothing
 * behind it any more. `recoveryEvents` names what the runner (`runner.ts`, `recover`)
 * writes to close it: each reservation without a call is charged at its estimate
 * (`calls/interrupted-charge.ts`), each running attempt is interrupted and scheduled
 * again, and a test run the closed tab was making is recorded as stopped.
 */
import type { EventDraft } from '../events/catalog.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import { closeInterrupted } from './calls/interrupted-charge.ts';
import type { RunLimits } from './limits.ts';
import { system } from './run-context.ts';

/**
 * The events that close what was left running. `live` holds the tasks that do have a
 * call behind them in this tab; `checksRunning` whether this tab runs the project's tests.
 * `closed`: a reservation was closed in the log alone, so a governor made before must be made again.
 */
export function recoveryEvents(
  state: ProjectState,
  live: ReadonlySet<string>,
  checksRunning: boolean,
  limits: Pick<RunLimits, 'checkpointEveryChars'>,
): { events: EventDraft[]; closed: boolean } {
  const events = closeReservations(state, live, limits);
  const closed = events.length > 0;
  for (const task of state.tasks.values()) {
    if (task.status !== 'running' || live.has(task.taskId)) continue;
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
  if (dangling && !checksRunning) {
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
  return { events, closed };
}

/**
 * The events that close every reservation the log holds open with no call behind it (its
 * task not in `live`): each charged at its estimate, since its request went out once the
 * reservation was committed (`calls/interrupted-charge.ts`).
 */
export function closeReservations(
  state: ProjectState,
  live: ReadonlySet<string>,
  limits: Pick<RunLimits, 'checkpointEveryChars'>,
): EventDraft[] {
  const events: EventDraft[] = [];
  for (const cost of state.costs.values()) {
    if (cost.status !== 'reserved' || (cost.taskId && live.has(cost.taskId))) continue;
    const task = cost.taskId ? state.tasks.get(cost.taskId) : undefined;
    events.push(
      closeInterrupted(cost, {
        checkpointChars: task?.status === 'running' ? task.outputChars : 0,
        // One interval accumulating, and one that came while the last checkpoint was written.
        unsavedChars: 2 * limits.checkpointEveryChars,
      }),
    );
  }
  return events;
}
