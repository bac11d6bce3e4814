/**
 * The one door between the UI and the engine. The UI reaches it through Comlink
 * (`web/worker-client.ts`) and imports only the types from this module.
 */
import { type Result, fail, ok } from './contract/result.ts';
import { guarded } from './projects/command-guard.ts';
import type { DatabaseHealth, WorkerHealth } from './contract/worker-health.ts';
import type { OrchestraDb } from './db/database.ts';
import type { Engine } from './engine.ts';
import { type Housekeeping, createHousekeeping } from './projects/housekeeping.ts';
import { type ProjectCommands, createProjectCommands } from './projects/project-commands.ts';
import { type Settings, type SettingsPatch, settingsPatchSchema } from './settings/settings.ts';
import { readSettings, writeSettings } from './settings/settings-store.ts';
import { type PriceCommands, createPriceCommands } from './settings/price-commands.ts';
import {
  type ProviderCommandDeps,
  type ProviderCommands,
  createProviderCommands,
} from './providers/provider-commands.ts';
import { storageMessage } from './contract/storage-message.ts';
import type { RunCommands } from './orchestrator/run-api.ts';
import { Orchestrator, type OrchestratorOptions } from './orchestrator/orchestrator.ts';
import { orchestratorDepsOf } from './orchestrator/orchestrator-deps.ts';
import { createRunCommands } from './orchestrator/run-commands.ts';
import type { ResilienceObserver } from './providers/resilience/resilience-records.ts';
import { type CheckCommands, createCheckCommands } from './checks/check-commands.ts';
import { createNpmInstaller } from './checks/dependency-installer.ts';
import { createMemoryPackageCache, openCacheStoragePackageCache } from './checks/npm/package-cache.ts';
import { type ChangeCommands, createChangeCommands } from './changes/change-commands.ts';
import { type SyncCommands, createSyncCommands } from './sync/sync-commands.ts';
import { SyncService } from './sync/sync-service.ts';

export type { Failure, FailureKind, Result } from './contract/result.ts';
export type { DatabaseHealth, WorkerHealth } from './contract/worker-health.ts';
export type { Settings, SettingsPatch, Theme } from './settings/settings.ts';
export type { ModelPriceRow } from './settings/price-commands.ts';
export type { ModelPrices, PriceField, PriceResetRequest, PriceSetRequest } from './settings/price-edit.ts';
export type { EventType, OrchestraEvent } from './events/catalog.ts';
export type { WriterRole } from './events/writer-lock.ts';
export type { ProjectRow, TaskRow, ArtifactRow, ArtifactVersionRow } from './events/projections/rows.ts';
export type { NewProject, ProjectUpdate } from './projects/project-commands.ts';
export type { ProjectView, ProjectWithPlan } from './projects/project-view.ts';
export type { ProjectUsage } from './projects/housekeeping.ts';
export type { ModelInfo } from './providers/contract/provider-adapter.ts';
export type { RemoteProviderId } from './providers/contract/provider-id.ts';
export type { KeyStatus } from './providers/keys/key-store.ts';
export type { ProviderConfig, ProviderConfigPatch } from './providers/keys/provider-config.ts';
export type { KeyTestResult } from './providers/contract/provider-service-api.ts';
export type { ModelList, ProvidersView } from './providers/provider-commands.ts';
export type {
  OutputUpdate,
  PlanEdit,
  ProviderReadiness,
  ModelRecord,
  RouterReport,
  RunLimits,
  RunSettings,
  TemplateId,
  ZipExport,
} from './orchestrator/run-api.ts';
export type {
  CheckSummary,
  PlanTask,
  PlanView,
  PauseKind,
  Preference,
  TaskKind,
  TaskStatus,
} from './events/projections/rows.ts';
export type { CheckExecutor, CheckRunResult } from './checks/checks-service.ts';
export type * from './checks/contract.ts';
export type {
  ChangeCommands,
  DeleteDone,
  FilesToImport,
  ImportDone,
  RevertDone,
  VersionDiff,
} from './changes/change-commands.ts';
export type { IncomingFile } from './changes/import-files.ts';
export type { ChangeSummary, DiffHunk, DiffLine, FileChange, FileDiff } from './changes/file-diff.ts';
export type { ProjectSyncStatus, SyncStatus } from './sync/sync-status.ts';

/**
 * Every command and query the UI may send the engine. Project commands, housekeeping
 * and provider commands: see `projects/project-commands.ts`, `projects/housekeeping.ts`
 * and `providers/provider-commands.ts`.
 */
export interface WorkerApi
  extends
    ProjectCommands,
    Housekeeping,
    ProviderCommands,
    RunCommands,
    CheckCommands,
    ChangeCommands,
    SyncCommands,
    PriceCommands {
  /**
   * Deletes a project with all its events, read models and the texts nothing else uses;
   * `everywhere`, in a synced space, deletes it on the space's other devices too.
   */
  deleteProject(projectId: string, options?: { everywhere?: boolean }): Promise<Result<{ projectId: string }>>;
  /** Whether the engine is up, its database, and the browser's storage figures. */
  health(): Promise<WorkerHealth>;
  getSettings(): Promise<Result<Settings>>;
  /**
   * Changes some settings and returns all of them.
   * @example await engine.updateSettings({ theme: 'dark' })
   */
  updateSettings(patch: SettingsPatch): Promise<Result<Settings>>;
}

export interface WorkerDeps extends ProviderCommandDeps {
  db: OrchestraDb;
  engine: Engine;
  /** `navigator.storage` where the browser offers it. */
  storage: Pick<StorageManager, 'estimate' | 'persisted'> | undefined;
  now?: () => number;
  /** Run limits, the router's random source, the Template provider's pace (tests, benchmarks). */
  orchestrator?: Omit<OrchestratorOptions, 'providers'>;
  /** Sync with a space on a server: `navigator.locks` (one tab syncs), `fetch` (tests). */
  sync?: { locks?: LockManager | undefined; fetch?: typeof globalThis.fetch; scanMs?: number };
  /** Shared with the other tabs' engines: a price edited in one is used by all. */
  settingsChannel?: BroadcastChannel | undefined;
}

/** What crosses the settings channel between tabs: the device's prices changed. */
interface PricesChanged {
  kind: 'prices';
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

  // One provider service for Settings and the agents alike: unlocked keys live in its memory.
  const loadProviders = deps.providers;
  let providerService: ReturnType<NonNullable<typeof loadProviders>> | undefined;
  // A provider's breaker changing state is news for every run that uses it.
  const observer: ResilienceObserver = { onBreakerChange: (record) => orchestrator.onBreakerChange(record) };
  const sharedProviders = loadProviders
    ? () => (providerService ??= loadProviders({ appOrigin: deps.appOrigin ?? '', observer }))
    : undefined;
  const providerCommands = createProviderCommands({ ...deps, providers: sharedProviders });
  const checkTimeoutMs = () => readSettings(db).then((settings) => settings.checkTimeoutSeconds * 1000);
  const orchestrator = new Orchestrator(orchestratorDepsOf(deps.engine), {
    checkTimeoutMs,
    ...deps.orchestrator,
    providers: sharedProviders,
  });
  // A project's npm packages are fetched here, by the engine, never by its code; they are
  // kept in Cache Storage (memory where a browser has none) for runs without a network.
  orchestrator.checks.setInstaller(
    createNpmInstaller({
      registry: () => readSettings(db).then((settings) => settings.npmRegistry),
      fetch: (input, init) => fetch(input, init),
      cache: () =>
        typeof caches === 'undefined'
          ? Promise.resolve(createMemoryPackageCache())
          : openCacheStoragePackageCache(caches).catch(() => createMemoryPackageCache()),
    }),
  );
  const checkCommands = createCheckCommands(deps.engine, orchestrator.checks, checkTimeoutMs);
  const projects = createProjectCommands(deps.engine);
  const housekeeping = createHousekeeping(deps.engine);
  const runCommands = createRunCommands(deps.engine, orchestrator);
  const changeCommands = createChangeCommands(deps.engine);
  const settingsChannel = deps.settingsChannel;
  settingsChannel?.addEventListener('message', (message: MessageEvent<PricesChanged>) => {
    if (message.data?.kind === 'prices') void orchestrator.reloadPrices().catch(() => undefined);
  });
  const priceCommands = createPriceCommands({
    db,
    prices: () => orchestrator.loadPrices(),
    ...(deps.now ? { now: deps.now } : {}),
    changed: () => settingsChannel?.postMessage({ kind: 'prices' } satisfies PricesChanged),
  });

  const sync = new SyncService(deps.engine, {
    ...deps.sync,
    release: (projectId) => orchestrator.detach(projectId),
    // Another device deleted the project from the space; refused while another tab runs it.
    remove: async (projectId) => {
      const result = await housekeeping.deleteProject(projectId);
      return result.ok || result.kind === 'not_found';
    },
  });
  void sync.resume().catch(() => undefined);
  const syncCommands = createSyncCommands(sync);

  /**
   * Once this tab writes a project, its runner picks up whatever the log says was running
   * — unless another device runs it (synced here): this device watches until the person
   * takes it over. A recovery that fails is never swallowed: the project's watchers are told why, and it
   * is tried again (0.5 s, then twice as long each time up to 15 s) while this tab is
   * still the writer, until it is written.
   */
  const recoverAsWriter = (projectId: string, takeOver: boolean, tries = 0) => {
    orchestrator.attach(projectId, { takeOver }).then(
      () => deps.engine.notices.clear(projectId, 'recovery'),
      (error: unknown) => {
        const delayMs = Math.min(15_000, 500 * 2 ** tries);
        const storage = deps.engine.notices.get(projectId)?.kind === 'storage-full';
        if (!storage) {
          const reason = error instanceof Error ? error.message : String(error);
          deps.engine.notices.set(projectId, {
            kind: 'recovery',
            message:
              `This tab could not pick up the run yet: ${reason} Trying again in ${Math.round(delayMs / 100) / 10} s.`.slice(
                0,
                1000,
              ),
          });
        }
        setTimeout(() => {
          if (deps.engine.locks.role(projectId) === 'writer') recoverAsWriter(projectId, true, tries + 1);
        }, delayMs);
      },
    );
  };
  const attachWhenWriter = (projectId: string) => {
    if (sync.isRemoteNow(projectId)) return;
    if (deps.engine.locks.role(projectId) === 'writer') {
      recoverAsWriter(projectId, false);
    } else {
      const stop = deps.engine.locks.onChange(projectId, (role) => {
        if (role !== 'writer') return;
        stop();
        recoverAsWriter(projectId, true);
      });
    }
  };

  return {
    ...projects,
    ...housekeeping,
    ...providerCommands,
    ...runCommands,
    ...checkCommands,
    ...changeCommands,
    ...syncCommands,
    ...priceCommands,

    async syncTakeOver(projectId) {
      const result = await syncCommands.syncTakeOver(projectId);
      if (result.ok) attachWhenWriter(projectId);
      return result;
    },

    async deleteProject(projectId, options = {}) {
      const name = (await deps.engine.store.saved(projectId)).project?.name ?? 'Project';
      // Sync lets go first, or the project's stream would bring it back.
      const undo = await sync.forget(projectId);
      await orchestrator.detach(projectId);
      const result = await housekeeping.deleteProject(projectId);
      if (!result.ok) await undo();
      else if (options.everywhere) await sync.retire(projectId, name);
      return result;
    },

    async openProject(projectId) {
      const result = await projects.openProject(projectId);
      if (result.ok) attachWhenWriter(projectId);
      return result;
    },

    async sendMessage(projectId, text) {
      const result = await projects.sendMessage(projectId, text);
      if (result.ok) {
        const [event] = await deps.engine.store.read(projectId, result.value.seq, result.value.seq);
        if (event?.type === 'user-message') {
          void orchestrator.answer(projectId, event.payload.messageId).catch(() => undefined);
        }
      }
      return result;
    },

    unwatch(id) {
      projects.unwatch(id);
      runCommands.unwatchOutput(id);
    },

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

    getSettings: () => guarded(async () => ok(await readSettings(db))),

    async updateSettings(patch) {
      const parsed = settingsPatchSchema.safeParse(patch);
      if (!parsed.success) {
        return fail(
          'bad_input',
          `These settings cannot be saved: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`,
        );
      }
      return guarded(async () => ok(await writeSettings(db, parsed.data)));
    },
  };
}
