import Dexie from 'dexie';
import type { OrchestraDb } from '../../../worker/db/database.ts';
import { KeyGenerationDb, generationName } from '../../../worker/providers/keys/key-generation-db.ts';

/** The names of the databases that belong to the app database `base` (itself, and its key generations). */
export async function databasesOf(base: string): Promise<string[]> {
  return (await Dexie.getDatabaseNames()).filter((name) => name === base || name.startsWith(`${base}-`)).sort();
}

/**
 * Every row of every table of every database of the app, binary values as UTF-8 and
 * UTF-16 text: what a scan of the disk would read, short of deleted values.
 */
export async function dumpDevice(base: string): Promise<string> {
  const parts: unknown[] = [];
  for (const name of await databasesOf(base)) {
    const db = new Dexie(name);
    await db.open();
    for (const table of db.tables) parts.push([name, table.name, await table.toArray()]);
    db.close();
  }
  return JSON.stringify(parts, (_, value: unknown) =>
    value instanceof Uint8Array
      ? `${Buffer.from(value).toString('utf8')}|${Buffer.from(value).toString('utf16le')}|${Buffer.from(value).toString('latin1')}`
      : value,
  );
}

/** The current generation of keys of an app database, and its number. */
export async function currentGeneration(db: OrchestraDb): Promise<{ generation: number; keys: KeyGenerationDb }> {
  const generation = (await db.meta.get('keyGeneration'))?.value;
  if (typeof generation !== 'number') throw new Error('no key generation yet');
  return { generation, keys: new KeyGenerationDb(generationName(db.name, generation)) };
}
