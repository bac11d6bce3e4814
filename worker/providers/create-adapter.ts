import { createAnthropicAdapter } from './anthropic/anthropic-adapter.ts';
import type { CacheLedger } from './anthropic/cache-ledger.ts';
import type { ProviderConnection } from './contract/connection.ts';
import type { ProviderAdapter } from './contract/provider-adapter.ts';
import { createGeminiAdapter } from './gemini/gemini-adapter.ts';
import { createOpenAiCompatibleAdapter } from './openai-compatible/openai-compatible-adapter.ts';
import { createOpenAiAdapter } from './openai/openai-adapter.ts';

/**
 * The adapter for a connection. Cheap: each SDK is loaded on the adapter's first call.
 * `cacheLedger` (Anthropic) is what the adapters of one service marked for caching.
 */
export function createAdapter(
  connection: ProviderConnection,
  options: { cacheLedger?: CacheLedger } = {},
): ProviderAdapter {
  switch (connection.provider) {
    case 'anthropic':
      return createAnthropicAdapter(connection, options);
    case 'openai':
      return createOpenAiAdapter(connection);
    case 'openai-compatible':
      return createOpenAiCompatibleAdapter(connection);
    case 'gemini':
      return createGeminiAdapter(connection);
  }
}
