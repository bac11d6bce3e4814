import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { latestVersion, schemaHistory } from '../../../worker/db/schema.ts';

let counter = 0;
const freshName = () => `orchestra-test-${++counter}`;

function shape(db: Dexie) {
  return db.tables
    .map((table) => ({
      name: table.name,
      primaryKey: table.schema.primKey.src,
      indexes: table.schema.indexes.map((index) => index.src).sort(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

test('a new database opens at the latest version with an install id', async () => {
  const db = new OrchestraDb(freshName());
  await db.open();
  expect(db.verno).toBe(latestVersion);
  expect(await db.installId()).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  db.close();
});

test('a database last opened at version 1 upgrades in place and keeps its settings', async () => {
  const name = freshName();
  const v1 = new Dexie(name);
  v1.version(1).stores(schemaHistory[0]?.stores ?? {});
  await v1.open();
  await v1.table('settings').bulkPut([
    { key: 'theme', value: 'dark' },
    { key: 'retired', value: 7 },
  ]);
  v1.close();

  const before = Date.now();
  const db = new OrchestraDb(name);
  await db.open();
  expect(db.verno).toBe(latestVersion);
  const theme = await db.settings.get('theme');
  expect(theme).toMatchObject({ key: 'theme', value: 'dark' });
  expect(theme?.updatedAt).toBeGreaterThanOrEqual(before);
  expect(await db.settings.count()).toBe(2);
  expect(await db.installId()).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);

  // An upgraded database has exactly the shape of a new one.
  const fresh = new OrchestraDb(freshName());
  await fresh.open();
  expect(shape(db)).toEqual(shape(fresh));
  db.close();
  fresh.close();
});

test('the install id survives reopening', async () => {
  const name = freshName();
  const first = new OrchestraDb(name);
  const id = await first.installId();
  first.close();
  const again = new OrchestraDb(name);
  expect(await again.installId()).toBe(id);
  again.close();
});
