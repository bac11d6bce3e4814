import Dexie, { type DexieOptions, type EntityTable } from 'dexie';
import { ulid } from 'ulid';
import type { ProviderConfig } from '../providers/keys/provider-config.ts';
import type { ProviderKeyRow } from '../providers/keys/key-store.ts';
import { schemaHistory } from './schema.ts';

export const databaseName = 'orchestra';

export interface SettingRow {
  key: string;
  value: unknown;
  updatedAt: number;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

/** The engine's IndexedDB database. Only the worker opens it for writing. */
export class OrchestraDb extends Dexie {
  settings!: EntityTable<SettingRow, 'key'>;
  meta!: EntityTable<MetaRow, 'key'>;
  providerConfigs!: EntityTable<ProviderConfig, 'provider'>;
  /** API keys: in clear only while no passphrase is set, sealed with it otherwise. */
  providerKeys!: EntityTable<ProviderKeyRow, 'provider'>;

  constructor(name = databaseName, options?: DexieOptions) {
    super(name, options);
    for (const entry of schemaHistory) {
      const version = this.version(entry.version).stores(entry.stores);
      if (entry.upgrade) version.upgrade(entry.upgrade);
    }
    // A new database starts at the latest version, so no upgrade runs: give it what
    // the upgrades would have given it.
    this.on('populate', (tx) => {
      void tx.table('meta').add({ key: 'installId', value: ulid() });
    });
  }

  async installId(): Promise<string> {
    const row = await this.meta.get('installId');
    return typeof row?.value === 'string' ? row.value : '';
  }
}
