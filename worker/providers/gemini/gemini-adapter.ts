import type { ProviderConnection } from '../contract/connection.ts';
import type { ModelInfo, ProviderAdapter } from '../contract/provider-adapter.ts';
import type { GenerateContentResponse } from '@google/genai';
import type { FinishReason } from '../contract/stream-part.ts';
import type { Usage } from '../contract/usage.ts';
import { type StreamMapper, guardStream } from '../shared/guard-stream.ts';
import { closingParts } from '../shared/closing-parts.ts';
import { lazy } from '../shared/lazy.ts';
import { sdkFailure } from '../shared/sdk-failure.ts';
import { mergeCounts } from '../shared/merge-counts.ts';
import { ProviderError } from '../contract/provider-error.ts';

/**
 * Gemini through `@google/genai`. From a browser, Google's CORS preflight allows only
 * `x-goog-api-key`, `x-goog-api-client` and `content-type`, which is what the SDK sends:
 * no extra headers are added here except for the Orchestra proxy (same origin, no CORS).
 * The SDK retries only when given `retryOptions`, which we never pass.
 */
export function createGeminiAdapter(connection: ProviderConnection): ProviderAdapter {
  const client = lazy(async () => {
    const { GoogleGenAI } = await import('@google/genai');
    return new GoogleGenAI({
      apiKey: connection.apiKey,
      httpOptions: {
        ...(connection.baseUrl ? { baseUrl: connection.baseUrl } : {}),
        ...(connection.fetch ? { fetch: connection.fetch } : {}),
        ...(connection.headers ? { headers: connection.headers } : {}),
      },
    });
  });
  const toError = (error: unknown) => sdkFailure('gemini', error, [connection.apiKey]);

  return {
    provider: 'gemini',

    stream(request, signal) {
      let reason: FinishReason | undefined;
      const counts: Partial<Record<CountField, number>> = {};
      let reported = false;
      let refusal: string | undefined;
      let promptBlocked = false;
      const open = async (sending: () => void) => {
        const ai = await client();
        sending();
        return ai.models.generateContentStream({
          model: request.model,
          contents: request.messages.map((message) => ({
            role: message.role === 'assistant' ? 'model' : 'user',
            parts: [{ text: message.content }],
          })),
          config: {
            abortSignal: signal,
            maxOutputTokens: request.maxOutputTokens,
            ...(request.system ? { systemInstruction: request.system } : {}),
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
            ...(request.responseFormat
              ? { responseMimeType: 'application/json', responseJsonSchema: request.responseFormat.schema }
              : {}),
          },
        });
      };
      const mapper: StreamMapper<GenerateContentResponse> = {
        event(chunk) {
          const blocked = chunk.promptFeedback?.blockReason;
          if (blocked) {
            promptBlocked = true;
            refusal = chunk.promptFeedback?.blockReasonMessage ?? `The prompt was blocked (${blocked}).`;
          }
          const candidate = chunk.candidates?.[0];
          const finish = candidate?.finishReason;
          if (finish && refusalReasons.has(finish)) {
            refusal = candidate.finishMessage ?? `The answer was stopped by the ${finish} filter.`;
          } else if (finish) reason = finishReason(finish);
          if (chunk.usageMetadata) reported = mergeCounts(counts, chunk.usageMetadata, countFields) || reported;
          let text = '';
          // Thought summaries are not the answer.
          for (const part of candidate?.content?.parts ?? []) if (part.text && !part.thought) text += part.text;
          return text ? { type: 'text-delta', text } : undefined;
        },
        end() {
          const usage = reported ? usageOf(counts) : undefined;
          if (refusal !== undefined) {
            const error = new ProviderError({
              provider: 'gemini',
              kind: 'refused',
              explanation: refusal,
              promptBlocked,
              secrets: [connection.apiKey],
            });
            return [...(usage ? [{ type: 'usage' as const, usage }] : []), { type: 'error', error }];
          }
          // Gemini's stream has no end marker: only a finish reason says the answer is whole.
          return closingParts(usage, reason);
        },
      };
      return guardStream({ provider: 'gemini', request, signal, toError }, open, mapper);
    },

    async listModels(signal): Promise<ModelInfo[]> {
      const ai = await client();
      const models: ModelInfo[] = [];
      for await (const model of await ai.models.list({ config: { abortSignal: signal } })) {
        const id = (model.name ?? '').replace(/^models\//, '');
        if (id) models.push({ id, label: model.displayName ?? id });
      }
      return models;
    },
  };
}

function finishReason(reason: string): FinishReason {
  if (reason === 'STOP') return 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  return 'other';
}

/** Finish reasons of `@google/genai`'s `FinishReason` enum that mean a filter stopped the answer. */
const refusalReasons: ReadonlySet<string> = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

const countFields = [
  'promptTokenCount',
  'candidatesTokenCount',
  'thoughtsTokenCount',
  'cachedContentTokenCount',
  'toolUsePromptTokenCount',
] as const;
type CountField = (typeof countFields)[number];

/**
 * Gemini's prompt count includes what was read from its cache; thinking and tool-use
 * prompts are counted apart from the answer and the prompt, and billed as output and
 * input. Its implicit cache costs nothing to write.
 */
function usageOf(counts: Partial<Record<CountField, number>>): Usage {
  const thinking = counts.thoughtsTokenCount ?? 0;
  return {
    inputTokens: (counts.promptTokenCount ?? 0) + (counts.toolUsePromptTokenCount ?? 0),
    outputTokens: (counts.candidatesTokenCount ?? 0) + thinking,
    cachedInputTokens: counts.cachedContentTokenCount ?? 0,
    cacheWriteTokens: 0,
    reasoningTokens: thinking,
    estimated: false,
  };
}
