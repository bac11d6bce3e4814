import 'fake-indexeddb/auto';
import { ulid } from 'ulid';
import { describe, expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import type { EventDraft, OrchestraEvent } from '../../../worker/events/catalog.ts';
import { ConcurrencyError, StorageFullError } from '../../../worker/events/errors.ts';
import { EventStore } from '../../../worker/events/event-store.ts';
import { foldEvents } from '../../../worker/events/fold.ts';
import { sha256Hex } from '../../../worker/events/hash.ts';
import type { EventLog } from '../../../worker/events/store/contract.ts';
import { MemoryEventLog } from '../../../worker/events/store/memory-store.ts';
import { InvalidEventError } from '../../../worker/events/validate.ts';
import { failWrites } from './failing-writes.ts';
import { randomHistory, seeded } from './random-history.ts';

/**
 * One suite, every store of the event log (see worker/events/store/contract.ts), as
 * Replicache runs one suite against each of its kv stores. Each store comes with a way
 * to fill its storage up and free it again, the way each fills up for real: the
 * IndexedDB store through the browser's QuotaExceededError, the memory one by its quota.
 */
interface Subject {
  log: EventLog;
  /** From now on, writes fail for want of room (`true`), or find room again (`false`). */
  full: (isFull: boolean) => void;
}

let databases = 0;
const stores: [string, (options?: { now?: () => number }) => Subject][] = [
  [
    'EventStore (IndexedDB)',
    (options) => {
      const db = new OrchestraDb(`contract-${++databases}`);
      let isFull = false;
      failWrites(db, 'commits', () => isFull, 'QuotaExceededError');
      return { log: new EventStore(db, options), full: (value) => (isFull = value) };
    },
  ],
  [
    'MemoryEventLog',
    (options) => {
      const log = new MemoryEventLog(options);
      return { log, full: (value) => log.setQuota(value ? log.usedChars : Number.POSITIVE_INFINITY) };
    },
  ],
];

const message = (text: string): EventDraft => ({
  type: 'user-message',
  actor: { kind: 'user' },
  payload: { messageId: ulid(), text },
});
const texts = (events: OrchestraEvent[]) =>
  events.map((event) => (event.type === 'user-message' ? event.payload.text : event.type));
const artifact = (contentHash: string, size: number): EventDraft => ({
  type: 'artifact-version',
  actor: { kind: 'agent', role: 'code-generator' },
  payload: {
    path: 'src/a.ts',
    kind: 'source',
    language: 'typescript',
    contentHash,
    size,
    provenance: { source: 'ai' },
  },
});

describe.each(stores)('%s keeps the event log contract', (_name, make) => {
  test('appends get gap-free sequence numbers, distinct ids, one correlation per append and the envelope', async () => {
    const { log } = make({ now: () => 1_000 });
    const projectId = ulid();
    await log.append(projectId, [message('one'), message('two')]);
    const [third] = await log.append(projectId, [{ ...message('three'), causationId: 'cause' }]);
    const events = await log.read(projectId);
    expect(events.map((event) => event.seq)).toEqual([1, 2, 3]);
    expect(new Set(events.map((event) => event.id)).size).toBe(3);
    expect(events[0]?.correlationId).toBe(events[1]?.correlationId);
    expect(events[2]?.correlationId).not.toBe(events[0]?.correlationId);
    expect(third).toMatchObject({ projectId, v: 1, at: 1_000, actor: { kind: 'user' }, causationId: 'cause' });
    expect(await log.headSeq(projectId)).toBe(3);
    expect(texts(await log.read(projectId, 2, 2))).toEqual(['two']);
    expect(await log.read(ulid())).toEqual([]);
  });

  test('appends made together each get their own events, in the order they were made; a bad draft fails alone', async () => {
    const { log } = make();
    const projectId = ulid();
    const bad = { type: 'user-message', actor: { kind: 'user' }, payload: { text: 7 } } as unknown as EventDraft;
    const results = await Promise.allSettled([
      log.append(projectId, [message('a1'), message('a2')]),
      log.append(projectId, [message('b1'), bad]),
      log.append(projectId, [message('c1')]),
    ]);
    expect(results[1]).toMatchObject({ status: 'rejected', reason: expect.any(InvalidEventError) as unknown });
    const [first, , third] = results.map((result) => (result.status === 'fulfilled' ? result.value : []));
    expect(texts(first ?? [])).toEqual(['a1', 'a2']);
    expect(third?.map((event) => event.seq)).toEqual([3]);
    expect(texts(await log.read(projectId))).toEqual(['a1', 'a2', 'c1']);
  });

  test('an append is folded (load) before it is written (saved), and `folded` is called before it settles', async () => {
    const { log } = make();
    const projectId = ulid();
    await log.append(projectId, [message('first')]);
    const order: string[] = [];
    const appended = log.append(projectId, [message('second')], { folded: () => order.push('folded') });
    void appended.then(() => order.push('written'));
    expect((await log.load(projectId)).lastSeq).toBe(2);
    await appended;
    expect(order).toEqual(['folded', 'written']);
    expect((await log.saved(projectId)).lastSeq).toBe(2);
  });

  test('an append whose requirement does not hold is refused alone, with its message, and nothing of it is folded', async () => {
    const { log } = make();
    const projectId = ulid();
    await log.append(projectId, [message('start')]);
    const refused = log.append(projectId, [message('answer')], {
      requires: { holds: (state) => state.lastSeq === 99, message: 'The start was not saved.' },
    });
    const kept = log.append(projectId, [message('next')], { requires: { holds: () => true, message: 'never' } });
    await expect(refused).rejects.toThrow(new ConcurrencyError('The start was not saved.'));
    expect((await kept)[0]?.seq).toBe(2);
    expect(texts(await log.read(projectId))).toEqual(['start', 'next']);
  });

  test('a write refused for room fails it and every append folded on top; nothing is lost and the log goes on gap-free', async () => {
    const subject = make();
    const { log } = subject;
    const projectId = ulid();
    await log.append(projectId, [message('kept')]);
    subject.full(true);
    const lost = [log.append(projectId, [message('lost 1')]), log.append(projectId, [message('lost 2')])];
    const reasons = (await Promise.allSettled(lost)).map((result) =>
      result.status === 'rejected' ? (result.reason as unknown) : null,
    );
    expect(reasons[0]).toBeInstanceOf(StorageFullError);
    expect(reasons[1]).toBe(reasons[0]);
    expect((await log.saved(projectId)).lastSeq).toBe(1);
    expect((await log.load(projectId)).lastSeq).toBe(1);
    subject.full(false);
    expect((await log.append(projectId, [message('room again')]))[0]?.seq).toBe(2);
    expect(texts(await log.read(projectId))).toEqual(['kept', 'room again']);
  });

  test('an append with the sequence number its caller last saw is refused once the log moved on', async () => {
    const { log } = make();
    const projectId = ulid();
    await log.append(projectId, [message('one')]);
    const checked = await log.append(projectId, [message('two')], { expectedSeq: 1 });
    expect(checked[0]?.seq).toBe(2);
    await expect(log.append(projectId, [message('stale')], { expectedSeq: 1 })).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    expect(texts(await log.read(projectId))).toEqual(['one', 'two']);
  });

  test('events stamped elsewhere are kept as they are when they follow the head, and refused otherwise', async () => {
    const source = make().log;
    const { log } = make();
    const projectId = ulid();
    const stamped = await source.append(projectId, [message('one'), message('two'), message('three')]);
    await log.appendStamped(projectId, stamped.slice(0, 2), []);
    await expect(log.appendStamped(projectId, stamped.slice(0, 1), [])).rejects.toBeInstanceOf(ConcurrencyError);
    await log.appendStamped(projectId, stamped.slice(2), []);
    expect(await log.read(projectId)).toEqual(stamped);
    expect(await log.load(projectId)).toEqual(foldEvents(projectId, stamped));
    // The log goes on from the stamped head.
    expect((await log.append(projectId, [message('four')]))[0]?.seq).toBe(4);
  });

  test('a whole log is imported once, with its texts; importing over an existing project is refused', async () => {
    const source = make().log;
    const { log } = make();
    const projectId = ulid();
    const content = 'export const a = 1;\n';
    const hash = await sha256Hex(content);
    const events = await source.append(projectId, [message('one'), artifact(hash, content.length)], {
      blobs: [content],
    });
    const state = await log.importLog(projectId, events, [{ hash, content }]);
    expect(state).toEqual(foldEvents(projectId, events));
    expect(await log.read(projectId)).toEqual(events);
    expect(await log.blob(hash)).toBe(content);
    await expect(log.importLog(projectId, events, [])).rejects.toBeInstanceOf(ConcurrencyError);
  });

  test('texts are readable by their SHA-256 from the moment of the append, and after it', async () => {
    const { log } = make();
    const projectId = ulid();
    const content = 'print("hello")\n';
    const hash = await sha256Hex(content);
    const given = { hash: 'f'.repeat(64), content: 'given with its hash' };
    const appended = log.append(projectId, [artifact(hash, content.length)], { blobs: [content, given] });
    expect(await log.blob(hash)).toBe(content);
    await appended;
    expect(await log.blob(hash)).toBe(content);
    expect(await log.blob(given.hash)).toBe(given.content);
    expect(await log.blob('0'.repeat(64))).toBeUndefined();
  });

  test('a deleted project is gone, with the texts named; another project is untouched', async () => {
    const { log } = make();
    const [gone, kept] = [ulid(), ulid()];
    const content = 'deleted text';
    const hash = await sha256Hex(content);
    await log.append(gone, [artifact(hash, content.length)], { blobs: [content] });
    await log.append(kept, [message('stays')]);
    await log.deleteLog(gone, [hash]);
    log.forgetBlobs([hash]);
    expect(await log.read(gone)).toEqual([]);
    expect(await log.headSeq(gone)).toBe(0);
    expect((await log.load(gone)).lastSeq).toBe(0);
    expect(await log.blob(hash)).toBeUndefined();
    expect(texts(await log.read(kept))).toEqual(['stays']);
  });

  test('property: whatever the appends and reloads, the state is the fold of the log', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const random = seeded(seed);
      const { log } = make();
      const projectId = ulid();
      const history = randomHistory(random, 20 + Math.floor(random() * 80));
      const pending: Promise<unknown>[] = [];
      for (let i = 0; i < history.length;) {
        const size = 1 + Math.floor(random() * 6);
        // Some appends are awaited, some left in flight, as the engine does.
        const appended = log.append(projectId, history.slice(i, i + size));
        if (random() < 0.5) await appended;
        else pending.push(appended);
        if (random() < 0.1) {
          await Promise.all(pending.splice(0));
          log.invalidate(projectId);
        }
        i += size;
      }
      await Promise.all(pending);
      const events = await log.read(projectId);
      expect(
        events.map((event) => event.seq),
        `seed ${seed}`,
      ).toEqual(events.map((_, index) => index + 1));
      expect(events.length, `seed ${seed}`).toBe(history.length);
      expect(await log.saved(projectId), `seed ${seed}`).toEqual(foldEvents(projectId, events));
      expect(await log.load(projectId), `seed ${seed}`).toEqual(foldEvents(projectId, events));
    }
  });
});
