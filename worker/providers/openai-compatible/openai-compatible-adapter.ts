import type { ProviderConnection } from '../contract/connection.ts';
import type { ProviderAdapter } from '../contract/provider-adapter.ts';
import { createOpenAiAdapter } from '../openai/openai-adapter.ts';

/**
 * Any server that speaks OpenAI Chat Completions — Ollama, LM Studio, vLLM, OpenRouter,
 * Groq — through the `openai` SDK with the server's base URL. Only the configuration
 * differs from OpenAI itself.
 *
 * @example createOpenAiCompatibleAdapter({ provider: 'openai-compatible', apiKey: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1' })
 */
export function createOpenAiCompatibleAdapter(connection: ProviderConnection): ProviderAdapter {
  return createOpenAiAdapter(connection, {
    provider: 'openai-compatible',
    maxTokensField: 'max_tokens',
    promptCacheKey: false,
  });
}
