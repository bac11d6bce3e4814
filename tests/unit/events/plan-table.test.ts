import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { ulid } from 'ulid';
import { expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { schemaHistory } from '../../../worker/db/schema.ts';
import type { EventDraft } from '../../../worker/events/catalog.ts';
import { EventStore } from '../../../worker/events/event-store.ts';
import { foldEvents } from '../../../worker/events/fold.ts';
import { toProjectView } from '../../../worker/projects/project-view.ts';
import { interceptWrites } from './intercept-writes.ts';

let counter = 0;
const freshName = () => `plan-table-${++counter}`;
const task = (id: string) => ({
  id,
  role: 'code-generator' as const,
  title: `Task ${id}`,
  instructions: `Build ${id}`,
  dependsOn: [],
  expectedArtifacts: [`${id}.py`],
  acceptance: [],
});
const history: EventDraft[] = [
  {
    type: 'project-create',
    actor: { kind: 'user' },
    payload: { name: 'Shop', description: 'A shop', template: null, budgetUsd: 3 },
  },
  {
    type: 'plan-propose',
    actor: { kind: 'agent', role: 'project-manager' },
    payload: {
      planId: 'p1',
      summary: 'Two tasks',
      complexity: 'small',
      estimate: { tokens: 1000, costUsd: 0.1 },
      tasks: [task('a'), task('b')],
    },
  },
  { type: 'plan-approve', actor: { kind: 'user' }, payload: { planId: 'p1', auto: false } },
  { type: 'user-message', actor: { kind: 'user' }, payload: { messageId: 'm1', text: 'Go on' } },
];

test('the plan is written to its own table only when a plan event changes it, and the view shows it on the project', async () => {
  const db = new OrchestraDb(freshName());
  const planWrites: number[] = [];
  interceptWrites(db, 'plans', 'count', (proceed, request) => {
    planWrites.push(request.type === 'put' ? request.values.length : -1);
    return proceed();
  });
  const store = new EventStore(db);
  const projectId = ulid();
  for (const draft of history) await store.append(projectId, [draft]);
  expect(planWrites).toEqual([1, 1]); // the proposal and the approval; not the creation or the message
  const state = await store.load(projectId);
  expect(await db.plans.get(projectId)).toEqual({ ...state.plan, projectId });
  expect(await db.projects.get(projectId)).not.toHaveProperty('plan');
  expect(toProjectView(state)?.project.plan).toMatchObject({ planId: 'p1', status: 'approved' });
  expect(toProjectView(state)?.project.plan?.tasks.map((entry) => entry.id)).toEqual(['a', 'b']);
});

test('a database of version 4 moves plans out of project rows and snapshots when it upgrades', async () => {
  const name = freshName();
  const projectId = ulid();
  // The log and its fold, written as version 4 kept them: the plan inside the project row.
  const scratch = new EventStore(new OrchestraDb(freshName()));
  await scratch.append(projectId, history);
  const events = await scratch.read(projectId);
  const folded = foldEvents(projectId, events);
  const oldProject = { ...folded.project, plan: folded.plan };
  const oldState: Record<string, unknown> = { ...folded, project: oldProject };
  delete oldState['plan'];
  const v4 = new Dexie(name);
  for (const entry of schemaHistory.filter((entry) => entry.version <= 4))
    v4.version(entry.version).stores(entry.stores);
  await v4.open();
  await v4.table('events').bulkAdd(events);
  await v4.table('projects').put(oldProject);
  await v4.table('snapshots').put({ projectId, seq: folded.lastSeq, state: oldState });
  v4.close();

  const db = new OrchestraDb(name);
  await db.open();
  expect(await db.plans.get(projectId)).toEqual({ ...folded.plan, projectId });
  expect(await db.projects.get(projectId)).toEqual(folded.project);
  expect((await db.snapshots.toArray())[0]?.state).toEqual(folded);
  expect(await new EventStore(db).load(projectId)).toEqual(folded);
  db.close();
});
