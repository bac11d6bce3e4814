import { ulid } from 'ulid';
import { describe, expect, test } from 'vitest';
import type { OrchestraEvent } from '../../../worker/events/catalog.ts';
import { sha256Hex } from '../../../worker/events/hash.ts';
import { freshCursor } from '../../../worker/sync/device-sync-state.ts';
import { forkAt, openForkBlob, openForkEvents, sealerOf } from '../../../worker/sync/fork-origin.ts';
import { deriveSpaceCredentials, makeSpaceSecret } from '../../../worker/sync/space-secret.ts';
import { forkOriginSchema, sealBlob, sealEvents, SyncTamperError } from '../../../worker/sync/sync-envelope.ts';

const messages = (projectId: string, from: number, count: number): OrchestraEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    id: ulid(),
    projectId,
    seq: from + i,
    type: 'user-message',
    v: 1,
    at: 1_700_000_000_000 + i,
    actor: { kind: 'user' },
    correlationId: ulid(),
    causationId: null,
    payload: { messageId: ulid(), text: `message ${from + i}` },
  }));

describe('a copy forked from another project’s stream', () => {
  test('its lineage says which project sealed each stretch of its shared start, for copies of copies too', () => {
    expect(forkAt('shop', freshCursor(), { offset: '-1', seq: 0 })).toBeUndefined();
    const copy = forkAt('shop', freshCursor(), { offset: '0000000000000000_0000000000000004', seq: 10 })!;
    expect(copy.lineage).toEqual([{ projectId: 'shop', toSeq: 10 }]);
    expect(forkOriginSchema.safeParse(copy).success).toBe(true);
    expect([sealerOf('copy', copy, 1), sealerOf('copy', copy, 10), sealerOf('copy', copy, 11)]).toEqual([
      'shop',
      'shop',
      'copy',
    ]);

    // A copy of the copy, forked past the copy's own start: three stretches.
    const later = forkAt(
      'copy',
      { ...freshCursor(), fork: copy },
      { offset: '0000000000000000_0000000000000009', seq: 25 },
    )!;
    expect(later.lineage).toEqual([
      { projectId: 'shop', toSeq: 10 },
      { projectId: 'copy', toSeq: 25 },
    ]);
    expect([sealerOf('c2', later, 10), sealerOf('c2', later, 11), sealerOf('c2', later, 26)]).toEqual([
      'shop',
      'copy',
      'c2',
    ]);
    // Forked inside the copy's own shared start: all of it was sealed under the first project.
    const early = forkAt(
      'copy',
      { ...freshCursor(), fork: copy },
      { offset: '0000000000000000_0000000000000002', seq: 6 },
    )!;
    expect(early.lineage).toEqual([{ projectId: 'shop', toSeq: 6 }]);
    expect(forkOriginSchema.safeParse(early).success).toBe(true);
    expect(forkOriginSchema.safeParse({ ...early, lineage: [{ projectId: 'shop', toSeq: 5 }] }).success).toBe(false);
  });

  test('its shared start opens under the project that sealed it and is filed under the copy; a moved run does not open', async () => {
    const { key } = await deriveSpaceCredentials(makeSpaceSecret());
    const [shop, copyId, elsewhere] = [ulid(), ulid(), ulid()];
    const shared = messages(shop, 1, 3);
    const fork = forkAt(shop, freshCursor(), { offset: '0000000000000000_0000000000000002', seq: 3 })!;
    const [sealed] = await sealEvents(key, shared);
    const opened = await openForkEvents(key, copyId, fork, sealed!);
    expect(opened.map((event) => [event.projectId, event.seq, event.id])).toEqual(
      shared.map((event) => [copyId, event.seq, event.id]),
    );
    // The copy's own events, sealed under the copy, open as they are.
    const own = messages(copyId, 4, 2);
    const [ownSealed] = await sealEvents(key, own);
    expect(await openForkEvents(key, copyId, fork, ownSealed!)).toEqual(own);
    // Without the fork, the shared start is refused as moved from another project.
    await expect(openForkEvents(key, copyId, undefined, sealed!)).rejects.toBeInstanceOf(SyncTamperError);

    // A run of the project that crosses where the shared start ends was not in it as
    // forked (the other device's run, spliced in): refused, though it opens under the project.
    const crossing = messages(shop, 2, 3);
    const [spliced] = await sealEvents(key, crossing);
    await expect(openForkEvents(key, copyId, fork, spliced!)).rejects.toBeInstanceOf(SyncTamperError);

    const content = 'export const shared = true;\n';
    const hash = await sha256Hex(content);
    const text = await sealBlob(key, shop, hash, content);
    expect(await openForkBlob(key, copyId, fork, text)).toBe(content);
    await expect(openForkBlob(key, copyId, undefined, text)).rejects.toBeInstanceOf(SyncTamperError);
    const stranger = await sealBlob(key, elsewhere, hash, content);
    await expect(openForkBlob(key, copyId, fork, stranger)).rejects.toBeInstanceOf(SyncTamperError);
  });
});
