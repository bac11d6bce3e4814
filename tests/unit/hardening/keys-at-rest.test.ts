import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { KeyStore } from '../../../worker/providers/keys/key-store.ts';

/*
 * Keys never in clear at rest: sealed before their first write, with the device key when
 * there is no passphrase. The dump reads every row of every table, with binary values as
 * bytes, in UTF-8 and UTF-16, the way a scan of the disk would see them.
 */

let counter = 0;
const secrets = ['sk-proj-AtRestSecret-0123456789abcdef', 'sk-ant-AtRestAnother-key-xyz', 'AIzaAtRestGemini000000000'];

async function dump(db: OrchestraDb): Promise<string> {
  const tables = await Promise.all(db.tables.map(async (table) => [table.name, await table.toArray()] as const));
  return JSON.stringify(tables, (_, value: unknown) =>
    value instanceof Uint8Array
      ? `${Buffer.from(value).toString('utf8')}|${Buffer.from(value).toString('utf16le')}`
      : value,
  );
}

test('without a passphrase a key is sealed with the device key before it is written', async () => {
  const db = new OrchestraDb(`at-rest-${++counter}`);
  const store = new KeyStore(db);
  await store.set('openai', secrets[0]!);
  await store.set('anthropic', secrets[1]!);
  expect(await store.get('openai')).toBe(secrets[0]);
  const raw = await dump(db);
  for (const secret of secrets) expect(raw).not.toContain(secret);
  expect((await db.providerKeys.get('openai'))?.by).toBe('device');
  // The device key is kept, not extractable: a fresh store (a reload) reads the same keys.
  const deviceKey = (await db.meta.get('deviceKey'))?.value as CryptoKey;
  expect(deviceKey).toBeInstanceOf(CryptoKey);
  expect(deviceKey.extractable).toBe(false);
  const reloaded = new KeyStore(new OrchestraDb(db.name));
  expect(await reloaded.status()).toEqual({ encrypted: false, unlocked: true, stored: ['anthropic', 'openai'] });
  expect(await reloaded.get('anthropic')).toBe(secrets[1]);
});

test('a key an earlier version stored in clear is sealed the first time the store is used', async () => {
  const db = new OrchestraDb(`at-rest-${++counter}`);
  await db.providerKeys.put({ provider: 'gemini', plain: secrets[2]!, updatedAt: 1 });
  const store = new KeyStore(db);
  expect(await store.status()).toMatchObject({ encrypted: false, stored: ['gemini'] });
  expect(await dump(db)).not.toContain(secrets[2]);
  expect(await store.get('gemini')).toBe(secrets[2]);
});

test('encrypting with a passphrase and removing it again never leaves a key in clear', async () => {
  const db = new OrchestraDb(`at-rest-${++counter}`);
  const store = new KeyStore(db);
  await store.set('openai', secrets[0]!);
  await store.set('gemini', secrets[2]!);
  await store.setPassphrase('correct horse battery');
  expect((await db.providerKeys.get('openai'))?.by).toBe('passphrase');
  await store.remove('gemini');
  await store.set('anthropic', secrets[1]!);
  let raw = await dump(db);
  for (const secret of [...secrets, 'correct horse battery']) expect(raw).not.toContain(secret);
  const reloaded = new KeyStore(new OrchestraDb(db.name));
  await expect(reloaded.get('openai')).rejects.toMatchObject({ problem: 'locked' });
  await reloaded.removePassphrase('correct horse battery');
  expect(await reloaded.get('openai')).toBe(secrets[0]);
  expect(await reloaded.get('anthropic')).toBe(secrets[1]);
  raw = await dump(db);
  for (const secret of secrets) expect(raw).not.toContain(secret);
});
