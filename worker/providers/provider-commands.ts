/**
 * The provider commands of the worker API: connections, keys and their passphrase, key
 * tests and model lists. Each returns a Result; keys never leave the engine.
 */
import { type Result, fail, ok } from '../contract/result.ts';
import { storageMessage } from '../contract/storage-message.ts';
import { catalogModels, listedAs, withRetirement } from './catalog.ts';
import type { ModelInfo } from './contract/provider-adapter.ts';
import { ProviderError } from './contract/provider-error.ts';
import { type RemoteProviderId, remoteProviderIdSchema } from './contract/provider-id.ts';
import type { KeyTestResult, ProviderServiceApi } from './contract/provider-service-api.ts';
import { redact } from './contract/redact.ts';
import type { ResilienceObserver } from './resilience/resilience-records.ts';
import { type KeyStatus, KeyStoreError } from './keys/key-store.ts';
import { type ProviderConfig, type ProviderConfigPatch, providerConfigPatchSchema } from './keys/provider-config.ts';
import { lazy } from './shared/lazy.ts';

/** The providers section of Settings: connections and key status, never the keys. */
export interface ProvidersView {
  keys: KeyStatus;
  configs: ProviderConfig[];
}

/** A provider's models, and whether its endpoint could be asked for its own. */
export interface ModelList {
  models: ModelInfo[];
  /** Whether the endpoint's own list was fetched (else only the catalog's models are here). */
  fetched: boolean;
  /** Why the endpoint could not be asked, when it could not. */
  problem: string | null;
}

export interface ProviderCommands {
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
  /**
   * The catalog's models plus, where the API lists them, the endpoint's own. When the
   * endpoint cannot be asked, the catalog's models come back with the reason in `problem`.
   */
  listModels(provider: RemoteProviderId): Promise<Result<ModelList>>;
}

export interface ProviderCommandDeps {
  /** The origin serving the app, for the provider proxy; the worker's own location. */
  appOrigin?: string | undefined;
  /**
   * Loads the provider service (its own chunk; each SDK loads later still). Injected so
   * that what imports the API's types never loads the SDKs' types.
   */
  providers?:
    ((options: { appOrigin: string; observer?: ResilienceObserver }) => Promise<ProviderServiceApi>) | undefined;
  /** How long a key test or model listing may take. */
  providerTimeoutMs?: number | undefined;
}

export function createProviderCommands(deps: ProviderCommandDeps): ProviderCommands {
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
    const parsed = remoteProviderIdSchema.safeParse(provider);
    return parsed.success ? parsed.data : undefined;
  }

  const unknownProvider = () => fail('bad_input', 'Orchestra does not know this provider.');

  return {
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
      if (!fetched.ok)
        return known.length > 0 ? ok({ models: known, fetched: false, problem: fetched.message }) : fetched;
      // A catalog model the provider did not list for this key is not offered for it.
      const listed = fetched.value.map((model) => model.id);
      const offered = known.filter((model) => listed.some((id) => listedAs(id, model.id)));
      const ids = new Set(offered.map((model) => model.id));
      return ok({
        models: [
          ...offered,
          ...fetched.value.filter((model) => !ids.has(model.id)).map((model) => withRetirement(id, model)),
        ],
        fetched: true,
        problem: null,
      });
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
