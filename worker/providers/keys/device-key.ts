import type { EntityTable } from 'dexie';
import type { OrchestraDb } from '../../db/database.ts';

/**
 * A device key: an AES-256-GCM key made on this device, not extractable (no script can
 * read its bytes), kept in a database's `meta` table under one name. Each generation of
 * model keys has its own (`key-store.ts`); the app database keeps one that seals the
 * sync space's secret (`worker/sync/device-sync-state.ts`).
 */
const deviceKeyName = 'deviceKey';

type MetaTable = EntityTable<{ key: string; value: unknown }, 'key'>;

export function makeDeviceKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** The device key kept in this `meta` table, if there is one. */
export async function storedDeviceKey(meta: MetaTable): Promise<CryptoKey | undefined> {
  const value = (await meta.get(deviceKeyName))?.value;
  return value instanceof CryptoKey ? value : undefined;
}

/** Keeps `key` as the device key of this `meta` table (inside the caller's transaction, if any). */
export async function putDeviceKey(meta: MetaTable, key: CryptoKey): Promise<void> {
  await meta.put({ key: deviceKeyName, value: key });
}

/** The app database's device key, made on first use (two tabs racing keep the first one written). */
export async function appDeviceKey(db: OrchestraDb): Promise<CryptoKey> {
  const stored = await storedDeviceKey(db.meta);
  if (stored) return stored;
  // Made outside the transaction: a Dexie transaction ends when it waits on anything else.
  const made = await makeDeviceKey();
  return db.transaction('rw', db.meta, async () => {
    const raced = await storedDeviceKey(db.meta);
    if (raced) return raced;
    await putDeviceKey(db.meta, made);
    return made;
  });
}
