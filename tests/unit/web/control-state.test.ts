import { expect, test } from 'vitest';
import type { PlanView } from '../../../worker/api.ts';
import { canCancelTask, canRetryTask, controlState } from '../../../web/views/run/control-state.ts';

const enabled = (state: ReturnType<typeof controlState>) =>
  Object.entries(state)
    .filter(([, on]) => on)
    .map(([name]) => name);
const proposed = { status: 'proposed' } as PlanView;

test('each run state enables only the controls that apply', () => {
  expect(enabled(controlState({ runStatus: 'idle', pauseKind: null, plan: null }, true))).toEqual(['start']);
  expect(enabled(controlState({ runStatus: 'running', pauseKind: null, plan: null }, true))).toEqual([
    'pause',
    'step',
    'emergencyStop',
  ]);
  expect(enabled(controlState({ runStatus: 'paused', pauseKind: 'budget', plan: null }, true))).toEqual([
    'resume',
    'step',
    'executeAll',
    'emergencyStop',
  ]);
  expect(enabled(controlState({ runStatus: 'stopped', pauseKind: null, plan: null }, true))).toEqual(['start']);
});

test('while a plan waits for approval only the emergency stop applies; an observer tab gets nothing', () => {
  expect(enabled(controlState({ runStatus: 'running', pauseKind: null, plan: proposed }, true))).toEqual([
    'emergencyStop',
  ]);
  expect(enabled(controlState({ runStatus: 'running', pauseKind: null, plan: null }, false))).toEqual([]);
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
