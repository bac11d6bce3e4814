import type { ProviderConnection } from '../contract/connection.ts';
import type { ModelInfo, ProviderAdapter } from '../contract/provider-adapter.ts';
import type { ProviderRequest } from '../contract/provider-request.ts';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { FinishReason } from '../contract/stream-part.ts';
import type { Usage } from '../contract/usage.ts';
import { type StreamMapper, guardStream } from '../shared/guard-stream.ts';
import { closingParts } from '../shared/closing-parts.ts';
import { browserClientOptions } from '../shared/browser-client-options.ts';
import { lazy } from '../shared/lazy.ts';
import { sdkFailure } from '../shared/sdk-failure.ts';
import { ProviderError } from '../contract/provider-error.ts';

/** What differs between OpenAI itself and servers that speak its protocol. */
export interface OpenAiFlavour {
  provider: 'openai' | 'openai-compatible';
  /**
   * OpenAI renamed `max_tokens` to `max_completion_tokens`; most compatible servers
   * (Ollama, LM Studio, vLLM) still know only the old name.
   */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** OpenAI routes requests sharing a `prompt_cache_key` to the same cache; other servers may refuse the field. */
  promptCacheKey: boolean;
}

const openAi: OpenAiFlavour = { provider: 'openai', maxTokensField: 'max_completion_tokens', promptCacheKey: true };

/**
 * GPT through the `openai` SDK. The SDK refuses to start inside a Web Worker unless
 * `dangerouslyAllowBrowser` is set; its own retries are off because resilience wraps
 * every adapter once. Usage comes only in the last chunk and only when asked for with
 * `stream_options.include_usage`.
 */
export function createOpenAiAdapter(connection: ProviderConnection, flavour: OpenAiFlavour = openAi): ProviderAdapter {
  const { provider } = flavour;
  const client = lazy(async () => {
    const { default: OpenAI } = await import('openai');
    return new OpenAI(browserClientOptions(connection));
  });
  const toError = (error: unknown) => sdkFailure(provider, error, [connection.apiKey]);

  return {
    provider,

    stream(request, signal) {
      let reason: FinishReason | 'content_filter' | undefined;
      let usage: Usage | undefined;
      let refusal = '';
      const open = async (sending: () => void) => {
        const openai = await client();
        sending();
        return openai.chat.completions.create(
          {
            model: request.model,
            messages: messagesOf(request),
            stream: true,
            stream_options: { include_usage: true },
            [flavour.maxTokensField]: request.maxOutputTokens,
            ...(flavour.promptCacheKey && request.cache ? { prompt_cache_key: request.cache.key } : {}),
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
            ...(request.responseFormat
              ? {
                  response_format: {
                    type: 'json_schema',
                    json_schema: { name: request.responseFormat.name, schema: request.responseFormat.schema },
                  },
                }
              : {}),
          },
          { signal },
        );
      };
      const mapper: StreamMapper<ChatCompletionChunk> = {
        event(chunk) {
          if (chunk.usage) usage = usageOf(chunk.usage);
          const choice = chunk.choices[0];
          if (choice?.finish_reason) reason = finishReason(choice.finish_reason);
          // A refusal streams in a field of its own, never as content.
          if (choice?.delta.refusal) refusal += choice.delta.refusal;
          const text = choice?.delta.content;
          return text ? { type: 'text-delta', text } : undefined;
        },
        end() {
          if (reason !== undefined && (refusal !== '' || reason === 'content_filter')) {
            const error = new ProviderError({
              provider,
              kind: 'refused',
              explanation: refusal || 'The answer was stopped by the content filter.',
              secrets: [connection.apiKey],
            });
            return [...(usage ? [{ type: 'usage' as const, usage }] : []), { type: 'error', error }];
          }
          return closingParts(usage, reason);
        },
      };
      return guardStream({ provider, request, signal, toError }, open, mapper);
    },

    async listModels(signal): Promise<ModelInfo[]> {
      const openai = await client();
      const models: ModelInfo[] = [];
      for await (const model of openai.models.list({ signal })) models.push({ id: model.id, label: model.id });
      return models;
    },
  };
}

function usageOf(reported: CompletionUsage): Usage {
  const { prompt_tokens: input, completion_tokens: output, total_tokens: total } = reported;
  const reasoning = reported.completion_tokens_details?.reasoning_tokens ?? 0;
  // OpenAI counts reasoning inside completion tokens; some compatible servers (xAI)
  // leave it out of both and only the total shows it. It is billed as output.
  const outputTokens = Math.max(output, total - input);
  return {
    inputTokens: input,
    outputTokens,
    cachedInputTokens: reported.prompt_tokens_details?.cached_tokens ?? 0,
    // OpenAI bills nothing extra for writing its cache.
    cacheWriteTokens: 0,
    reasoningTokens: Math.max(reasoning, outputTokens - output),
    estimated: false,
  };
}

function messagesOf(request: ProviderRequest) {
  return [
    ...(request.system ? [{ role: 'system' as const, content: request.system }] : []),
    ...request.messages.map((message) => ({ role: message.role, content: message.content })),
  ];
}

function finishReason(reason: string): FinishReason | 'content_filter' {
  if (reason === 'stop') return 'stop';
  if (reason === 'length') return 'length';
  if (reason === 'content_filter') return 'content_filter';
  return 'other';
}
