import { describe, expect, test } from 'vitest';
import { type RunControl, type RunFacts, runControls, runState } from '../../../worker/run-state/run-state.ts';
import { runBadge, runSentence } from '../../../worker/run-state/run-words.ts';

type Task = RunFacts['tasks'][number];
const task = (taskId: string, status: Task['status'], dependsOn: string[] = []): Task => ({
  taskId,
  title: `Task ${taskId}`,
  status,
  dependsOn,
  role: 'code-generator',
  order: 0,
});
const project = (patch: Partial<RunFacts['project']> = {}): RunFacts['project'] => ({
  runStatus: 'running',
  pauseKind: null,
  pauseReason: null,
  runMessage: null,
  currentRunId: 'run-1',
  ...patch,
});
const approved = { status: 'approved' } as const;
const enabled = (facts: RunFacts, canWrite = true) =>
  Object.entries(runControls(runState(facts), canWrite))
    .filter(([, control]: [string, RunControl]) => control.enabled)
    .map(([name]) => name);

describe('runState', () => {
  test('a run with nothing running and nothing ready is never "working" (point 1: no Running while nothing runs)', () => {
    const facts: RunFacts = {
      project: project(),
      plan: approved,
      tasks: [task('a', 'interrupted'), task('b', 'scheduled', ['a'])],
    };
    const state = runState(facts);
    expect(state).toEqual({ phase: 'stalled', blocked: ['Task a', 'Task b'] });
    expect(runBadge(state).label).not.toBe('Running');
    expect(enabled(facts)).toEqual(['emergencyStop']);
  });

  test('a task running or ready makes the run "working"', () => {
    expect(
      runState({ project: project(), plan: approved, tasks: [task('a', 'running'), task('b', 'scheduled', ['a'])] }),
    ).toEqual({ phase: 'working', working: 1, ready: 0 });
    expect(
      runState({ project: project(), plan: approved, tasks: [task('a', 'done'), task('b', 'scheduled', ['a'])] }),
    ).toEqual({ phase: 'working', working: 0, ready: 1 });
    // A cancelled dependency counts as ended: the person chose to go on without it.
    expect(
      runState({ project: project(), plan: approved, tasks: [task('a', 'cancelled'), task('b', 'scheduled', ['a'])] }),
    ).toMatchObject({ phase: 'working', ready: 1 });
  });

  test('paused with calls still in flight is "pausing", and says how many finish', () => {
    const state = runState({
      project: project({ runStatus: 'paused', pauseKind: 'user', pauseReason: 'Paused by you.' }),
      plan: approved,
      tasks: [task('a', 'running'), task('b', 'running'), task('c', 'scheduled')],
    });
    expect(state).toEqual({ phase: 'pausing', kind: 'user', reason: 'Paused by you.', finishing: 2 });
    expect(runSentence(state)).toContain('2 calls in flight will finish');
    expect(runBadge(state).label).toBe('Pausing');
    // A call that hangs must not lock the controls: Next agent and Execute all still apply.
    expect(runControls(state, true).step.enabled).toBe(true);
    expect(runControls(state, true).stop.enabled).toBe(false);
  });

  test('cancelling the last open task completes the run naming the cancelled task, not "every task is done" (point 2)', () => {
    const state = runState({
      project: project({ runStatus: 'stopped', lastOutcome: 'completed-with-cancelled', runMessage: null }),
      plan: approved,
      tasks: [task('a', 'done'), task('b', 'done'), task('c', 'cancelled')],
    });
    expect(state).toMatchObject({ phase: 'ended', outcome: 'completed-with-cancelled', cancelled: ['Task c'] });
    expect(runSentence(state)).toBe('The run is complete without 1 cancelled task: Task c.');
    expect(runBadge(state)).toEqual({ label: 'Completed, tasks cancelled', tone: 'warning' });
  });

  test('each way a run ends has its own name (point 5: "stopped" no longer means everything)', () => {
    const ended = (
      lastOutcome: NonNullable<RunFacts['project']['lastOutcome']>,
      plan: RunFacts['plan'],
      tasks: Task[],
    ) => runBadge(runState({ project: project({ runStatus: 'stopped', lastOutcome }), plan, tasks })).label;
    expect(ended('completed', approved, [task('a', 'done')])).toBe('Completed');
    expect(ended('rejected', { status: 'rejected' }, [])).toBe('Plan rejected');
    expect(ended('stopped', approved, [task('a', 'scheduled')])).toBe('Stopped by you');
    expect(ended('emergency', approved, [task('a', 'interrupted')])).toBe('Emergency stop');
    expect(ended('failed', approved, [task('a', 'failed')])).toBe('Failed');
    expect(
      runBadge(
        runState({ project: project({ runStatus: 'stopped', lastOutcome: 'emergency' }), plan: approved, tasks: [] }),
      ).tone,
    ).toBe('danger');
  });

  test('after an emergency stop, Start says it retries the unfinished tasks; on a finished run it says it builds nothing (points 1, 7)', () => {
    const stopped: RunFacts = {
      project: project({ runStatus: 'stopped', lastOutcome: 'emergency' }),
      plan: approved,
      tasks: [task('a', 'done'), task('b', 'interrupted'), task('c', 'scheduled', ['b'])],
    };
    const controls = runControls(runState(stopped), true);
    expect(controls.start).toEqual({
      enabled: true,
      does: 'Start goes on with the approved plan: 2 unfinished tasks run again (Task b, Task c); finished work is kept.',
    });
    expect(runSentence(runState(stopped))).toBe(
      'The run was ended with the emergency stop. Not finished: Task b, Task c. Start retries them.',
    );
    const finished: RunFacts = {
      project: project({ runStatus: 'stopped', lastOutcome: 'completed' }),
      plan: approved,
      tasks: [task('a', 'done')],
    };
    // A finished run: Start builds nothing again, and says so.
    expect(runControls(runState(finished), true).start.does).toContain(
      'Every task is done: Start builds nothing again',
    );
  });

  test('controls: each state offers only what does something; an observer tab gets nothing', () => {
    expect(enabled({ project: project({ runStatus: 'idle', currentRunId: null }), plan: null, tasks: [] })).toEqual([
      'start',
    ]);
    expect(enabled({ project: project(), plan: null, tasks: [task('plan', 'running')] })).toEqual(['emergencyStop']);
    expect(enabled({ project: project(), plan: { status: 'proposed' }, tasks: [] })).toEqual(['emergencyStop']);
    const working: RunFacts = { project: project(), plan: approved, tasks: [task('a', 'running')] };
    expect(enabled(working)).toEqual(['pause', 'step', 'emergencyStop']);
    expect(enabled(working, false)).toEqual([]);
    const paused: RunFacts = {
      project: project({ runStatus: 'paused', pauseKind: 'budget', pauseReason: 'The budget is spent.' }),
      plan: approved,
      tasks: [task('a', 'scheduled')],
    };
    expect(enabled(paused)).toEqual(['resume', 'step', 'executeAll', 'stop', 'emergencyStop']);
    expect(runBadge(runState(paused))).toEqual({ label: 'Paused: budget', tone: 'warning' });
    expect(runSentence(runState(paused))).toBe('The budget is spent.');
  });

  test('a plan waiting for approval is not "Running" and its progress is not full (point 7)', () => {
    const state = runState({ project: project(), plan: { status: 'proposed' }, tasks: [task('plan', 'done')] });
    expect(state).toEqual({ phase: 'awaiting-approval' });
    expect(runBadge(state).label).toBe('Plan awaits approval');
  });
});
