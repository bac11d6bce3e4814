import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import Dexie from 'dexie';
import { ulid } from 'ulid';
import { expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import type { EventDraft } from '../../../worker/events/catalog.ts';
import { ConcurrencyError, StorageFullError } from '../../../worker/events/errors.ts';
import { EventStore } from '../../../worker/events/event-store.ts';
import { foldEvents } from '../../../worker/events/fold.ts';
import { sha256Hex } from '../../../worker/events/hash.ts';
import { rowsOf } from '../../../worker/events/projections/materialize.ts';
import { readTexts } from '../../../worker/events/text-table.ts';
import { cloneState, readModelTables } from '../../../worker/events/projections/project-state.ts';
import { rebuildReadModels } from '../../../worker/events/replay.ts';
import { TimeTravel } from '../../../worker/events/time-travel.ts';
import { InvalidEventError } from '../../../worker/events/validate.ts';
import { countWrites } from './counting-writes.ts';
import { failWrites } from './failing-writes.ts';
import { interceptWrites } from './intercept-writes.ts';
import { randomHistory, seeded } from './random-history.ts';

let counter = 0;
const freshDb = () => new OrchestraDb(`events-${++counter}`);
const message = (text: string): EventDraft => ({
  type: 'user-message',
  actor: { kind: 'user' },
  payload: { messageId: ulid(), text },
});

/** Every read-model row of a project, table by table. */
async function readModels(db: OrchestraDb, projectId: string) {
  const tables: Record<string, unknown[]> = {
    projects: [await db.projects.get(projectId)],
    plans: await db.plans.where('projectId').equals(projectId).toArray(),
  };
  for (const table of readModelTables) tables[table] = await rowsOf(db, table, projectId);
  return tables;
}

test('appends get gap-free sequence numbers, ULIDs and the envelope fields', async () => {
  const store = new EventStore(freshDb(), { now: () => 1_000 });
  const projectId = ulid();
  await store.append(projectId, [message('one'), message('two')]);
  const [third] = await store.append(projectId, [{ ...message('three'), causationId: 'cause' }]);
  const events = await store.read(projectId);
  expect(events.map((event) => event.seq)).toEqual([1, 2, 3]);
  expect(new Set(events.map((event) => event.id)).size).toBe(3);
  expect(events[0]?.correlationId).toBe(events[1]?.correlationId);
  expect(third).toMatchObject({
    projectId,
    v: 1,
    at: 1_000,
    actor: { kind: 'user' },
    causationId: 'cause',
    type: 'user-message',
  });
});

test('replaying the log rebuilds exactly the read models kept up incrementally (random histories)', async () => {
  for (let seed = 1; seed <= 40; seed++) {
    const random = seeded(seed);
    const db = freshDb();
    // A small snapshot interval so snapshots are taken and used along the way.
    const store = new EventStore(db, { snapshotEvery: 7 });
    const projectId = ulid();
    const history = randomHistory(random, 20 + Math.floor(random() * 120));
    for (let i = 0; i < history.length;) {
      const size = 1 + Math.floor(random() * 8);
      await store.append(projectId, history.slice(i, i + size));
      // Now and then forget the cache, as a reload would.
      if (random() < 0.2) store.invalidate(projectId);
      i += size;
    }
    const incremental = await readModels(db, projectId);
    const cached = structuredClone(await store.load(projectId));
    await rebuildReadModels(db, projectId);
    expect(await readModels(db, projectId), `seed ${seed}`).toEqual(incremental);
    expect(foldEvents(projectId, await store.read(projectId)), `seed ${seed}`).toEqual(cached);
  }
});

test('time travel gives the state as of any sequence number, and follows new events', async () => {
  const store = new EventStore(freshDb());
  const projectId = ulid();
  const history = randomHistory(seeded(99), 95);
  for (let i = 0; i < 80; i += 4) await store.append(projectId, history.slice(i, i + 4));
  const travel = new TimeTravel((id, from) => store.read(id, from), 10);
  const events = await store.read(projectId);
  for (const seq of [0, 1, 9, 10, 11, 37, 60, 80]) {
    expect(await travel.stateAt(projectId, seq), `seq ${seq}`).toEqual(foldEvents(projectId, events.slice(0, seq)));
  }
  // Points are independent: travelling back and forth never changes what a point shows.
  expect(await travel.stateAt(projectId, 11)).toEqual(foldEvents(projectId, events.slice(0, 11)));
  await store.append(projectId, history.slice(80));
  const all = await store.read(projectId);
  expect(await travel.stateAt(projectId, 95)).toEqual(foldEvents(projectId, all));
  expect(await travel.stateAt(projectId, 1000)).toEqual(foldEvents(projectId, all));
});

test('property: a copied state folds on without changing the original, so time travel shows every point alike in any order', async () => {
  for (let seed = 1; seed <= 25; seed++) {
    const random = seeded(500 + seed);
    const projectId = ulid();
    const store = new EventStore(freshDb());
    const history = randomHistory(random, 160);
    for (let i = 0; i < history.length; i += 8) await store.append(projectId, history.slice(i, i + 8));
    const events = await store.read(projectId);
    // A copy at a random point, folded to the end, leaves the point's state as it was.
    const cut = Math.floor(random() * events.length);
    const original = foldEvents(projectId, events.slice(0, cut));
    const before = structuredClone(original);
    foldEvents(projectId, events.slice(cut), cloneState(original));
    expect(original, `seed ${seed}`).toEqual(before);
    // Every point, visited in a random order, twice.
    const travel = new TimeTravel((id, from) => store.read(id, from), 7);
    const points = [...events.keys(), ...events.keys()].map((index) => index + 1);
    for (let i = points.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [points[i], points[j]] = [points[j] as number, points[i] as number];
    }
    for (const seq of points) {
      expect(await travel.stateAt(projectId, seq), `seed ${seed}, seq ${seq}`).toEqual(
        foldEvents(projectId, events.slice(0, seq)),
      );
    }
  }
}, 120_000);

test('only the latest snapshot is kept, and loading starts from it', async () => {
  const db = freshDb();
  const store = new EventStore(db, { snapshotEvery: 10 });
  const projectId = ulid();
  const history = randomHistory(seeded(5), 64);
  for (let i = 0; i < history.length; i += 3) await store.append(projectId, history.slice(i, i + 3));
  const snapshots = await db.snapshots.where('projectId').equals(projectId).toArray();
  expect(snapshots.map((snapshot) => snapshot.seq)).toEqual([60]);
  const fresh = new EventStore(db);
  expect(await fresh.load(projectId)).toEqual(foldEvents(projectId, await store.read(projectId)));
});

test('a stale writer is refused, not merged', async () => {
  const db = freshDb();
  const projectId = ulid();
  const first = new EventStore(db);
  const second = new EventStore(db);
  await first.append(projectId, [message('from the first tab')]);
  await second.load(projectId);
  await first.append(projectId, [message('first again')]);
  await expect(second.append(projectId, [message('from a stale view')])).rejects.toBeInstanceOf(ConcurrencyError);
  await expect(first.append(projectId, [message('wrong expectation')], { expectedSeq: 1 })).rejects.toBeInstanceOf(
    ConcurrencyError,
  );
  expect((await first.read(projectId)).map((event) => event.seq)).toEqual([1, 2]);
  // After reloading its view, the second writer goes on from the real head.
  second.invalidate(projectId);
  const [next] = await second.append(projectId, [message('after reload')]);
  expect(next?.seq).toBe(3);
});

test('an event that fails its schema is never appended, and neither is the rest of its batch', async () => {
  const store = new EventStore(freshDb());
  const projectId = ulid();
  const bad = { type: 'user-message', actor: { kind: 'user' }, payload: { messageId: 'm', text: '' } } as EventDraft;
  await expect(store.append(projectId, [message('fine'), bad])).rejects.toThrow(InvalidEventError);
  await expect(store.append(projectId, [message('fine'), bad])).rejects.toThrow(
    /user-message event is not valid: text/,
  );
  expect(await store.read(projectId)).toEqual([]);
});

test('a full disk is reported clearly and loses nothing already stored', async () => {
  const db = freshDb();
  let full = false;
  failWrites(db, 'commits', () => full, 'QuotaExceededError');
  const projectId = ulid();
  const store = new EventStore(db);
  await store.append(projectId, [message('kept')]);
  const before = await readModels(db, projectId);
  full = true;
  const failure = store.append(projectId, [message('no room')]);
  await expect(failure).rejects.toBeInstanceOf(StorageFullError);
  await expect(failure).rejects.toThrow(/no room left .* nothing already saved was lost/);
  full = false;
  expect((await store.read(projectId)).map((event) => event.seq)).toEqual([1]);
  expect(await readModels(db, projectId)).toEqual(before);
  const [next] = await store.append(projectId, [message('room again')]);
  expect(next?.seq).toBe(2);
});

test('texts are stored under their SHA-256, and identical artifact content makes no new version', async () => {
  const db = freshDb();
  const store = new EventStore(db);
  const projectId = ulid();
  const content = 'export const answer = 42;\n';
  const draft = (contentHash: string): EventDraft => ({
    type: 'artifact-version',
    actor: { kind: 'agent', role: 'code-generator' },
    payload: {
      path: 'src/answer.ts',
      kind: 'source',
      language: 'typescript',
      contentHash,
      size: content.length,
      provenance: { source: 'ai' },
    },
  });
  const real = await sha256Hex(content);
  expect(real).toBe(createHash('sha256').update(content).digest('hex'));
  await store.append(projectId, [draft(real)], { blobs: [content] });
  await store.append(projectId, [draft(real)], { blobs: [content] });
  expect(await rowsOf(db, 'artifacts', projectId)).toMatchObject([{ latest: 1, contentHash: real }]);
  expect(
    ((await rowsOf(db, 'artifactVersions', projectId)) as { version: number }[]).map((row) => row.version),
  ).toEqual([1]);
  expect(await store.blob(real)).toBe(content);
  // Appended twice, the text may sit in two packs (see text-table.ts); it is one text.
  expect(new Set((await db.texts.toArray()).flatMap((pack) => pack.hashes))).toEqual(new Set([real]));
});

test('appends made at the same time share one transaction, each gets its own events in order, and a bad draft fails alone', async () => {
  const db = freshDb();
  const writes = countWrites(db, 'commits');
  const seen: number[] = [];
  const store = new EventStore(db, { onAppend: (events) => seen.push(...events.map((event) => event.seq)) });
  const projectId = ulid();
  const bad = { type: 'user-message', actor: { kind: 'user' }, payload: { messageId: 'm', text: '' } } as EventDraft;
  const attempts = Array.from({ length: 20 }, (_, index) =>
    store.append(projectId, index === 11 ? [message('fine'), bad] : [message(`m${index}`), message(`n${index}`)]),
  );
  const results = await Promise.allSettled(attempts);
  // Only the append with the bad draft is refused; the other 19 are written together, in call order.
  const refused = results.flatMap((result, index) => (result.status === 'rejected' ? [index] : []));
  expect(refused).toEqual([11]);
  expect((results[11] as PromiseRejectedResult).reason).toBeInstanceOf(InvalidEventError);
  expect(writes.count).toBe(1);
  const kept = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  expect(kept.map((events) => events.map((event) => event.seq))).toEqual(
    Array.from({ length: 19 }, (_, index) => [2 * index + 1, 2 * index + 2]),
  );
  expect(kept.map((events) => (events[0]?.payload as { text: string }).text)).toEqual(
    Array.from({ length: 20 }, (_, index) => `m${index}`).filter((_, index) => index !== 11),
  );
  // Each append keeps its own correlation id.
  expect(new Set(kept.map((events) => events[0]?.correlationId)).size).toBe(19);
  expect(kept.every((events) => events[0]?.correlationId === events[1]?.correlationId)).toBe(true);
  const seqs = (await store.read(projectId)).map((event) => event.seq);
  expect(seqs).toEqual(Array.from({ length: 38 }, (_, index) => index + 1));
  expect(seen).toEqual(seqs);
  expect((await store.load(projectId)).lastSeq).toBe(38);
});

/** A project with one event written and a second append in flight; `writes` counts log writes from that one on. */
async function writeInFlight() {
  const db = freshDb();
  const writes = countWrites(db, 'commits');
  const store = new EventStore(db);
  const projectId = ulid();
  await store.append(projectId, [message('first')]);
  writes.count = 0;
  const inFlight = store.append(projectId, [message('in flight')]);
  return { writes, store, projectId, inFlight };
}

test('appends that queue up while a transaction is in flight are written together in the next one', async () => {
  const { writes, store, projectId, inFlight: first } = await writeInFlight();
  await Promise.resolve(); // the first transaction has started
  await new Promise((resolve) => setTimeout(resolve, 0));
  const queued = Array.from({ length: 6 }, (_, index) => store.append(projectId, [message(`queued ${index}`)]));
  const written = await Promise.all([first, ...queued]);
  expect(written.map((events) => events.map((event) => event.seq))).toEqual([[2], [3], [4], [5], [6], [7], [8]]);
  expect(writes.count).toBe(2);
});

test('a failed transaction fails every append in it with the same error; the log stays gap-free', async () => {
  const db = freshDb();
  let failNext = false;
  failWrites(db, 'commits', () => failNext, 'QuotaExceededError');
  const store = new EventStore(db);
  const projectId = ulid();
  await store.append(projectId, [message('kept')]);
  failNext = true;
  const group = Array.from({ length: 4 }, (_, index) => store.append(projectId, [message(`lost ${index}`)]));
  const results = await Promise.allSettled(group);
  failNext = false;
  const reasons = results.map((result) => (result.status === 'rejected' ? (result.reason as unknown) : null));
  expect(reasons[0]).toBeInstanceOf(StorageFullError);
  expect(reasons.every((reason) => reason === reasons[0])).toBe(true);
  expect((await store.read(projectId)).map((event) => event.seq)).toEqual([1]);
  const [next] = await store.append(projectId, [message('room again')]);
  expect(next?.seq).toBe(2);
});

test('an append with an expected sequence number is written alone, after what was queued before it and before what came after', async () => {
  const db = freshDb();
  const writes = countWrites(db, 'commits');
  const store = new EventStore(db);
  const projectId = ulid();
  const before = store.append(projectId, [message('before')]);
  const checked = store.append(projectId, [message('checked')], { expectedSeq: 1 });
  const stale = store.append(projectId, [message('stale')], { expectedSeq: 1 });
  const after = store.append(projectId, [message('after')]);
  const results = await Promise.allSettled([before, checked, stale, after]);
  expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
  const texts = (await store.read(projectId)).map((event) => (event.payload as { text: string }).text);
  expect(texts).toEqual(['before', 'checked', 'after']);
  expect(writes.count).toBe(3);
});

test('folded is called once the events are in the cached state, before the append settles', async () => {
  const store = new EventStore(freshDb());
  const projectId = ulid();
  await store.append(projectId, [message('first')]);
  const order: string[] = [];
  const appended = store
    .append(projectId, [message('second')], {
      folded: () => {
        order.push('folded');
        void store.load(projectId).then((state) => order.push(`state at ${state.lastSeq}`));
      },
    })
    .then(() => order.push('settled'));
  await appended;
  expect(order).toEqual(['folded', 'state at 2', 'settled']);
});

test('appends fold as they are made, while an earlier write is in flight, and are written together after it', async () => {
  const { writes, store, projectId, inFlight } = await writeInFlight();
  let foldedDuringCall = false;
  const file = 'print("made while a write was in flight")\n';
  const hash = await sha256Hex(file);
  const later = store.append(projectId, [message('later')], {
    blobs: [file],
    folded: () => (foldedDuringCall = true),
  });
  // Folded during the call itself: a caller can go on from that state at once.
  expect(foldedDuringCall).toBe(true);
  expect((await store.load(projectId)).lastSeq).toBe(3);
  // Its text is readable before its write lands (a task started on it reads it).
  expect(await store.blob(hash)).toBe(file);
  await Promise.all([inFlight, later]);
  expect(writes.count).toBe(2);
  expect((await store.read(projectId)).map((event) => event.seq)).toEqual([1, 2, 3]);
});

test('when a write fails, the appends folded on top of it fail with it, and neither rows nor snapshots get ahead of the log', async () => {
  const db = freshDb();
  // The next write to the log fails as a full disk does; while it is in flight, another
  // append is made: it folds on the doomed write's state, to be written after it.
  let failNext = false;
  let appendDuring: EventDraft[] | null = null;
  let onTop: Promise<unknown> = Promise.resolve();
  let aheadSeq = 0;
  const store = new EventStore(db, { snapshotEvery: 2 });
  const projectId = ulid();
  const history = randomHistory(seeded(31), 60);
  interceptWrites(db, 'commits', 'fail-once', async (proceed) => {
    if (appendDuring) {
      const drafts = appendDuring;
      appendDuring = null;
      // Made outside this transaction's zone, as a task's append would be.
      onTop = Dexie.ignoreTransaction(() =>
        store.append(projectId, drafts, {
          folded: () => void store.load(projectId).then((state) => (aheadSeq = state.lastSeq)),
        }),
      );
    }
    if (!failNext) return proceed();
    failNext = false;
    throw new DOMException('QuotaExceededError (simulated)', 'QuotaExceededError');
  });
  await store.append(projectId, history.slice(0, 20));

  // A write that lands while the next append is folded on it: rows and snapshots are
  // the log's (20 events), not the state ahead of it (30).
  appendDuring = history.slice(20, 30);
  await store.append(projectId, history.slice(10, 20));
  expect(aheadSeq).toBe(40);
  failNext = true;
  await expect(onTop).rejects.toBeInstanceOf(StorageFullError);
  expect(await store.headSeq(projectId)).toBe(30);
  expect(await readModels(db, projectId)).toEqual(
    await readModels(await rebuilt(await store.read(projectId)), projectId),
  );
  expect((await db.snapshots.where('projectId').equals(projectId).toArray()).every((row) => row.seq <= 30)).toBe(true);

  // A write that fails while the next append is folded on it: both fail, alike.
  appendDuring = history.slice(30, 40);
  failNext = true;
  const doomed = store.append(projectId, history.slice(20, 30));
  // An append made once the failure is known is folded afresh and written.
  const fresh = doomed.catch(() => store.append(projectId, [message('after the failure')]));
  await doomed.catch(() => undefined);
  expect(aheadSeq).toBe(50);
  const [first, second] = await Promise.allSettled([doomed, onTop]);
  expect((first as PromiseRejectedResult).reason).toBeInstanceOf(StorageFullError);
  expect((second as PromiseRejectedResult).reason).toBe((first as PromiseRejectedResult).reason);
  expect((await fresh)[0]?.seq).toBe(31);
  expect(await store.headSeq(projectId)).toBe(31);
  expect(await readModels(db, projectId)).toEqual(
    await readModels(await rebuilt(await store.read(projectId)), projectId),
  );
  expect((await db.snapshots.where('projectId').equals(projectId).toArray()).every((row) => row.seq <= 31)).toBe(true);
  // The store goes on from the log: the same events again land at 32.
  const again = await store.append(projectId, history.slice(20, 30));
  expect(again[0]?.seq).toBe(32);
  expect(await store.load(projectId)).toEqual(foldEvents(projectId, await store.read(projectId)));
});

/** A fresh database holding only the read models rebuilt from `events`. */
async function rebuilt(events: Awaited<ReturnType<EventStore['read']>>): Promise<OrchestraDb> {
  const db = freshDb();
  const projectId = events[0]?.projectId ?? '';
  await new EventStore(db).importLog(projectId, events, []);
  return db;
}

test('a text given with the hash its caller computed is stored under that hash, like one hashed here', async () => {
  const db = freshDb();
  const store = new EventStore(db);
  const projectId = ulid();
  const [given, plain] = ['print("given")\n', 'print("plain")\n'];
  const givenHash = await sha256Hex(given);
  await store.append(projectId, [message('files')], { blobs: [{ hash: givenHash, content: given }, plain] });
  const plainHash = await sha256Hex(plain);
  expect(await readTexts(db, [givenHash, plainHash])).toEqual(
    new Map([
      [givenHash, given],
      [plainHash, plain],
    ]),
  );
});

test('an append whose requirement does not hold of the state it would fold on is refused alone, with its message', async () => {
  const db = freshDb();
  const store = new EventStore(db);
  const projectId = ulid();
  await store.append(projectId, [message('first')]);
  const saysFirst = (state: { lastSeq: number }) => state.lastSeq === 1;
  const kept = store.append(projectId, [message('second')], {
    requires: { holds: saysFirst, message: 'Only right after the first.' },
  });
  const refused = store.append(projectId, [message('third')], {
    blobs: ['refused text'],
    requires: { holds: saysFirst, message: 'Only right after the first.' },
  });
  const after = store.append(projectId, [message('fourth')]);
  const results = await Promise.allSettled([kept, refused, after]);
  expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((results[1] as PromiseRejectedResult).reason).toEqual(new ConcurrencyError('Only right after the first.'));
  expect((await store.read(projectId)).map((event) => (event.payload as { text: string }).text)).toEqual([
    'first',
    'second',
    'fourth',
  ]);
  expect(await store.blob(await sha256Hex('refused text'))).toBeUndefined();
});

test('the state runs at most maxUnwrittenEvents ahead of the log: past that, appends fold when the write in flight lands', async () => {
  const store = new EventStore(freshDb(), { maxUnwrittenEvents: 3 });
  const projectId = ulid();
  await store.append(projectId, [message('first')]);
  const folded: number[] = [];
  const appends = Array.from({ length: 6 }, (_, index) =>
    store.append(projectId, [message(`m${index}`)], { folded: () => folded.push(index) }),
  );
  // Three fold during their calls; the rest wait for the write in flight.
  expect(folded).toEqual([0, 1, 2]);
  expect((await store.load(projectId)).lastSeq).toBe(4);
  await Promise.all(appends);
  expect(folded).toEqual([0, 1, 2, 3, 4, 5]);
  expect((await store.read(projectId)).map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
});
