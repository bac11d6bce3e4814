import type { ErrorKind } from '../contract/error-kind.ts';
import type { ProviderConnection } from '../contract/connection.ts';
import type { ModelInfo, ProviderAdapter } from '../contract/provider-adapter.ts';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { FinishReason, StreamPart } from '../contract/stream-part.ts';
import { ProviderError } from '../contract/provider-error.ts';
import type { Usage } from '../contract/usage.ts';
import { mergeCounts } from '../shared/merge-counts.ts';
import { hasBreakpoints, withCacheBreakpoints } from './cache-breakpoints.ts';
import type { CacheLedger } from './cache-ledger.ts';
import { type StreamMapper, guardStream } from '../shared/guard-stream.ts';
import { browserClientOptions } from '../shared/browser-client-options.ts';
import { lazy } from '../shared/lazy.ts';
import { sdkFailure } from '../shared/sdk-failure.ts';

/**
 * Claude through `@anthropic-ai/sdk`. `dangerouslyAllowBrowser` is what makes the SDK
 * send `anthropic-dangerous-direct-browser-access`, without which Anthropic refuses the
 * browser's CORS preflight. The SDK's own retries are off: resilience wraps every
 * adapter once (worker/providers/resilience/). `cacheLedger` remembers, across the
 * adapters of one provider service, which prompts were marked for Anthropic's cache and
 * which are still being read: a marked request waits for one of the same prefix to begin
 * answering, so that it reads what that one caches instead of writing it again.
 */
export function createAnthropicAdapter(
  connection: ProviderConnection,
  options: { cacheLedger?: CacheLedger } = {},
): ProviderAdapter {
  const client = lazy(async () => {
    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    return new Anthropic(browserClientOptions(connection));
  });
  const toError = (error: unknown) => sdkFailure('anthropic', error, [connection.apiKey], kindFromErrorBody);
  const ledger = options.cacheLedger;

  return {
    provider: 'anthropic',

    stream(request, signal) {
      const counts: Partial<Record<CountField, number>> = {};
      let reported = false;
      let reason: FinishReason = 'other';
      let refusal: ProviderError | undefined;
      let stopped = false;
      /** Called when the answer begins (or the request fails): what it cached is readable. */
      let begun = () => {};
      const open = async (sending: () => void) => {
        const anthropic = await client();
        const marked = withCacheBreakpoints(request, ledger);
        const { system, messages } = marked;
        if (ledger && request.cache && hasBreakpoints(marked)) {
          // A request of the same prefix still being read has not cached it yet: wait for it.
          const joined = ledger.join(request.model, request.cache.key, signal);
          begun = joined.begun;
          await joined.wait;
        }
        sending();
        return anthropic.messages
          .create(
            {
              model: request.model,
              max_tokens: request.maxOutputTokens,
              messages,
              stream: true,
              ...(system ? { system } : {}),
              ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
              ...(request.responseFormat
                ? { output_config: { format: { type: 'json_schema', schema: request.responseFormat.schema } } }
                : {}),
            },
            { signal },
          )
          .catch((error: unknown) => {
            begun();
            throw error;
          });
      };
      const mapper: StreamMapper<RawMessageStreamEvent> = {
        event(event) {
          switch (event.type) {
            case 'content_block_delta':
              return event.delta.type === 'text_delta' ? { type: 'text-delta', text: event.delta.text } : undefined;
            case 'message_start':
              begun();
              reported = countUsage(counts, event.message.usage) || reported;
              return undefined;
            case 'message_delta':
              // Usage here repeats or completes message_start's: input may come only here.
              reported = countUsage(counts, event.usage) || reported;
              if (event.delta.stop_reason === 'refusal') {
                const details = event.delta.stop_details;
                refusal = new ProviderError({
                  provider: 'anthropic',
                  kind: 'refused',
                  explanation:
                    details?.explanation ??
                    (details?.category ? `Refused under the ${details.category} policy category.` : 'refusal'),
                  secrets: [connection.apiKey],
                });
              } else reason = finishReason(event.delta.stop_reason);
              return undefined;
            case 'message_stop':
              stopped = true;
              return undefined;
            default:
              return undefined;
          }
        },
        end() {
          begun();
          if (!stopped && !refusal) return [];
          const usage: StreamPart[] = reported ? [{ type: 'usage', usage: usageOf(counts) }] : [];
          return [...usage, refusal ? { type: 'error', error: refusal } : { type: 'finish', reason }];
        },
      };
      // However the stream ends (a failure mid-way calls no `end`), calls waiting on what it
      // caches are let go.
      const stream = guardStream({ provider: 'anthropic', request, signal, toError }, open, mapper);
      return (async function* () {
        try {
          yield* stream;
        } finally {
          begun();
        }
      })();
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
  if (reason === 'max_tokens' || reason === 'model_context_window_exceeded') return 'length';
  return 'other';
}

const countFields = [
  'input_tokens',
  'output_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
  'thinking_tokens',
] as const;
type CountField = (typeof countFields)[number];

interface ReportedUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/** Folds one of Anthropic's usage objects into the counts so far (last value wins per field). */
function countUsage(counts: Partial<Record<CountField, number>>, usage: ReportedUsage): boolean {
  return mergeCounts(counts, { ...usage, thinking_tokens: usage.output_tokens_details?.thinking_tokens }, countFields);
}

/**
 * Anthropic's `input_tokens` counts only the input after the last cache breakpoint: what
 * was read from the cache and what was written to it come on top. Thinking is inside
 * `output_tokens`.
 */
function usageOf(counts: Partial<Record<CountField, number>>): Usage {
  const cacheRead = counts.cache_read_input_tokens ?? 0;
  const cacheWrite = counts.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: (counts.input_tokens ?? 0) + cacheRead + cacheWrite,
    outputTokens: counts.output_tokens ?? 0,
    cachedInputTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: counts.thinking_tokens ?? 0,
    estimated: false,
  };
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
