/**
 * What a run state says in words: its badge (the run screen, the Projects list) and its
 * sentence (the run screen's heading, the end panel). The states are `run-state.ts`'s.
 */
import type { PauseKind, ProjectRow } from '../events/projections/rows.ts';
import type { RunOutcome, RunState } from './run-state.ts';

/** "1 task", "3 tasks". */
export const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** A short name for the state (badges, the Projects list), and its tone. */
export interface RunBadge {
  label: string;
  tone: 'neutral' | 'active' | 'waiting' | 'success' | 'warning' | 'danger';
}

const outcomeBadges: Readonly<Record<RunOutcome, RunBadge>> = {
  completed: { label: 'Completed', tone: 'success' },
  'completed-with-cancelled': { label: 'Completed, tasks cancelled', tone: 'warning' },
  rejected: { label: 'Plan rejected', tone: 'neutral' },
  stopped: { label: 'Stopped by you', tone: 'neutral' },
  emergency: { label: 'Emergency stop', tone: 'danger' },
  failed: { label: 'Failed', tone: 'danger' },
};

const pauseBadges: Readonly<Record<PauseKind, string>> = {
  user: 'Paused',
  step: 'Paused (step by step)',
  budget: 'Paused: budget',
  failure: 'Paused: a task failed',
  loop: 'Paused: repeating itself',
  limit: 'Paused: run limit',
  keys: 'Paused: keys locked',
  'no-model': 'Paused: no model can take calls',
  fault: 'Paused: a problem in Orchestra',
};

export function runBadge(state: RunState): RunBadge {
  switch (state.phase) {
    case 'idle':
      return { label: 'Not started', tone: 'neutral' };
    case 'planning':
      return { label: 'Planning', tone: 'active' };
    case 'awaiting-approval':
      return { label: 'Plan awaits approval', tone: 'waiting' };
    case 'working':
      return { label: 'Running', tone: 'active' };
    case 'stalled':
      return { label: 'Blocked', tone: 'warning' };
    case 'pausing':
      return { label: 'Pausing', tone: 'waiting' };
    case 'paused':
      return {
        label: pauseBadges[state.kind],
        tone: state.kind === 'user' || state.kind === 'step' ? 'waiting' : 'warning',
      };
    case 'ended':
      return outcomeBadges[state.outcome];
  }
}

/**
 * The badge from the project row alone (the Projects list has no tasks): how the last run
 * ended, why it is paused, or that it runs.
 */
export function rowBadge(project: Pick<ProjectRow, 'runStatus' | 'pauseKind' | 'lastOutcome'>): RunBadge {
  switch (project.runStatus) {
    case 'idle':
      return { label: 'Not started', tone: 'neutral' };
    case 'running':
      return { label: 'Running', tone: 'active' };
    case 'paused': {
      const kind = project.pauseKind ?? 'user';
      return { label: pauseBadges[kind], tone: kind === 'user' || kind === 'step' ? 'waiting' : 'warning' };
    }
    case 'stopped':
      return project.lastOutcome ? outcomeBadges[project.lastOutcome] : { label: 'Ended', tone: 'neutral' };
  }
}

/** The sentence that says where the run stands (the run screen's heading, the end panel). */
export function runSentence(state: RunState): string {
  switch (state.phase) {
    case 'idle':
      return 'Nothing has run yet. Start plans the project and builds it.';
    case 'planning':
      return 'The Project Manager is writing the plan.';
    case 'awaiting-approval':
      return 'The plan waits for you: approve it to build, edit it, or reject it.';
    case 'working':
      return state.working === 0 && state.ready === 0
        ? 'Every task has ended; the run is finishing.'
        : `${plural(state.working, 'task')} running${state.ready > 0 ? `, ${state.ready} ready to start` : ''}.`;
    case 'stalled':
      return `Nothing can run: ${state.blocked.join(', ')} did not finish.`;
    case 'pausing':
      return `Pausing: ${plural(state.finishing, 'call')} in flight will finish; nothing new starts. ${state.reason}`.trim();
    case 'paused':
      return state.reason || 'Paused. Continue orchestra to go on.';
    case 'ended':
      return endSentence(state);
  }
}

function endSentence(state: Extract<RunState, { phase: 'ended' }>): string {
  const reason = state.reason ? ` ${state.reason}` : '';
  const left =
    state.unfinished.length > 0
      ? ` Not finished: ${state.unfinished.join(', ')}. Start retries ${state.unfinished.length === 1 ? 'it' : 'them'}.`
      : '';
  switch (state.outcome) {
    case 'completed':
      return `The run is complete.${reason}`;
    case 'completed-with-cancelled':
      return `The run is complete without ${plural(state.cancelled.length, 'cancelled task')}: ${state.cancelled.join(', ')}.${reason}`;
    case 'rejected':
      // A rejected change leaves what was built: the run's own sentence says so.
      return state.reason ?? 'The plan was rejected; nothing was built.';
    case 'stopped':
      return `You stopped the run.${left}`;
    case 'emergency':
      return `The run was ended with the emergency stop.${left}`;
    case 'failed':
      return `The run failed.${reason}${left}`;
  }
}
