import type { ProviderConnection } from '../contract/connection.ts';
import type { ModelInfo, ProviderAdapter } from '../contract/provider-adapter.ts';
import type { GenerateContentResponse } from '@google/genai';
import type { FinishReason } from '../contract/stream-part.ts';
import type { Usage } from '../contract/usage.ts';
import { type StreamMapper, guardStream } from '../shared/guard-stream.ts';
import { closingParts } from '../shared/closing-parts.ts';
import { lazy } from '../shared/lazy.ts';
import { sdkFailure } from '../shared/sdk-failure.ts';

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
      let usage: Usage | undefined;
      const open = async () => {
        const ai = await client();
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
          const candidate = chunk.candidates?.[0];
          if (candidate?.finishReason) reason = finishReason(candidate.finishReason);
          const metadata = chunk.usageMetadata;
          if (metadata) {
            // Thinking tokens are billed as output.
            usage = {
              inputTokens: metadata.promptTokenCount ?? 0,
              outputTokens: (metadata.candidatesTokenCount ?? 0) + (metadata.thoughtsTokenCount ?? 0),
              cachedInputTokens: metadata.cachedContentTokenCount ?? 0,
              estimated: false,
            };
          }
          let text = '';
          // Thought summaries are not the answer.
          for (const part of candidate?.content?.parts ?? []) if (part.text && !part.thought) text += part.text;
          return text ? { type: 'text-delta', text } : undefined;
        },
        end() {
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
  if (/SAFETY|RECITATION|BLOCKLIST|PROHIBITED|SPII/.test(reason)) return 'content_filter';
  return 'other';
}
