import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import type { OrchestraEvent } from '../../../worker/events/catalog.ts';
import { EventStore } from '../../../worker/events/event-store.ts';

test('an imported log keeps only its latest snapshot, as appends do', async () => {
  const source = new EventStore(new OrchestraDb(`import-source-${Date.now()}`), { snapshotEvery: 10 });
  const projectId = '01HZY3W4D9Q8Y6X7V5T3S1R0SN';
  await source.append(projectId, [
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: { name: 'Long', description: 'd', template: null, budgetUsd: 1 },
    },
  ]);
  for (let n = 0; n < 34; n += 1) {
    await source.append(projectId, [
      { type: 'user-message', actor: { kind: 'user' }, payload: { messageId: `m${n}`, text: `Message ${n}` } },
    ]);
  }
  const events: OrchestraEvent[] = await source.read(projectId);
  expect(events).toHaveLength(35);

  const db = new OrchestraDb(`import-target-${Date.now()}`);
  const target = new EventStore(db, { snapshotEvery: 10 });
  const imported = await target.importLog(projectId, events, []);
  const snapshots = await db.snapshots.where('projectId').equals(projectId).toArray();
  expect(snapshots.map((snapshot) => snapshot.seq)).toEqual([30]);
  // The snapshot kept is a true fold of the log up to it, and a fresh store rebuilds the same state.
  expect(snapshots[0]?.state.lastSeq).toBe(30);
  expect(await new EventStore(db, { snapshotEvery: 10 }).load(projectId)).toEqual(imported);
});
