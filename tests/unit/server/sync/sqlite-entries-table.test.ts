import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import { openSqliteStore } from '../../../../server/sync/store/sqlite-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The schema files had before entries became a rowid table (the tables a read touches). */
const oldSchema = `
CREATE TABLE spaces (id TEXT PRIMARY KEY, token_hash TEXT NOT NULL, created_at INTEGER NOT NULL,
  bytes_used INTEGER NOT NULL DEFAULT 0, stream_count INTEGER NOT NULL DEFAULT 0);
CREATE TABLE entries (stream_id INTEGER NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL,
  count INTEGER NOT NULL, PRIMARY KEY (stream_id, seq)) WITHOUT ROWID;
`;

test('a file whose entries table is WITHOUT ROWID keeps every entry when the store moves it to a rowid table', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orchestra-sync-old-'));
  dirs.push(dir);
  const file = join(dir, 'sync.sqlite');
  const old = new Database(file);
  old.exec(oldSchema);
  const insert = old.prepare('INSERT INTO entries (stream_id, seq, data, count) VALUES (?, ?, ?, ?)');
  const big = Buffer.alloc(300_000, 7);
  insert.run(1, 0, Buffer.from('"a","b"'), 2);
  insert.run(1, 1, big, 1);
  insert.run(2, 0, Buffer.from('x'), 1);
  old.close();

  const store = openSqliteStore(file);
  const entries = await store.readEntries(1, 0, 10_000_000);
  expect(entries.map((entry) => [entry.seq, entry.count, entry.data.byteLength])).toEqual([
    [0, 2, 7],
    [1, 1, 300_000],
  ]);
  expect(Buffer.from(entries[0]!.data).toString()).toBe('"a","b"');
  expect(entries[1]!.data.every((byte) => byte === 7)).toBe(true);
  // A page stops at its byte budget, sized from the rows' headers.
  expect((await store.readEntries(1, 0, 10)).map((entry) => entry.seq)).toEqual([0]);
  expect((await store.readEntries(2, 0, 10)).map((entry) => entry.seq)).toEqual([0]);
  await store.close();

  const check = new Database(file, { readonly: true });
  const tables = check.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as Array<{
    name: string;
    sql: string;
  }>;
  check.close();
  expect(tables.map((table) => table.name)).not.toContain('entries_without_rowid');
  expect(tables.find((table) => table.name === 'entries')?.sql).not.toMatch(/WITHOUT ROWID/i);
  // Opened again: nothing to move, nothing lost.
  const again = openSqliteStore(file);
  expect(await again.readEntries(1, 0, 10_000_000)).toHaveLength(2);
  await again.close();
});
