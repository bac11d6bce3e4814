import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { NewStream, SyncStore } from '../../../../server/sync/store/contract.ts';

export interface StoreFactory {
  open(): Promise<{ store: SyncStore; dispose: () => Promise<void> }>;
}

const newSpace = async (store: SyncStore) => {
  const id = randomBytes(12).toString('base64url');
  expect(await store.createSpace({ id, tokenHash: 'ab'.repeat(32), createdAt: 1, bytesUsed: 0, streamCount: 0 })).toBe(
    true,
  );
  return id;
};

const streamRow = (spaceId: string, path: string, extra: Partial<NewStream> = {}): NewStream => ({
  spaceId,
  path,
  contentType: 'application/octet-stream',
  createdAt: 1,
  ttlSeconds: null,
  expiresAt: null,
  lastAccessAt: 1,
  closed: false,
  closedBy: null,
  tailSeq: 0,
  lastWriterSeq: null,
  bytes: 0,
  forkedFrom: null,
  forkOffset: null,
  forkSubOffset: 0,
  sourceId: null,
  refCount: 0,
  softDeleted: false,
  ...extra,
});

const bytes = (...values: number[]) => new Uint8Array(values);

/**
 * What every sync store must do, run against each implementation (as Replicache runs one
 * suite against every kv store). The protocol above relies on exactly these behaviours.
 */
export function runStoreContract(name: string, factory: StoreFactory): void {
  describe(`sync store contract: ${name}`, () => {
    let store: SyncStore;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ store, dispose } = await factory.open());
    });
    afterAll(() => dispose());

    test('a space is created once; a second create with its id is refused', async () => {
      const id = await newSpace(store);
      expect(
        await store.createSpace({ id, tokenHash: 'cd'.repeat(32), createdAt: 2, bytesUsed: 0, streamCount: 0 }),
      ).toBe(false);
      expect(await store.getSpace(id)).toEqual({
        id,
        tokenHash: 'ab'.repeat(32),
        createdAt: 1,
        bytesUsed: 0,
        streamCount: 0,
      });
      expect(await store.getSpace('no-such-space-000')).toBeUndefined();
    });

    test('a stream row round-trips every field, and the same path in another space is another stream', async () => {
      const a = await newSpace(store);
      const b = await newSpace(store);
      const row = streamRow(a, 'v1/p', {
        contentType: 'application/json',
        ttlSeconds: 60,
        expiresAt: null,
        closed: true,
        closedBy: 'dev 3 7',
        lastWriterSeq: 'b',
        forkedFrom: 'v1/src',
        forkOffset: '0000000000000000_0000000000000002',
        forkSubOffset: 4,
        sourceId: 99,
        refCount: 2,
      });
      const inserted = await store.transact(a, (tx) => tx.insertStream(row));
      expect(inserted).toEqual({ ...row, id: inserted.id });
      expect(await store.getStream(a, 'v1/p')).toEqual(inserted);
      expect(await store.getStream(b, 'v1/p')).toBeUndefined();
      const other = await store.transact(b, (tx) => tx.insertStream(streamRow(b, 'v1/p')));
      expect(other.id).not.toBe(inserted.id);
    });

    test('entries keep their bytes exactly and read back in pages bounded by bytes', async () => {
      const space = await newSpace(store);
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      const stream = await store.transact(space, async (tx) => {
        const s = await tx.insertStream(streamRow(space, 'bytes'));
        await tx.appendEntries(s.id, [
          { seq: 0, data: all, count: 1 },
          { seq: 1, data: bytes(1, 2, 3), count: 1 },
          { seq: 2, data: bytes(), count: 1 },
          { seq: 3, data: bytes(9), count: 1 },
        ]);
        return s;
      });
      const first = await store.readEntries(stream.id, 0, 10);
      // At least one entry even when it alone passes the budget.
      expect(first.map((e) => e.seq)).toEqual([0]);
      expect(Array.from(first[0]!.data)).toEqual(Array.from(all));
      const rest = await store.readEntries(stream.id, 1, 1_000_000);
      expect(rest.map((e) => [e.seq, Array.from(e.data)])).toEqual([
        [1, [1, 2, 3]],
        [2, []],
        [3, [9]],
      ]);
      expect(await store.readEntries(stream.id, 4, 100)).toEqual([]);
    });

    test('a read stops at its byte budget across many entries, and takes exactly those that fit', async () => {
      const space = await newSpace(store);
      const stream = await store.transact(space, async (tx) => {
        const s = await tx.insertStream(streamRow(space, 'many'));
        await tx.appendEntries(
          s.id,
          Array.from({ length: 600 }, (_, seq) => ({ seq, data: new Uint8Array(10).fill(seq % 256), count: 1 })),
        );
        return s;
      });
      const page = await store.readEntries(stream.id, 5, 3_005);
      expect(page.map((e) => e.seq)).toEqual(Array.from({ length: 300 }, (_, i) => 5 + i));
      expect(page.at(-1)!.data[0]).toBe(304 % 256);
      expect(await store.readEntries(stream.id, 0, 1_000_000)).toHaveLength(600);
      expect((await store.readEntries(stream.id, 590, 1_000_000)).map((e) => e.seq)).toEqual(
        Array.from({ length: 10 }, (_, i) => 590 + i),
      );
    });

    test('a transaction that throws leaves nothing behind and wakes nobody', async () => {
      const space = await newSpace(store);
      const woken: number[] = [];
      const off = store.onAppend((id) => woken.push(id));
      await expect(
        store.transact(space, async (tx) => {
          const s = await tx.insertStream(streamRow(space, 'doomed'));
          await tx.appendEntries(s.id, [{ seq: 0, data: bytes(1), count: 1 }]);
          tx.notify(s.id);
          throw new Error('abandon');
        }),
      ).rejects.toThrow('abandon');
      off();
      expect(await store.getStream(space, 'doomed')).toBeUndefined();
      expect(woken).toEqual([]);
    });

    test('notify wakes listeners once the transaction has committed, with the data readable', async () => {
      const space = await newSpace(store);
      const stream = await store.transact(space, (tx) => tx.insertStream(streamRow(space, 'live')));
      const seen = new Promise<number>((resolve) => {
        const off = store.onAppend((id) => {
          if (id !== stream.id) return;
          off();
          void store.readEntries(id, 0, 100).then((entries) => resolve(entries.length));
        });
      });
      await store.transact(space, async (tx) => {
        await tx.appendEntries(stream.id, [{ seq: 0, data: bytes(7), count: 1 }]);
        await tx.updateStream(stream.id, { tailSeq: 1 });
        tx.notify(stream.id);
      });
      expect(await seen).toBe(1);
    });

    test('transactions on one space never interleave (read-modify-write from 20 at once)', async () => {
      const space = await newSpace(store);
      const stream = await store.transact(space, (tx) => tx.insertStream(streamRow(space, 'counter')));
      await Promise.all(
        Array.from({ length: 20 }, () =>
          store.transact(space, async (tx) => {
            const current = (await tx.getStreamById(stream.id))!;
            await tx.appendEntries(stream.id, [{ seq: current.tailSeq, data: bytes(current.tailSeq), count: 1 }]);
            await tx.updateStream(stream.id, { tailSeq: current.tailSeq + 1 });
          }),
        ),
      );
      expect((await store.getStream(space, 'counter'))!.tailSeq).toBe(20);
      expect((await store.readEntries(stream.id, 0, 1_000)).map((e) => e.data[0])).toEqual(
        Array.from({ length: 20 }, (_, i) => i),
      );
    });

    test('copyEntries copies the prefix below an entry number and reports its bytes', async () => {
      const space = await newSpace(store);
      const [source, target] = await store.transact(space, async (tx) => {
        const s = await tx.insertStream(streamRow(space, 'src'));
        await tx.appendEntries(s.id, [
          { seq: 0, data: bytes(1, 1), count: 1 },
          { seq: 1, data: bytes(2, 2, 2), count: 3 },
          { seq: 2, data: bytes(3), count: 1 },
        ]);
        const t = await tx.insertStream(streamRow(space, 'fork'));
        expect(await tx.copyEntries(s.id, t.id, 2)).toBe(5);
        return [s, t];
      });
      expect((await store.readEntries(target.id, 0, 100)).map((e) => [e.seq, e.count])).toEqual([
        [0, 1],
        [1, 3],
      ]);
      expect(await store.readEntries(source.id, 0, 100)).toHaveLength(3);
    });

    test('producer state, usage counters and deletes', async () => {
      const space = await newSpace(store);
      await store.transact(space, async (tx) => {
        const s = await tx.insertStream(streamRow(space, 'p'));
        expect(await tx.getProducer(s.id, 'device-1')).toBeUndefined();
        await tx.putProducer(s.id, 'device-1', { epoch: 2, lastSeq: 5 });
        await tx.putProducer(s.id, 'device-1', { epoch: 3, lastSeq: 0 });
        expect(await tx.getProducer(s.id, 'device-1')).toEqual({ epoch: 3, lastSeq: 0 });
        await tx.addUsage(space, 100, 1);
        await tx.addUsage(space, -40, 0);
        expect(await tx.getSpace(space)).toMatchObject({ bytesUsed: 60, streamCount: 1 });
        await tx.appendEntries(s.id, [{ seq: 0, data: bytes(1), count: 1 }]);
        await tx.deleteStream(s.id);
        expect(await tx.getStreamById(s.id)).toBeUndefined();
        expect(await tx.getProducer(s.id, 'device-1')).toBeUndefined();
        expect(await tx.readEntries(s.id, 0, 10)).toEqual([]);
      });
    });

    test('deleting a space removes its streams and leaves other spaces alone', async () => {
      const doomed = await newSpace(store);
      const kept = await newSpace(store);
      for (const space of [doomed, kept]) {
        await store.transact(space, async (tx) => {
          const s = await tx.insertStream(streamRow(space, 'x'));
          await tx.appendEntries(s.id, [{ seq: 0, data: bytes(5), count: 1 }]);
        });
      }
      await store.deleteSpace(doomed);
      expect(await store.getSpace(doomed)).toBeUndefined();
      expect(await store.getStream(doomed, 'x')).toBeUndefined();
      expect(await store.getStream(kept, 'x')).toBeDefined();
    });
  });
}
