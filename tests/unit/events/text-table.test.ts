import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import Dexie from 'dexie';
import { ulid } from 'ulid';
import { expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import type { EventDraft } from '../../../worker/events/catalog.ts';
import { schemaHistory } from '../../../worker/db/schema.ts';
import { EventStore } from '../../../worker/events/event-store.ts';
import { sha256Hex } from '../../../worker/events/hash.ts';
import { addTexts, deleteTexts, packsOf, readTexts } from '../../../worker/events/text-table.ts';

let counter = 0;
const freshDb = () => new OrchestraDb(`text-table-${++counter}`);
const text = (content: string) => ({ hash: createHash('sha256').update(content).digest('hex'), content });

test('an append stores its texts in one pack, found again by any of their hashes', async () => {
  const db = freshDb();
  const store = new EventStore(db);
  const projectId = ulid();
  const files = ['print(1)\n', 'print(2)\n', 'naïve — “quoted” 🎉\n'];
  await store.append(
    projectId,
    [{ type: 'user-message', actor: { kind: 'user' }, payload: { messageId: 'm1', text: 'files' } }],
    { blobs: files },
  );
  const packs = await db.texts.toArray();
  expect(packs).toHaveLength(1);
  const hashes = await Promise.all(files.map(sha256Hex));
  expect(packs[0]?.hashes).toEqual(hashes);
  expect(await readTexts(db, [hashes[2] as string, 'f'.repeat(64)])).toEqual(new Map([[hashes[2], files[2]]]));

  // A fresh store (nothing cached) reads them back; reads asked together are one query.
  const fresh = new EventStore(db);
  const where = db.texts.where.bind(db.texts);
  let queries = 0;
  db.texts.where = ((index: string) => {
    queries += 1;
    return where(index);
  }) as typeof db.texts.where;
  expect(await Promise.all(hashes.map((hash) => fresh.blob(hash)))).toEqual(files);
  expect(queries).toBe(1);
  expect(await fresh.blob('e'.repeat(64))).toBeUndefined();
  db.close();
});

test('a text stored twice is found once and removed from every pack; a pack left empty goes', async () => {
  const db = freshDb();
  const [a, b, c] = [text('aaa'), text('bbb'), text('ccc')];
  await addTexts(db, [a, b]);
  await addTexts(db, [b, c, c]);
  expect((await db.texts.toArray()).map((pack) => pack.hashes)).toEqual([
    [a.hash, b.hash],
    [b.hash, c.hash],
  ]);
  expect(await readTexts(db, [b.hash])).toEqual(new Map([[b.hash, 'bbb']]));

  const removed = await db.transaction('rw', 'texts', () => deleteTexts(db, [b.hash, c.hash, 'x'.repeat(64)]));
  expect(removed).toEqual([b, c]);
  expect((await db.texts.toArray()).map((pack) => pack.hashes)).toEqual([[a.hash]]);
  expect(await readTexts(db, [a.hash, b.hash, c.hash])).toEqual(new Map([[a.hash, 'aaa']]));
  db.close();
});

test('many texts at once (an import) go into packs of bounded size, each text once', () => {
  const many = Array.from({ length: 600 }, (_, index) => text(`t${index}`));
  const packs = packsOf([...many, ...many.slice(0, 10)]);
  expect(packs.map((pack) => pack.hashes.length)).toEqual([256, 256, 88]);
  expect(packs.flatMap((pack) => pack.contents)).toEqual(many.map((entry) => entry.content));
  // About 40,000 characters a pack (a value past 64 KB is stored as a file); a bigger text has one of its own.
  const big = packsOf([
    text('x'.repeat(100_000)),
    text('y'.repeat(30_000)),
    text('z'.repeat(9_000)),
    text('w'.repeat(2_000)),
  ]);
  expect(big.map((pack) => pack.hashes.length)).toEqual([1, 2, 1]);
});

test('a database of version 7 moves its texts into packs when it upgrades, and the blobs table goes', async () => {
  const name = `text-table-${++counter}`;
  const v7 = new Dexie(name);
  for (const entry of schemaHistory.filter((entry) => entry.version <= 7)) {
    const version = v7.version(entry.version).stores(entry.stores);
    if (entry.upgrade) version.upgrade(entry.upgrade);
  }
  await v7.open();
  const rows = Array.from({ length: 300 }, (_, index) => ({ ...text(`old ${index}`), size: `old ${index}`.length }));
  await v7.table('blobs').bulkAdd(rows);
  v7.close();

  const db = new OrchestraDb(name);
  await db.open();
  expect(db.tables.map((table) => table.name)).not.toContain('blobs');
  const found = await readTexts(
    db,
    rows.map((row) => row.hash),
  );
  expect(found).toEqual(new Map(rows.map((row) => [row.hash, row.content])));
  expect(await db.texts.count()).toBe(2);
  db.close();
});

const fileDraft = (path: string, contentHash: string): EventDraft => ({
  type: 'artifact-create',
  actor: { kind: 'agent', role: 'code-generator' },
  payload: { path, kind: 'source', language: 'typescript', contentHash, size: 10, provenance: { source: 'ai' } },
});

test('a text is stored with its append even when this tab has it cached: another tab, or a delete under way, may be removing it', async () => {
  const db = freshDb();
  const [tab1, tab2] = [new EventStore(db), new EventStore(db)];
  const content = 'export const shared = 1;\n';
  const hash = await sha256Hex(content);
  const [a, b] = [ulid(), ulid()];
  await tab1.append(a, [fileDraft('a.ts', hash)], { blobs: [content] });
  expect(await tab2.blob(hash)).toBe(content); // tab 2 showed A's file: cached there
  await tab1.deleteLog(a, [hash]); // nothing else used it
  await tab2.append(b, [fileDraft('b.ts', hash)], { blobs: [content] });
  expect(await new EventStore(db).blob(hash)).toBe(content);

  // One tab: an append to C starts while A2's delete is still under way.
  const again = 'export const shared = 2;\n';
  const againHash = await sha256Hex(again);
  const [a2, c] = [ulid(), ulid()];
  await tab1.append(a2, [fileDraft('a.ts', againHash)], { blobs: [again] });
  await tab1.append(c, [fileDraft('x.ts', 'c'.repeat(64))]);
  await Promise.all([
    tab1.deleteLog(a2, [againHash]),
    tab1.append(c, [fileDraft('b.ts', againHash)], { blobs: [again] }),
  ]);
  expect(await new EventStore(db).blob(againHash)).toBe(again);
  db.close();
});
