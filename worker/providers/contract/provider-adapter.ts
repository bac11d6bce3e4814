import type { ProviderId } from './provider-id.ts';
import type { ProviderRequest } from './provider-request.ts';
import type { StreamPart } from './stream-part.ts';

/** A model the provider offers, from the catalog or its list endpoint. */
export interface ModelInfo {
  id: string;
  label: string;
  /** The day the provider retires it (UTC, YYYY-MM-DD), when known: never routed to from then on. */
  retiresOn?: string;
}

/**
 * The one interface agents call models through. `stream` never throws: every failure
 * arrives as an `error` part with a kind from the taxonomy. Aborting `signal` stops the
 * network request at once and ends the stream with a `cancelled` error.
 */
export interface ProviderAdapter {
  readonly provider: ProviderId;
  stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<StreamPart>;
  /** The models the endpoint offers, where the API has a list endpoint. */
  listModels?(signal: AbortSignal): Promise<ModelInfo[]>;
}
