import Dexie, { type DexieOptions, type EntityTable } from 'dexie';
import { ulid } from 'ulid';
import type { CommitRow } from '../events/log-table.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type {
  AgentPerformanceRow,
  ArtifactRow,
  ArtifactVersionRow,
  BanditArmRow,
  CostRow,
  PlanRow,
  ProjectRow,
  QualityMetricRow,
  RouterPerformanceRow,
  SessionRow,
  TaskRow,
} from '../events/projections/rows.ts';
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

/** Content-addressed text: artifact versions and output checkpoints, stored once per SHA-256. */
export interface BlobRow {
  hash: string;
  content: string;
  size: number;
}

export interface SnapshotRow {
  projectId: string;
  seq: number;
  state: ProjectState;
}

/** The engine's IndexedDB database. Only the worker opens it for writing. */
export class OrchestraDb extends Dexie {
  settings!: EntityTable<SettingRow, 'key'>;
  meta!: EntityTable<MetaRow, 'key'>;
  /** The log: one row per append (see worker/events/log-table.ts). */
  commits!: Dexie.Table<CommitRow, [string, number]>;
  blobs!: EntityTable<BlobRow, 'hash'>;
  snapshots!: Dexie.Table<SnapshotRow, [string, number]>;
  projects!: EntityTable<ProjectRow, 'id'>;
  plans!: EntityTable<PlanRow, 'projectId'>;
  tasks!: Dexie.Table<TaskRow, [string, string]>;
  artifacts!: Dexie.Table<ArtifactRow, [string, string]>;
  artifactVersions!: Dexie.Table<ArtifactVersionRow, [string, string, number]>;
  sessions!: Dexie.Table<SessionRow, [string, string]>;
  costs!: Dexie.Table<CostRow, [string, string]>;
  agentPerformance!: Dexie.Table<AgentPerformanceRow, [string, string]>;
  banditArms!: Dexie.Table<BanditArmRow, [string, string, string]>;
  qualityMetrics!: Dexie.Table<QualityMetricRow, [string, string, string]>;
  routerPerformance!: Dexie.Table<RouterPerformanceRow, [string, string, string]>;
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
