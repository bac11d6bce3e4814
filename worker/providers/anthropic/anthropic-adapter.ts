import type { ErrorKind } from '../contract/error-kind.ts';
import type { ProviderConnection } from '../contract/connection.ts';
import type { ModelInfo, ProviderAdapter } from '../contract/provider-adapter.ts';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { FinishReason } from '../contract/stream-part.ts';
import { type StreamMapper, guardStream } from '../shared/guard-stream.ts';
import { browserClientOptions } from '../shared/browser-client-options.ts';
import { lazy } from '../shared/lazy.ts';
import { sdkFailure } from '../shared/sdk-failure.ts';

/**
 * Claude through `@anthropic-ai/sdk`. `dangerouslyAllowBrowser` is what makes the SDK
 * send `anthropic-dangerous-direct-browser-access`, without which Anthropic refuses the
 * browser's CORS preflight. The SDK's own retries are off: resilience wraps every
 * adapter once (worker/providers/resilience/).
 */
export function createAnthropicAdapter(connection: ProviderConnection): ProviderAdapter {
  const client = lazy(async () => {
    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    return new Anthropic(browserClientOptions(connection));
  });
  const toError = (error: unknown) => sdkFailure('anthropic', error, [connection.apiKey], kindFromErrorBody);

  return {
    provider: 'anthropic',

    stream(request, signal) {
      let inputTokens = 0;
      let cachedInputTokens = 0;
      let outputTokens = 0;
      let reason: FinishReason = 'other';
      let stopped = false;
      const open = async () => {
        const anthropic = await client();
        return anthropic.messages.create(
          {
            model: request.model,
            max_tokens: request.maxOutputTokens,
            messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
            stream: true,
            ...(request.system ? { system: request.system } : {}),
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
            ...(request.responseFormat
              ? { output_config: { format: { type: 'json_schema', schema: request.responseFormat.schema } } }
              : {}),
          },
          { signal },
        );
      };
      const mapper: StreamMapper<RawMessageStreamEvent> = {
        event(event) {
          switch (event.type) {
            case 'content_block_delta':
              return event.delta.type === 'text_delta' ? { type: 'text-delta', text: event.delta.text } : undefined;
            case 'message_start': {
              const usage = event.message.usage;
              cachedInputTokens = usage.cache_read_input_tokens ?? 0;
              inputTokens = usage.input_tokens + cachedInputTokens + (usage.cache_creation_input_tokens ?? 0);
              outputTokens = usage.output_tokens;
              return undefined;
            }
            case 'message_delta':
              outputTokens = event.usage.output_tokens;
              reason = finishReason(event.delta.stop_reason);
              return undefined;
            case 'message_stop':
              stopped = true;
              return undefined;
            default:
              return undefined;
          }
        },
        end: () =>
          stopped
            ? [
                { type: 'usage', usage: { inputTokens, outputTokens, cachedInputTokens, estimated: false } },
                { type: 'finish', reason },
              ]
            : [],
      };
      return guardStream({ provider: 'anthropic', request, signal, toError }, open, mapper);
    },

    async listModels(signal): Promise<ModelInfo[]> {
      const anthropic = await client();
      const models: ModelInfo[] = [];
      for await (const model of anthropic.models.list({}, { signal })) {
        models.push({ id: model.id, label: model.display_name });
      }
      return models;
    },
  };
}

function finishReason(reason: string | null): FinishReason {
  if (reason === 'end_turn' || reason === 'stop_sequence') return 'stop';
  if (reason === 'max_tokens') return 'length';
  if (reason === 'refusal') return 'content_filter';
  return 'other';
}

// Errors sent inside a stream (`event: error`) have no HTTP status, only a type.
function kindFromErrorBody(body: unknown): ErrorKind | undefined {
  const type = (body as { error?: { type?: unknown } } | undefined)?.error?.type;
  switch (type) {
    case 'overloaded_error':
    case 'api_error':
      return 'overloaded';
    case 'rate_limit_error':
      return 'rate_limited';
    case 'authentication_error':
      return 'auth';
    case 'permission_error':
      return 'permission';
    case 'request_too_large':
      return 'context_too_long';
    case 'invalid_request_error':
      return 'bad_request';
    default:
      return undefined;
  }
}
