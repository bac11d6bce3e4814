import type { ProviderConnection } from '../contract/connection.ts';

/**
 * Client options shared by the Anthropic and OpenAI SDKs in the worker: browser use
 * allowed (Anthropic sends its CORS header only then; OpenAI refuses to start in a
 * worker without it), no SDK retries (resilience/ retries once, for every provider),
 * and the connection's base URL, fetch and headers where it has them.
 */
export function browserClientOptions(connection: ProviderConnection) {
  return {
    apiKey: connection.apiKey,
    dangerouslyAllowBrowser: true,
    maxRetries: 0,
    ...(connection.baseUrl ? { baseURL: connection.baseUrl } : {}),
    ...(connection.fetch ? { fetch: connection.fetch } : {}),
    ...(connection.headers ? { defaultHeaders: connection.headers } : {}),
  };
}
