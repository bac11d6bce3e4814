/**
 * Issue 20, point 4: a paused run offers only controls that do something, and its one
 * next step matches them. With a task blocking everything (the plan that failed, a task
 * the rest wait on), Continue, Next agent and Execute all would do nothing: they are
 * not offered, and they say that Retry task is the way on.
 */
import { expect, test } from 'vitest';
import {
  type RunControl,
  type RunFacts,
  blockedSentence,
  controlRefusal,
  runControls,
  runState,
} from '../../../worker/run-state/run-state.ts';

type Task = RunFacts['tasks'][number];
const task = (taskId: string, title: string, status: Task['status'], patch: Partial<Task> = {}): Task => ({
  taskId,
  title,
  status,
  dependsOn: [],
  role: 'code-generator',
  order: 0,
  ...patch,
});
const paused = (kind: 'failure' | 'user', reason: string): RunFacts['project'] => ({
  runStatus: 'paused',
  pauseKind: kind,
  pauseReason: reason,
  runMessage: null,
  currentRunId: 'run-1',
});
const enabled = (facts: RunFacts) =>
  Object.entries(runControls(runState(facts), true))
    .filter(([, control]: [string, RunControl]) => control.enabled)
    .map(([name]) => name);

test('the failed plan: only Stop run and Emergency stop apply, and going on says to retry the plan', () => {
  const facts: RunFacts = {
    project: paused('failure', 'Task “Plan the project” failed: … Press Retry task: the run needs a plan to go on.'),
    plan: null,
    tasks: [task('plan', 'Plan the project', 'failed', { role: 'project-manager' })],
  };
  const state = runState(facts);
  expect(state).toMatchObject({ phase: 'paused', blocked: ['Plan the project'] });
  expect(enabled(facts)).toEqual(['stop', 'emergencyStop']);
  const controls = runControls(state, true);
  expect(controls.resume.does).toBe('Nothing can run until you retry “Plan the project”: press Retry task on it.');
  expect(controls.executeAll.does).toBe(controls.resume.does);
});

test('paused by you while the task the rest wait on failed: the hint is to retry it, not to continue', () => {
  const facts: RunFacts = {
    project: paused('user', 'Paused by you.'),
    plan: { status: 'approved' },
    tasks: [
      task('api', 'Notes module', 'failed'),
      task('ui', 'Notes page', 'scheduled', { dependsOn: ['api'] }),
      task('db', 'Storage', 'done'),
    ],
  };
  expect(runState(facts)).toMatchObject({ phase: 'paused', blocked: ['Notes module'] });
  expect(enabled(facts)).toEqual(['stop', 'emergencyStop']);
  expect(blockedSentence(['Notes module', 'Notes page'])).toBe(
    'Nothing can run until you retry “Notes module”, “Notes page”: press Retry task on each.',
  );
});

test('a failed task others do not wait on blocks nothing: Continue still goes on with the rest', () => {
  const facts: RunFacts = {
    project: paused('failure', 'Task “Notes module” failed: … Press Retry task, or Cancel task to go on without it.'),
    plan: { status: 'approved' },
    tasks: [task('api', 'Notes module', 'failed'), task('ui', 'Notes page', 'scheduled')],
  };
  expect(runState(facts)).toMatchObject({ phase: 'paused', blocked: [] });
  expect(enabled(facts)).toEqual(['resume', 'step', 'executeAll', 'stop', 'emergencyStop']);
});

test('paused with every task ended, Next agent is off (it would run nothing) and Continue finishes', () => {
  const facts: RunFacts = {
    project: paused('user', 'Paused by you: calls in flight finish, nothing new starts.'),
    plan: { status: 'approved' },
    tasks: [task('api', 'Notes module', 'done'), task('ui', 'Notes page', 'done')],
  };
  const state = runState(facts);
  expect(state).toMatchObject({ phase: 'paused', blocked: [], ready: 0 });
  expect(enabled(facts)).toEqual(['resume', 'executeAll', 'stop', 'emergencyStop']);
  expect(runControls(state, true).step.does).toBe('No task is ready to run: Continue orchestra finishes the run.');
  expect(controlRefusal(state, 'step')).toBe('No task is ready to run: Continue orchestra finishes the run.');
});
