import type { KeyStore } from '../keys/key-store.ts';
import type { ProviderConfig, ProviderConfigPatch } from '../keys/provider-config.ts';
import type { ModelInfo, ProviderAdapter } from './provider-adapter.ts';
import type { ResilienceObserver } from '../resilience/resilience-records.ts';
import type { RemoteProviderId } from './provider-id.ts';

export interface KeyTestResult {
  provider: RemoteProviderId;
  models: number;
  latencyMs: number;
}

/**
 * What the worker API needs from the provider service. A contract of its own so that
 * worker/api.ts (whose types the UI imports) never reaches the SDKs' type declarations:
 * those are large, and every type-aware tool over web/ would load them.
 */
export interface ProviderServiceApi {
  readonly keys: KeyStore;
  configs(): Promise<ProviderConfig[]>;
  updateConfig(provider: RemoteProviderId, patch: ProviderConfigPatch): Promise<ProviderConfig>;
  testKey(provider: RemoteProviderId, signal: AbortSignal): Promise<KeyTestResult>;
  fetchModels(provider: RemoteProviderId, signal: AbortSignal): Promise<ModelInfo[]>;
  /** The resilient adapter agents call (timeouts, retries, the provider's circuit breaker). */
  adapter(provider: RemoteProviderId, observer?: ResilienceObserver): Promise<ProviderAdapter>;
  /** Which providers can take calls now, and why the others cannot. */
  readiness(): Promise<ProviderReady[]>;
}

export interface ProviderReady {
  provider: RemoteProviderId;
  ready: boolean;
  /** What it will use, or what is missing, in a sentence. */
  detail: string;
  /** The model chosen in Settings (the one an OpenAI-compatible endpoint needs). */
  model?: string;
  /** Catalog models never to route to with this key: retired, or missing from the provider's model list. */
  unavailableModels?: readonly string[];
  /** The models the provider listed for this key at the last Fetch models; others are not routed to. */
  listedModels?: readonly string[];
  /** Why it cannot take calls, when it cannot: what Start does depends on it (see `startSource`). */
  blocked?: ProviderBlock;
}

/**
 * Why a provider cannot take calls: no key (nor a server that holds one), a stored key
 * locked behind the passphrase, settings missing (an OpenAI-compatible endpoint's base
 * URL or model), or a pause after repeated failures.
 */
export type ProviderBlock = 'no-key' | 'locked' | 'incomplete' | 'cooling-down';
