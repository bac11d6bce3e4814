/**
 * The guards the runner's loop (`runner.ts`, `tick`) asks before it launches anything:
 * whether the run is over (its plan rejected, its planning cancelled, every task
 * finished) or past one of its limits (`limits.ts`: tokens, tasks added). Pure: the
 * state and the number of calls still working in, what to do out.
 */
import type { ProjectState } from '../events/projections/project-state.ts';
import { planStands } from '../run-state/run-state.ts';
import type { RunLimits } from './limits.ts';
import { allFinished } from './scheduler.ts';

export type RunGuard =
  /** The run ends here with this outcome and sentence. */
  | { kind: 'stop'; outcome: 'cancelled' | 'stopped'; message: string }
  /** Every task is finished: the run's end (`run-end.ts`, `finishRun`). */
  | { kind: 'finish' }
  /** A limit is passed: the run pauses with this sentence. */
  | { kind: 'pause'; reason: string };

/**
 * What stops the loop of a running run now, or null when it may launch what is ready.
 * `busy`: calls still working (a released one has its completion folded).
 */
export function runGuard(
  state: ProjectState,
  runId: string,
  busy: number,
  limits: Pick<RunLimits, 'maxRunTokens' | 'maxRunTasks'>,
): RunGuard | null {
  const tasks = [...state.tasks.values()];
  const planApproved = planStands(state.plan);
  const replanning = tasks.some(
    (task) => task.role === 'project-manager' && (task.status === 'scheduled' || task.status === 'running'),
  );
  // A rejected first plan ends the run (rejecting a change plan ends it at once, in the
  // same commit: see rejectPlan; a rejected change leaves the built plan standing).
  if (state.plan?.status === 'rejected' && !planApproved && !replanning && busy === 0) {
    return { kind: 'stop', outcome: 'cancelled', message: 'The plan was rejected; nothing was built.' };
  }
  if (!planApproved && !replanning && busy === 0 && state.plan?.status !== 'proposed' && allFinished(tasks)) {
    // The planning task was cancelled: with no plan there is nothing to build.
    return {
      kind: 'stop',
      outcome: 'stopped',
      message: 'Planning was cancelled, so nothing was built. Start plans the project again.',
    };
  }
  if (planApproved && busy === 0 && allFinished(tasks)) return { kind: 'finish' };
  const session = state.sessions.get(runId);
  const { maxRunTokens, maxRunTasks } = limits;
  if (session && session.tokens - session.limitTokenBase > maxRunTokens) {
    return {
      kind: 'pause',
      reason: `This run has used ${(session.tokens - session.limitTokenBase).toLocaleString('en')} tokens, past its limit of ${maxRunTokens.toLocaleString('en')}. Continue orchestra to allow as many again, or stop.`,
    };
  }
  if (session && session.tasks - session.limitTaskBase > maxRunTasks) {
    return {
      kind: 'pause',
      reason: `This run has added ${session.tasks - session.limitTaskBase} tasks, past its limit of ${maxRunTasks}. Continue orchestra to allow as many again, or stop.`,
    };
  }
  return null;
}
