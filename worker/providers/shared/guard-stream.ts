import type { ProviderId } from '../contract/provider-id.ts';
import { ProviderError } from '../contract/provider-error.ts';
import type { ProviderRequest } from '../contract/provider-request.ts';
import type { StreamPart } from '../contract/stream-part.ts';
import { type Usage, estimateTokens } from '../contract/usage.ts';

export interface GuardOptions {
  provider: ProviderId;
  request: ProviderRequest;
  signal: AbortSignal;
  /** Turns whatever the SDK threw into the taxonomy. */
  toError: (error: unknown) => ProviderError;
}

/**
 * Holds every adapter to the contract: nothing is thrown (failures become one `error`
 * part), an abort is always `cancelled`, and usage is always reported — estimated from
 * the text when the provider never said (OpenAI sends it only in the last chunk, so a
 * cut stream has none), because the cost governor must settle every call.
 */
export async function* guardStream(
  options: GuardOptions,
  body: () => AsyncIterable<StreamPart>,
): AsyncGenerator<StreamPart, void, undefined> {
  let outputChars = 0;
  let output = '';
  let usageSeen = false;
  let finished = false;
  const estimate = (): StreamPart => ({ type: 'usage', usage: estimatedUsage(options.request, output, outputChars) });
  try {
    for await (const part of body()) {
      if (part.type === 'text-delta') {
        if (part.text === '') continue;
        outputChars += part.text.length;
        // Keep a short tail only: enough to estimate, never the whole answer twice.
        if (output.length < 4096) output += part.text;
      } else if (part.type === 'usage') {
        usageSeen = true;
      } else if (part.type === 'finish') {
        finished = true;
        if (!usageSeen) {
          usageSeen = true;
          yield estimate();
        }
      }
      yield part;
    }
    // Some SDKs end the iteration quietly on abort, and a stream can stop without its
    // closing event: neither is a finished answer.
    if (!finished) throw new Error('The stream ended before the model finished.');
  } catch (error) {
    const failure = options.signal.aborted
      ? new ProviderError({ provider: options.provider, kind: 'cancelled', cause: error })
      : options.toError(error);
    if (!usageSeen && outputChars > 0) yield estimate();
    yield { type: 'error', error: failure };
  }
}

function estimatedUsage(request: ProviderRequest, output: string, outputChars: number): Usage {
  const prompt = [request.system ?? '', ...request.messages.map((message) => message.content)].join('\n');
  return {
    inputTokens: estimateTokens(prompt),
    outputTokens: Math.max(estimateTokens(output), Math.ceil(outputChars / 4)),
    cachedInputTokens: 0,
    estimated: true,
  };
}
