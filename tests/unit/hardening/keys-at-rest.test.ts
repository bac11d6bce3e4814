import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { KeyStore } from '../../../worker/providers/keys/key-store.ts';
import { seal } from '../../../worker/providers/keys/passphrase-crypto.ts';
import { currentGeneration, databasesOf, dumpDevice } from './key-dump.ts';

/*
 * Keys never in clear at rest: sealed before their first write, with the device key when
 * there is no passphrase, in generations of their own databases. The dump reads every row
 * of every table of every database of the app, with binary values as bytes, in UTF-8 and
 * UTF-16, the way a scan of the disk would see them (tests/e2e/keys-at-rest.test.ts scans
 * the real disk, deleted values included).
 */

let counter = 0;
const secrets = ['sk-proj-AtRestSecret-0123456789abcdef', 'sk-ant-AtRestAnother-key-xyz', 'AIzaAtRestGemini000000000'];

test('without a passphrase a key is sealed with the device key before it is written', async () => {
  const db = new OrchestraDb(`at-rest-${++counter}`);
  const store = new KeyStore(db);
  await store.set('openai', secrets[0]!);
  await store.set('anthropic', secrets[1]!);
  expect(await store.get('openai')).toBe(secrets[0]);
  const raw = await dumpDevice(db.name);
  for (const secret of secrets) expect(raw).not.toContain(secret);
  const { keys } = await currentGeneration(db);
  expect((await keys.keys.get('openai'))?.by).toBe('device');
  // The device key is kept, not extractable: a fresh store (a reload) reads the same keys.
  const deviceKey = (await keys.meta.get('deviceKey'))?.value as CryptoKey;
  keys.close();
  expect(deviceKey).toBeInstanceOf(CryptoKey);
  expect(deviceKey.extractable).toBe(false);
  const reloaded = new KeyStore(new OrchestraDb(db.name));
  expect(await reloaded.status()).toEqual({ encrypted: false, unlocked: true, stored: ['anthropic', 'openai'] });
  expect(await reloaded.get('anthropic')).toBe(secrets[1]);
});

test('every change writes the next generation and deletes the one before it whole', async () => {
  const db = new OrchestraDb(`at-rest-${++counter}`);
  const store = new KeyStore(db);
  await store.status();
  expect(await databasesOf(db.name)).toEqual([db.name, `${db.name}-keys-1`]);
  await store.set('openai', secrets[0]!);
  await store.set('openai', `${secrets[0]!}-replaced`);
  await store.set('gemini', secrets[2]!);
  await store.remove('gemini');
  // Four changes: generation 5 is the only one left, with its own device key.
  expect(await databasesOf(db.name)).toEqual([db.name, `${db.name}-keys-5`]);
  expect(await store.status()).toMatchObject({ stored: ['openai'] });
  expect(await store.get('openai')).toBe(`${secrets[0]!}-replaced`);
  expect(await store.get('gemini')).toBeUndefined();
  // The app database keeps no key row, no device key and no passphrase check.
  expect(await db.providerKeys.count()).toBe(0);
  expect(await db.meta.get('deviceKey')).toBeUndefined();
});

test('two stores on one database (two tabs) see the changes of each other', async () => {
  const name = `at-rest-${++counter}`;
  const first = new KeyStore(new OrchestraDb(name));
  const second = new KeyStore(new OrchestraDb(name));
  await first.set('openai', secrets[0]!);
  expect(await second.get('openai')).toBe(secrets[0]);
  await second.set('anthropic', secrets[1]!);
  await first.remove('openai');
  expect(await second.status()).toMatchObject({ stored: ['anthropic'] });
  expect(await first.get('anthropic')).toBe(secrets[1]);
  expect(await databasesOf(name)).toEqual([name, `${name}-keys-4`]);
});

test('keys an earlier version stored in the app database move to a generation and leave it', async () => {
  const db = new OrchestraDb(`at-rest-${++counter}`);
  // In clear (before keys were sealed), and sealed in place with the old device key.
  const oldDevice = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  await db.providerKeys.bulkPut([
    { provider: 'gemini', plain: secrets[2]!, updatedAt: 1 },
    { provider: 'openai', sealed: await seal(oldDevice, secrets[0]!), by: 'device', updatedAt: 2 },
  ]);
  await db.meta.put({ key: 'deviceKey', value: oldDevice });
  const store = new KeyStore(db);
  expect(await store.status()).toMatchObject({ encrypted: false, stored: ['gemini', 'openai'] });
  expect(await dumpDevice(db.name)).not.toContain(secrets[2]);
  expect(await store.get('gemini')).toBe(secrets[2]);
  expect(await store.get('openai')).toBe(secrets[0]);
  expect(await db.providerKeys.count()).toBe(0);
  // The app database's device key stays: the sync space's secret is sealed with it.
  expect((await db.meta.get('deviceKey'))?.value).toBeInstanceOf(CryptoKey);
  const { generation, keys } = await currentGeneration(db);
  expect(generation).toBe(1);
  expect(((await keys.meta.get('deviceKey'))?.value as CryptoKey) === oldDevice).toBe(false);
  keys.close();
  // The throwaway database that makes Chromium compact is gone again.
  expect(await databasesOf(db.name)).toEqual([db.name, `${db.name}-keys-1`]);
});

test('keys an earlier version sealed with a passphrase move with their check, still locked', async () => {
  const name = `at-rest-${++counter}`;
  const earlier = new KeyStore(new OrchestraDb(name));
  await earlier.set('openai', secrets[0]!);
  await earlier.setPassphrase('correct horse battery');
  // Put the generation back the way an earlier version stored it: rows and check in the app database.
  const db = new OrchestraDb(name);
  const { keys } = await currentGeneration(db);
  const rows = await keys.keys.toArray();
  const vault = (await keys.meta.get('keyVault'))?.value;
  keys.close();
  await db.providerKeys.bulkPut(rows.map(({ provider, sealed, updatedAt }) => ({ provider, sealed, updatedAt })));
  await db.meta.put({ key: 'keyVault', value: vault });
  await db.meta.delete('keyGeneration');

  const store = new KeyStore(new OrchestraDb(name));
  expect(await store.status()).toEqual({ encrypted: true, unlocked: false, stored: ['openai'] });
  await store.unlock('correct horse battery');
  expect(await store.get('openai')).toBe(secrets[0]);
});

test('encrypting with a passphrase and removing it again never leaves a key in clear', async () => {
  const db = new OrchestraDb(`at-rest-${++counter}`);
  const store = new KeyStore(db);
  await store.set('openai', secrets[0]!);
  await store.set('gemini', secrets[2]!);
  await store.setPassphrase('correct horse battery');
  let { keys } = await currentGeneration(db);
  expect((await keys.keys.get('openai'))?.by).toBe('passphrase');
  keys.close();
  await store.remove('gemini');
  await store.set('anthropic', secrets[1]!);
  let raw = await dumpDevice(db.name);
  for (const secret of [...secrets, 'correct horse battery']) expect(raw).not.toContain(secret);
  const reloaded = new KeyStore(new OrchestraDb(db.name));
  await expect(reloaded.get('openai')).rejects.toMatchObject({ problem: 'locked' });
  await expect(reloaded.set('gemini', secrets[2]!)).rejects.toMatchObject({ problem: 'locked' });
  await reloaded.removePassphrase('correct horse battery');
  expect(await reloaded.get('openai')).toBe(secrets[0]);
  expect(await reloaded.get('anthropic')).toBe(secrets[1]);
  ({ keys } = await currentGeneration(db));
  expect((await keys.keys.get('openai'))?.by).toBe('device');
  keys.close();
  raw = await dumpDevice(db.name);
  for (const secret of secrets) expect(raw).not.toContain(secret);
});
