/**
 * The one door between the UI and the engine. The UI reaches it through Comlink
 * (`web/worker-client.ts`) and imports only the types from this module.
 */
import { type Result, fail, ok } from './contract/result.ts';
import type { DatabaseHealth, WorkerHealth } from './contract/worker-health.ts';
import type { OrchestraDb } from './db/database.ts';
import type { Engine } from './engine.ts';
import { type Housekeeping, createHousekeeping } from './projects/housekeeping.ts';
import { type ProjectCommands, createProjectCommands } from './projects/project-commands.ts';
import { type Settings, type SettingsPatch, settingsPatchSchema } from './settings/settings.ts';
import { readSettings, writeSettings } from './settings/settings-store.ts';

export type { Failure, FailureKind, Result } from './contract/result.ts';
export type { DatabaseHealth, WorkerHealth } from './contract/worker-health.ts';
export type { Settings, SettingsPatch, Theme } from './settings/settings.ts';
export type { EventType, OrchestraEvent } from './events/catalog.ts';
export type { WriterRole } from './events/writer-lock.ts';
export type { ProjectRow, TaskRow, ArtifactRow, ArtifactVersionRow } from './events/projections/rows.ts';
export type { NewProject, ProjectUpdate } from './projects/project-commands.ts';
export type { ProjectView } from './projects/project-view.ts';
export type { ProjectUsage } from './projects/housekeeping.ts';

/**
 * Every command and query the UI may send the engine. Project commands and
 * housekeeping: see `projects/project-commands.ts` and `projects/housekeeping.ts`.
 */
export interface WorkerApi extends ProjectCommands, Housekeeping {
  /** Whether the engine is up, its database, and the browser's storage figures. */
  health(): Promise<WorkerHealth>;
  getSettings(): Promise<Result<Settings>>;
  /**
   * Changes some settings and returns all of them.
   * @example await engine.updateSettings({ theme: 'dark' })
   */
  updateSettings(patch: SettingsPatch): Promise<Result<Settings>>;
}

export interface WorkerDeps {
  db: OrchestraDb;
  engine: Engine;
  /** `navigator.storage` where the browser offers it. */
  storage: Pick<StorageManager, 'estimate' | 'persisted'> | undefined;
  now?: () => number;
}

export function createWorkerApi(deps: WorkerDeps): WorkerApi {
  const startedAt = (deps.now ?? Date.now)();
  const { db } = deps;

  async function databaseHealth(): Promise<DatabaseHealth> {
    try {
      await db.open();
      return {
        open: true,
        name: db.name,
        version: db.verno,
        tables: db.tables.map((table) => table.name).sort(),
        installId: await db.installId(),
      };
    } catch (error) {
      return { open: false, name: db.name, message: storageMessage(error) };
    }
  }

  async function guarded<T>(work: () => Promise<T>): Promise<Result<T>> {
    try {
      return ok(await work());
    } catch (error) {
      return fail('storage', storageMessage(error), true);
    }
  }

  return {
    ...createProjectCommands(deps.engine),
    ...createHousekeeping(deps.engine),

    async health() {
      const [database, estimate, persisted] = await Promise.all([
        databaseHealth(),
        deps.storage?.estimate().catch(() => undefined),
        deps.storage?.persisted().catch(() => undefined),
      ]);
      return {
        status: database.open ? 'ready' : 'degraded',
        startedAt,
        database,
        storage: estimate ? { usageBytes: estimate.usage ?? 0, quotaBytes: estimate.quota ?? 0 } : null,
        persisted: persisted ?? null,
      };
    },

    getSettings: () => guarded(() => readSettings(db)),

    async updateSettings(patch) {
      const parsed = settingsPatchSchema.safeParse(patch);
      if (!parsed.success) {
        return fail(
          'bad_input',
          `These settings cannot be saved: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`,
        );
      }
      return guarded(() => writeSettings(db, parsed.data));
    },
  };
}

function storageMessage(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'QuotaExceededError' || /quota/i.test(String(error))) {
    return 'The browser has no room left for Orchestra’s data. Free some space (Data view) and try again; nothing already saved was lost.';
  }
  const detail = error instanceof Error ? error.message : String(error);
  return `Orchestra could not open its storage in this browser (${detail}). Private windows and some browser settings block it.`;
}
