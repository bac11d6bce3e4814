import { expect, test } from 'vitest';
import type { PlanView, ProjectWithPlan, TaskRow } from '../../../worker/api.ts';
import { type RunView, viewRunState } from '../../../web/views/run/control-state.ts';
import { runControls, taskControls } from '../../../worker/query/index.ts';

/** The run screen's controls for a view (`run-controls.tsx` reads them the same way). */
const controlState = (view: RunView, canWrite: boolean) => runControls(viewRunState(view), canWrite);

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

test('tasks can be cancelled until they end (a failed one too, to go on without it), and retried after they failed, were cancelled or cut off', () => {
  const on = (status: TaskRow['status'], canWrite = true) => {
    const controls = taskControls({ status, title: 'Notes module', role: 'code-generator' }, canWrite);
    return { cancel: controls.cancel.enabled, retry: controls.retry.enabled };
  };
  expect(on('pending')).toEqual({ cancel: true, retry: false });
  expect(on('scheduled')).toEqual({ cancel: true, retry: false });
  expect(on('running')).toEqual({ cancel: true, retry: false });
  // "Press Retry task, or Cancel task to go on without it" meets two enabled buttons.
  expect(on('failed')).toEqual({ cancel: true, retry: true });
  expect(on('interrupted')).toEqual({ cancel: true, retry: true });
  expect(on('cancelled')).toEqual({ cancel: false, retry: true });
  expect(on('done')).toEqual({ cancel: false, retry: false });
  expect(on('failed', false)).toEqual({ cancel: false, retry: false });
  expect(taskControls({ status: 'done', title: 'Notes module', role: 'code-generator' }, true).cancel.does).toBe(
    'Task “Notes module” has already finished.',
  );
  // Without a plan nothing can go on: a failed planning task is retried, not cancelled.
  const plan = taskControls({ status: 'failed', title: 'Plan the project', role: 'project-manager' }, true);
  expect(plan.cancel).toEqual({
    enabled: false,
    does: 'The run needs a plan to go on: retry “Plan the project”, or Stop run.',
  });
  expect(plan.retry.enabled).toBe(true);
});
