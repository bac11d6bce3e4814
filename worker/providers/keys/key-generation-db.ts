import Dexie, { type EntityTable } from 'dexie';
import type { RemoteProviderId } from '../contract/provider-id.ts';
import type { Sealed } from './passphrase-crypto.ts';

/** One provider's key in a generation: sealed with its device key or the passphrase's key. */
export interface SealedKeyRow {
  provider: RemoteProviderId;
  sealed: Sealed;
  by: 'device' | 'passphrase';
  updatedAt: number;
}

export interface GenerationMetaRow {
  key: string;
  value: unknown;
}

/**
 * The API keys of one generation, in a database of their own: the sealed keys, and the
 * generation's device key and passphrase check. A change never edits a generation: it
 * writes the next one and deletes this one whole (see `deleteWhole`).
 */
export class KeyGenerationDb extends Dexie {
  keys!: EntityTable<SealedKeyRow, 'provider'>;
  meta!: EntityTable<GenerationMetaRow, 'key'>;

  constructor(name: string) {
    super(name);
    this.version(1).stores({ keys: 'provider', meta: 'key' });
  }
}

/**
 * The database of a generation of keys, named after the app's database.
 * @example generationName('orchestra', 3) // 'orchestra-keys-3'
 */
export function generationName(base: string, generation: number): string {
  return `${base}-keys-${generation}`;
}

/**
 * Deletes a database whole. Chromium deletes every record of it and then compacts its
 * key range in LevelDB (`BackingStore::DeleteDatabase`), which rewrites the files holding
 * them without the deleted values: after this, the old values are in no file of the
 * profile. Overwriting or deleting rows in place only appends to LevelDB's log, which
 * Chromium reuses across restarts, so the old values stay on disk until a compaction.
 */
export async function deleteWhole(name: string): Promise<void> {
  await Dexie.delete(name);
}

/**
 * Writes a throwaway database and deletes it whole, so that Chromium compacts: the
 * compaction flushes LevelDB's log (every recent write of every database of the origin,
 * old values included) and rewrites the files that overlap, dropping values that later
 * writes replaced or deleted. Used after rows were deleted in a database that lives on.
 * Best effort: values already in a table file that does not overlap the throwaway
 * database's key range stay until LevelDB compacts that file (seen in Chromium 156).
 */
export async function compactByDeleting(name: string): Promise<void> {
  const scratch = new Dexie(name);
  scratch.version(1).stores({ rows: 'id' });
  await scratch.open();
  await scratch.table('rows').put({ id: 1, at: Date.now() });
  scratch.close();
  await Dexie.delete(name);
}
