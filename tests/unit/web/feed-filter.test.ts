import { expect, test } from 'vitest';
import type { OrchestraEvent } from '../../../worker/api.ts';
import { feedEntries } from '../../../web/views/run/feed-filter.ts';

let seq = 0;
const event = (type: string, actor: OrchestraEvent['actor'], payload: unknown): OrchestraEvent =>
  ({ seq: ++seq, type, actor, payload, at: 0 }) as OrchestraEvent;

const events = [
  event('project-create', { kind: 'user' }, {}),
  event('user-message', { kind: 'user' }, { text: 'hi' }),
  event('plan-propose', { kind: 'agent', role: 'project-manager' }, {}),
  event('cost-settle', { kind: 'system', component: 'budget' }, {}),
  event('task-fail', { kind: 'system', component: 'orchestrator' }, {}),
  event('run-pause', { kind: 'system', component: 'orchestrator' }, { kind: 'budget', reason: 'x' }),
  event('run-pause', { kind: 'user' }, { kind: 'user', reason: 'y' }),
  event('artifact-validate', { kind: 'system', component: 'artifacts' }, { status: 'invalid' }),
];
const seqs = (filter: Parameters<typeof feedEntries>[1]) => feedEntries(events, filter).map((entry) => entry.seq);

test('the feed is newest first, and each filter keeps its own kind of entry', () => {
  expect(seqs('all')).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  expect(seqs('you')).toEqual([7, 2, 1]);
  expect(seqs('agents')).toEqual([3]);
  expect(seqs('costs')).toEqual([4]);
  expect(seqs('problems')).toEqual([8, 6, 5]);
});

test('progress is one line per task, gone once the task ends; withdrawn routing choices only when asked', () => {
  let at = 100;
  const next = (type: string, payload: unknown): OrchestraEvent =>
    ({ seq: ++at, type, actor: { kind: 'system', component: 'orchestrator' }, payload, at: 0 }) as OrchestraEvent;
  const log = [
    next('task-checkpoint', { taskId: 'a', outputChars: 100 }), // 101
    next('task-checkpoint', { taskId: 'b', outputChars: 50 }), // 102
    next('task-checkpoint', { taskId: 'a', outputChars: 900 }), // 103
    next('route-record', { record: { type: 'route-cancel', armId: 'openai:gpt' } }), // 104
    next('task-checkpoint', { taskId: 'b', outputChars: 400 }), // 105
    next('task-complete', { taskId: 'b' }), // 106
    next('route-record', { record: { type: 'route-decide', candidates: [], taskType: 'x' } }), // 107
  ];
  // Task a: its newest line (103); task b: ended, so no progress line; the withdrawn choice hidden.
  expect(feedEntries(log, 'all').map((entry) => entry.seq)).toEqual([107, 106, 103]);
  expect(feedEntries(log, 'all', { showWithdrawn: true }).map((entry) => entry.seq)).toEqual([107, 106, 104, 103]);
});
