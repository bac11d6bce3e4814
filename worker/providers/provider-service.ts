import type { OrchestraDb } from '../db/database.ts';
import { catalogModels, unavailableModels } from './catalog.ts';
import type { ProviderConnection } from './contract/connection.ts';
import type { ModelInfo, ProviderAdapter } from './contract/provider-adapter.ts';
import { ProviderError } from './contract/provider-error.ts';
import type { RemoteProviderId } from './contract/provider-id.ts';
import type {
  KeyTestResult,
  ProviderBlock,
  ProviderReady,
  ProviderServiceApi,
} from './contract/provider-service-api.ts';
import { CacheLedger } from './anthropic/cache-ledger.ts';
import { createAdapter } from './create-adapter.ts';
import { KeyStore } from './keys/key-store.ts';
import { type ProviderConfig, type ProviderConfigPatch, providerConfigSchema } from './keys/provider-config.ts';
import { CircuitBreaker } from './resilience/circuit-breaker.ts';
import type { ResilienceObserver } from './resilience/resilience-records.ts';
import { defaultResilience, withResilience } from './resilience/with-resilience.ts';
import { sdkFailure } from './shared/sdk-failure.ts';

export interface ProviderServiceOptions {
  /** The origin serving the app, for proxy mode (`/api/proxy/<provider>`). */
  appOrigin: string;
  observer?: ResilienceObserver;
  now?: () => number;
}

// What each SDK appends its API paths to, behind the proxy.
const proxyPaths: Record<Exclude<RemoteProviderId, 'openai-compatible'>, string> = {
  anthropic: '/api/proxy/anthropic',
  openai: '/api/proxy/openai/v1',
  gemini: '/api/proxy/gemini',
};

/**
 * Everything the engine needs to call a provider with the person's settings: the
 * connection (key from the key store, base URL or proxy), a resilient adapter with one
 * circuit breaker per provider, the key test and the model list.
 */
export class ProviderService implements ProviderServiceApi {
  readonly keys: KeyStore;
  readonly #breakers = new Map<RemoteProviderId, CircuitBreaker>();
  /** What this service's Anthropic adapters asked to cache: they are made per call. */
  readonly #cacheLedger = new CacheLedger();

  constructor(
    private readonly db: OrchestraDb,
    private readonly options: ProviderServiceOptions,
  ) {
    this.keys = new KeyStore(db);
  }

  async configs(): Promise<ProviderConfig[]> {
    return this.db.providerConfigs.toArray();
  }

  async config(provider: RemoteProviderId): Promise<ProviderConfig> {
    return (await this.db.providerConfigs.get(provider)) ?? { provider, useProxy: false };
  }

  async updateConfig(provider: RemoteProviderId, patch: ProviderConfigPatch): Promise<ProviderConfig> {
    // The patch's fields are the settings form's, checked by the schema just below.
    // eslint-disable-next-line no-restricted-syntax
    const merged: Record<string, unknown> = { ...(await this.config(provider)), provider };
    for (const [field, value] of Object.entries(patch)) {
      if (value === '') delete merged[field];
      else if (value !== undefined) merged[field] = value;
    }
    const next = providerConfigSchema.parse(merged);
    await this.db.providerConfigs.put(next);
    return next;
  }

  /** How to reach a provider now; throws a `ProviderError` (auth) when no key is stored. */
  async connection(provider: RemoteProviderId): Promise<ProviderConnection> {
    const config = await this.config(provider);
    const viaProxy = config.useProxy && provider !== 'openai-compatible';
    // Behind a proxy that holds the keys, the client sends its token and no key; the SDKs
    // still want a key to put in a header, which the proxy drops.
    const serverHeld = viaProxy && config.proxyToken !== undefined;
    const apiKey = (await this.keys.get(provider)) ?? (serverHeld ? 'held-by-the-server' : undefined);
    if (!apiKey) {
      throw new ProviderError({ provider, kind: 'auth', detail: 'no key is stored for this provider' });
    }
    const baseUrl = viaProxy ? `${this.options.appOrigin}${proxyPaths[provider]}` : config.baseUrl;
    if (provider === 'openai-compatible' && !baseUrl) {
      throw new ProviderError({
        provider,
        kind: 'bad_request',
        detail: 'an OpenAI-compatible endpoint needs a base URL',
      });
    }
    return {
      provider,
      apiKey,
      ...(baseUrl ? { baseUrl } : {}),
      ...(viaProxy && config.proxyToken ? { headers: { 'x-orchestra-token': config.proxyToken } } : {}),
    };
  }

  /** The adapter agents call, wrapped once in timeouts, retries and the provider's breaker. */
  async adapter(provider: RemoteProviderId, observer?: ResilienceObserver): Promise<ProviderAdapter> {
    const observers = [this.options.observer, observer].filter((entry) => entry !== undefined);
    return withResilience(createAdapter(await this.connection(provider), { cacheLedger: this.#cacheLedger }), {
      ...defaultResilience,
      breaker: this.#breaker(provider),
      ...(observers.length > 0 ? { observer: mergeObservers(observers) } : {}),
    });
  }

  /**
   * Checks the stored key with the cheapest call there is: listing models, which costs
   * no tokens with any of the providers.
   */
  async testKey(provider: RemoteProviderId, signal: AbortSignal): Promise<KeyTestResult> {
    const started = performance.now();
    const models = (await this.#listModels(provider, signal)) ?? catalogModels(provider);
    return { provider, models: models.length, latencyMs: Math.round(performance.now() - started) };
  }

  /**
   * Settings › Fetch models: the provider's own list for this key, kept so that catalog
   * models it lacks are not offered for the key (see `readiness`). Without a list (an
   * adapter that cannot list), the catalog's models.
   */
  async fetchModels(provider: RemoteProviderId, signal: AbortSignal): Promise<ModelInfo[]> {
    const listed = await this.#listModels(provider, signal);
    if (listed === undefined) return catalogModels(provider);
    if (provider !== 'openai-compatible') {
      await this.db.providerConfigs.put({
        ...(await this.config(provider)),
        listedModels: listed.map((model) => model.id).slice(0, 5000),
      });
    }
    return listed;
  }

  async #listModels(provider: RemoteProviderId, signal: AbortSignal): Promise<ModelInfo[] | undefined> {
    const connection = await this.connection(provider);
    const adapter = createAdapter(connection);
    try {
      return await adapter.listModels?.(signal);
    } catch (error) {
      throw asProviderError(provider, error, connection.apiKey, signal);
    }
  }

  async readiness(): Promise<ProviderReady[]> {
    const [status, configs] = await Promise.all([this.keys.status(), this.configs()]);
    const remote: RemoteProviderId[] = ['anthropic', 'openai', 'gemini', 'openai-compatible'];
    return remote.map((provider) => {
      const config = configs.find((entry) => entry.provider === provider);
      const model = config?.model ? { model: config.model } : {};
      const serverHeld =
        config?.useProxy === true && config.proxyToken !== undefined && provider !== 'openai-compatible';
      const unavailable = unavailableModels(provider, (this.options.now ?? Date.now)(), config?.listedModels);
      const verdict = (detail: string, blocked?: ProviderBlock): ProviderReady => ({
        provider,
        ready: blocked === undefined,
        detail,
        ...model,
        ...(blocked ? { blocked } : {}),
        ...(unavailable.length > 0 ? { unavailableModels: unavailable } : {}),
        ...(config?.listedModels ? { listedModels: config.listedModels } : {}),
      });
      if (!status.stored.includes(provider) && !serverHeld) return verdict('No key: add one in Settings.', 'no-key');
      if (status.stored.includes(provider) && !status.unlocked && !serverHeld) {
        return verdict('Your keys are locked: enter your passphrase to use them.', 'locked');
      }
      if (provider === 'openai-compatible' && (!config?.baseUrl || !config.model)) {
        return verdict('Needs a base URL and a model name in Settings.', 'incomplete');
      }
      if (this.#breakers.get(provider)?.state === 'open') {
        return verdict(
          'Paused for a moment after repeated failures; Orchestra will try it again shortly.',
          'cooling-down',
        );
      }
      return verdict(serverHeld ? 'Key held by the Orchestra server.' : 'Key stored on this device.');
    });
  }

  #breaker(provider: RemoteProviderId): CircuitBreaker {
    let breaker = this.#breakers.get(provider);
    if (!breaker) {
      breaker = new CircuitBreaker(provider, {
        failureThreshold: 5,
        cooldownMs: 30_000,
        now: this.options.now ?? Date.now,
        onChange: (record) => this.options.observer?.onBreakerChange?.(record),
      });
      this.#breakers.set(provider, breaker);
    }
    return breaker;
  }
}

/** One observer that tells each of `observers` everything. */
function mergeObservers(observers: ResilienceObserver[]): ResilienceObserver {
  return {
    onBreakerChange: (record) => observers.forEach((observer) => observer.onBreakerChange?.(record)),
    onRetry: (record) => Promise.all(observers.map((observer) => observer.onRetry?.(record))),
    onUsage: (record) => observers.forEach((observer) => observer.onUsage?.(record)),
    onFail: (record) => observers.forEach((observer) => observer.onFail?.(record)),
  };
}

function asProviderError(
  provider: RemoteProviderId,
  error: unknown,
  apiKey: string,
  signal: AbortSignal,
): ProviderError {
  if (error instanceof ProviderError) return error;
  if (signal.aborted) return new ProviderError({ provider, kind: 'timeout', cause: error });
  return sdkFailure(provider, error, [apiKey]);
}
