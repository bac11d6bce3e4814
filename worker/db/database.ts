import Dexie, { type DexieOptions, type EntityTable } from 'dexie';
import { ulid } from 'ulid';
import type { CommitRow } from '../events/log-table.ts';
import type { ReadModelPage } from '../events/projections/materialize.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { TextPack } from '../events/text-table.ts';
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

/**
 * One event of this device's own settings (`settings/price-edit.ts`): never of a project,
 * so never in a project's log, export, bundle or sync.
 */
export interface DeviceEventRow {
  seq?: number;
  event: unknown;
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
  /** The texts the log names by SHA-256, a pack at a time (see worker/events/text-table.ts). */
  texts!: Dexie.Table<TextPack, number>;
  snapshots!: Dexie.Table<SnapshotRow, [string, number]>;
  projects!: EntityTable<ProjectRow, 'id'>;
  plans!: EntityTable<PlanRow, 'projectId'>;
  /** The read models, a page of rows at a time (see worker/events/projections/materialize.ts). */
  tasks!: Dexie.Table<ReadModelPage<TaskRow>, [string, number]>;
  artifacts!: Dexie.Table<ReadModelPage<ArtifactRow>, [string, number]>;
  artifactVersions!: Dexie.Table<ReadModelPage<ArtifactVersionRow>, [string, number]>;
  sessions!: Dexie.Table<ReadModelPage<SessionRow>, [string, number]>;
  /** Page 0: the open reservations; other pages: the reservations one transaction closed. */
  costs!: Dexie.Table<ReadModelPage<CostRow>, [string, number]>;
  agentPerformance!: Dexie.Table<ReadModelPage<AgentPerformanceRow>, [string, number]>;
  banditArms!: Dexie.Table<ReadModelPage<BanditArmRow>, [string, number]>;
  qualityMetrics!: Dexie.Table<ReadModelPage<QualityMetricRow>, [string, number]>;
  routerPerformance!: Dexie.Table<ReadModelPage<RouterPerformanceRow>, [string, number]>;
  providerConfigs!: EntityTable<ProviderConfig, 'provider'>;
  /** API keys: in clear only while no passphrase is set, sealed with it otherwise. */
  providerKeys!: EntityTable<ProviderKeyRow, 'provider'>;
  /** The device's settings events (price edits), oldest first; see `settings/price-store.ts`. */
  deviceEvents!: Dexie.Table<DeviceEventRow, number>;

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
