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
import type { ModelInfo } from './providers/contract/provider-adapter.ts';
import { ProviderError } from './providers/contract/provider-error.ts';
import { type RemoteProviderId, providerIdSchema } from './providers/contract/provider-id.ts';
import { redact } from './providers/contract/redact.ts';
import { type KeyStatus, KeyStoreError } from './providers/keys/key-store.ts';
import {
  type ProviderConfig,
  type ProviderConfigPatch,
  providerConfigPatchSchema,
} from './providers/keys/provider-config.ts';
import type { KeyTestResult, ProviderServiceApi } from './providers/contract/provider-service-api.ts';
import { catalogModels } from './providers/catalog.ts';
import { lazy } from './providers/shared/lazy.ts';

export type { Failure, FailureKind, Result } from './contract/result.ts';
export type { DatabaseHealth, WorkerHealth } from './contract/worker-health.ts';
export type { Settings, SettingsPatch, Theme } from './settings/settings.ts';
export type { EventType, OrchestraEvent } from './events/catalog.ts';
export type { WriterRole } from './events/writer-lock.ts';
export type { ProjectRow, TaskRow, ArtifactRow, ArtifactVersionRow } from './events/projections/rows.ts';
export type { NewProject, ProjectUpdate } from './projects/project-commands.ts';
export type { ProjectView } from './projects/project-view.ts';
export type { ProjectUsage } from './projects/housekeeping.ts';
export type { ModelInfo } from './providers/contract/provider-adapter.ts';
export type { RemoteProviderId } from './providers/contract/provider-id.ts';
export type { KeyStatus } from './providers/keys/key-store.ts';
export type { ProviderConfig, ProviderConfigPatch } from './providers/keys/provider-config.ts';
export type { KeyTestResult } from './providers/contract/provider-service-api.ts';

/** The providers section of Settings: connections and key status, never the keys. */
export interface ProvidersView {
  keys: KeyStatus;
  configs: ProviderConfig[];
}

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
  /** Provider connections and which keys are stored (the keys themselves never leave the engine). */
  getProviders(): Promise<Result<ProvidersView>>;
  /**
   * Changes how a provider is reached.
   * @example await engine.updateProvider('openai-compatible', { baseUrl: 'http://127.0.0.1:11434/v1' })
   */
  updateProvider(provider: RemoteProviderId, patch: ProviderConfigPatch): Promise<Result<ProviderConfig>>;
  /** Stores a provider's API key on this device (sealed when a passphrase is set). */
  setKey(provider: RemoteProviderId, apiKey: string): Promise<Result<KeyStatus>>;
  removeKey(provider: RemoteProviderId): Promise<Result<KeyStatus>>;
  /** Encrypts every stored key with a passphrase (PBKDF2 + AES-GCM). */
  setPassphrase(passphrase: string): Promise<Result<KeyStatus>>;
  unlockKeys(passphrase: string): Promise<Result<KeyStatus>>;
  lockKeys(): Promise<Result<KeyStatus>>;
  removePassphrase(passphrase: string): Promise<Result<KeyStatus>>;
  /** Checks a provider's stored key with the cheapest call there is (listing models). */
  testKey(provider: RemoteProviderId): Promise<Result<KeyTestResult>>;
  /** The catalog's models plus, where the API lists them, the endpoint's own. */
  listModels(provider: RemoteProviderId): Promise<Result<ModelInfo[]>>;
}

export interface WorkerDeps {
  db: OrchestraDb;
  engine: Engine;
  /** `navigator.storage` where the browser offers it. */
  storage: Pick<StorageManager, 'estimate' | 'persisted'> | undefined;
  now?: () => number;
  /** The origin serving the app, for the provider proxy; the worker's own location. */
  appOrigin?: string;
  /**
   * Loads the provider service (adapters, resilience, key store) on the first provider
   * command. Injected, so this module keeps no path to the SDKs: worker/index.ts passes
   * `loadProviderService`. Without it, provider commands answer "unavailable".
   */
  providers?: (options: { appOrigin: string }) => Promise<ProviderServiceApi>;
  /** How long a key test or model listing may take. */
  providerTimeoutMs?: number;
}

export function createWorkerApi(deps: WorkerDeps): WorkerApi {
  const startedAt = (deps.now ?? Date.now)();
  const { db } = deps;
  const loadProviders = deps.providers;
  const providers: () => Promise<ProviderServiceApi> = lazy(async () => {
    if (!loadProviders) throw new ProvidersMissingError();
    return loadProviders({ appOrigin: deps.appOrigin ?? '' });
  });
  const providerTimeoutMs = deps.providerTimeoutMs ?? 15_000;

  /** Runs key and provider work, turning its failures into data the UI can show. */
  async function keyed<T>(work: () => Promise<T>): Promise<Result<T>> {
    try {
      return ok(await work());
    } catch (error) {
      if (error instanceof ProviderError) {
        return fail('provider', `${error.message} ${error.action}`, error.isRetryable);
      }
      if (error instanceof KeyStoreError) return keyFailure(error);
      if (error instanceof ProvidersMissingError) {
        return fail('unavailable', 'Model providers are not available in this build of the engine.');
      }
      // Nothing else should carry a key, but a message is redacted before it leaves anyway.
      return fail('storage', redact(storageMessage(error)), true);
    }
  }

  function checkedProvider(provider: unknown): RemoteProviderId | undefined {
    const parsed = providerIdSchema.exclude(['template']).safeParse(provider);
    return parsed.success ? parsed.data : undefined;
  }

  const unknownProvider = () => fail('bad_input', 'Orchestra does not know this provider.');

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

    getProviders: () =>
      keyed(async () => ({
        keys: await (await providers()).keys.status(),
        configs: await (await providers()).configs(),
      })),

    async updateProvider(provider, patch) {
      const id = checkedProvider(provider);
      if (!id) return unknownProvider();
      const parsed = providerConfigPatchSchema.safeParse(patch);
      if (!parsed.success) {
        return fail(
          'bad_input',
          `This provider setting cannot be saved: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`,
        );
      }
      return keyed(async () => (await providers()).updateConfig(id, parsed.data));
    },

    async setKey(provider, apiKey) {
      const id = checkedProvider(provider);
      if (!id) return unknownProvider();
      const key = typeof apiKey === 'string' ? apiKey.trim() : '';
      if (key.length < 4 || key.length > 500 || /\s/.test(key)) {
        return fail('bad_input', 'That does not look like an API key: paste the whole key, without spaces.');
      }
      return keyed(async () => {
        await (await providers()).keys.set(id, key);
        return (await providers()).keys.status();
      });
    },

    async removeKey(provider) {
      const id = checkedProvider(provider);
      if (!id) return unknownProvider();
      return keyed(async () => {
        await (await providers()).keys.remove(id);
        return (await providers()).keys.status();
      });
    },

    async setPassphrase(passphrase) {
      if (typeof passphrase !== 'string' || passphrase.length < 8) {
        return fail('bad_input', 'Choose a passphrase of at least 8 characters.');
      }
      return keyed(async () => {
        await (await providers()).keys.setPassphrase(passphrase);
        return (await providers()).keys.status();
      });
    },

    unlockKeys: (passphrase) =>
      keyed(async () => {
        await (await providers()).keys.unlock(String(passphrase));
        return (await providers()).keys.status();
      }),

    lockKeys: () =>
      keyed(async () => {
        (await providers()).keys.lock();
        return (await providers()).keys.status();
      }),

    removePassphrase: (passphrase) =>
      keyed(async () => {
        await (await providers()).keys.removePassphrase(String(passphrase));
        return (await providers()).keys.status();
      }),

    async testKey(provider) {
      const id = checkedProvider(provider);
      if (!id) return unknownProvider();
      return keyed(async () => (await providers()).testKey(id, AbortSignal.timeout(providerTimeoutMs)));
    },

    async listModels(provider) {
      const id = checkedProvider(provider);
      if (!id) return unknownProvider();
      const known = catalogModels(id);
      const fetched = await keyed(async () =>
        (await providers()).fetchModels(id, AbortSignal.timeout(providerTimeoutMs)),
      );
      if (!fetched.ok) return known.length > 0 ? ok(known) : fetched;
      const ids = new Set(known.map((model) => model.id));
      return ok([...known, ...fetched.value.filter((model) => !ids.has(model.id))]);
    },
  };
}

class ProvidersMissingError extends Error {}

function keyFailure(error: KeyStoreError) {
  switch (error.problem) {
    case 'locked':
      return fail('locked', 'Your API keys are locked: enter your passphrase in Settings to use them.');
    case 'wrong_passphrase':
      return fail('bad_input', 'That passphrase does not open your keys.');
    case 'no_passphrase':
      return fail('bad_input', 'No passphrase is set: your keys are not encrypted.');
    case 'passphrase_set':
      return fail('bad_input', 'A passphrase is already set; remove it first to choose another.');
  }
}

function storageMessage(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'QuotaExceededError' || /quota/i.test(String(error))) {
    return 'The browser has no room left for Orchestra’s data. Free some space (Data view) and try again; nothing already saved was lost.';
  }
  const detail = error instanceof Error ? error.message : String(error);
  return `Orchestra could not open its storage in this browser (${detail}). Private windows and some browser settings block it.`;
}
