import { createAnthropicAdapter } from './anthropic/anthropic-adapter.ts';
import type { ProviderConnection } from './contract/connection.ts';
import type { ProviderAdapter } from './contract/provider-adapter.ts';
import { createGeminiAdapter } from './gemini/gemini-adapter.ts';
import { createOpenAiCompatibleAdapter } from './openai-compatible/openai-compatible-adapter.ts';
import { createOpenAiAdapter } from './openai/openai-adapter.ts';

/** The adapter for a connection. Cheap: each SDK is loaded on the adapter's first call. */
export function createAdapter(connection: ProviderConnection): ProviderAdapter {
  switch (connection.provider) {
    case 'anthropic':
      return createAnthropicAdapter(connection);
    case 'openai':
      return createOpenAiAdapter(connection);
    case 'openai-compatible':
      return createOpenAiCompatibleAdapter(connection);
    case 'gemini':
      return createGeminiAdapter(connection);
  }
}
