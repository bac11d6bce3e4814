import { expect, test } from 'vitest';
import type { PlanView, ProjectWithPlan, TaskRow } from '../../../worker/api.ts';
import { canCancelTask, canRetryTask, controlState } from '../../../web/views/run/control-state.ts';

const enabled = (state: ReturnType<typeof controlState>) =>
  Object.entries(state)
    .filter(([, control]: [string, { enabled: boolean }]) => control.enabled)
    .map(([name]) => name);
const proposed = { status: 'proposed' } as PlanView;
const approved = { status: 'approved' } as PlanView;
const project = (patch: Partial<ProjectWithPlan>) =>
  ({
    runStatus: 'idle',
    pauseKind: null,
    pauseReason: null,
    runMessage: null,
    currentRunId: null,
    plan: null,
    ...patch,
  }) as ProjectWithPlan;
const task = (status: TaskRow['status']) =>
  ({ taskId: 'a', title: 'Build a', status, dependsOn: [], role: 'code-generator' }) as unknown as TaskRow;

test('each run state enables only the controls that do something', () => {
  expect(enabled(controlState({ project: project({}), tasks: [] }, true))).toEqual(['start']);
  expect(
    enabled(
      controlState({ project: project({ runStatus: 'running', plan: approved }), tasks: [task('running')] }, true),
    ),
  ).toEqual(['pause', 'step', 'emergencyStop']);
  expect(
    enabled(
      controlState(
        { project: project({ runStatus: 'paused', pauseKind: 'budget', plan: approved }), tasks: [task('scheduled')] },
        true,
      ),
    ),
  ).toEqual(['resume', 'step', 'executeAll', 'stop', 'emergencyStop']);
  // An ended run can always be started again: it goes on with what is left, or re-checks.
  expect(
    enabled(controlState({ project: project({ runStatus: 'stopped', plan: approved }), tasks: [task('done')] }, true)),
  ).toEqual(['start']);
  expect(
    enabled(
      controlState(
        {
          project: project({ runStatus: 'stopped', lastOutcome: 'emergency', plan: approved }),
          tasks: [task('interrupted')],
        },
        true,
      ),
    ),
  ).toEqual(['start']);
});

test('while the plan is written or waits for approval only the emergency stop applies; an observer tab gets nothing', () => {
  expect(
    enabled(controlState({ project: project({ runStatus: 'running', plan: proposed }), tasks: [] }, true)),
  ).toEqual(['emergencyStop']);
  expect(enabled(controlState({ project: project({ runStatus: 'running' }), tasks: [task('running')] }, true))).toEqual(
    ['emergencyStop'],
  );
  expect(
    enabled(
      controlState({ project: project({ runStatus: 'running', plan: approved }), tasks: [task('running')] }, false),
    ),
  ).toEqual([]);
});

test('tasks can be cancelled until they end, and retried after they failed, were cancelled or cut off', () => {
  expect(canCancelTask({ status: 'running' }, true)).toBe(true);
  expect(canCancelTask({ status: 'pending' }, true)).toBe(true);
  expect(canCancelTask({ status: 'done' }, true)).toBe(false);
  expect(canRetryTask({ status: 'failed' }, true)).toBe(true);
  expect(canRetryTask({ status: 'interrupted' }, true)).toBe(true);
  expect(canRetryTask({ status: 'done' }, true)).toBe(false);
  expect(canRetryTask({ status: 'failed' }, false)).toBe(false);
});
