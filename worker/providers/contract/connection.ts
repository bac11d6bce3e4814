import type { RemoteProviderId } from './provider-id.ts';

/**
 * How to reach one provider. `baseUrl` overrides the SDK's default host (a self-hosted
 * endpoint, the Orchestra proxy, or the simulator in tests); `fetch` is injectable for
 * the same reason, as every SDK allows.
 */
export interface ProviderConnection {
  provider: RemoteProviderId;
  apiKey: string;
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  /** Extra headers, e.g. the client token the Orchestra proxy asks for. */
  headers?: Record<string, string>;
}
