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
