import type { ProviderId } from '../contract/provider-id.ts';
import { ProviderError } from '../contract/provider-error.ts';
import type { ProviderRequest } from '../contract/provider-request.ts';
import type { StreamPart } from '../contract/stream-part.ts';
import { type Usage, estimateOutputTokens, estimateTokens } from '../contract/usage.ts';

export interface GuardOptions {
  provider: ProviderId;
  request: ProviderRequest;
  signal: AbortSignal;
  /** Turns whatever the SDK threw into the taxonomy. */
  toError: (error: unknown) => ProviderError;
}

/**
 * Translates one SDK's stream events into parts. `event` returns the part for an event
 * (or none); `end` returns what follows the last event: usage, then a finish or an error
 * (a refusal, after whatever text the filter let through), or nothing when the stream
 * stopped before the model finished.
 */
export interface StreamMapper<Event> {
  event(event: Event): StreamPart | undefined;
  end(): readonly StreamPart[];
}

/**
 * Runs an SDK stream through a mapper and holds every adapter to the contract: nothing
 * is thrown (failures become one `error` part), an abort is always `cancelled`, and
 * usage is reported for every request the provider took — estimated from what was sent
 * and the text when the provider never said (OpenAI sends it only in the last chunk, so
 * a cut stream has none), because the cost governor must charge every call that was
 * billed. A request counts as taken once its answer began (the SDK's stream opened), or
 * when it was aborted while in flight (cancelled, switched away from, timed out): the
 * provider was reading it, and bills its input even if no word came back. In flight
 * means handed to the SDK with a live signal: `open` calls `sending` just before it
 * does, so an abort that comes earlier (while the SDK loads, or while the request waits
 * for another's answer to begin, `cache-ledger.ts`) cuts a request that never left and
 * is not billed. A request refused with an error status, or one that never got through
 * (a network failure before any answer), is not billed either. One generator per stream,
 * not one per layer: every layer costs time on every token.
 */
export async function* guardStream<Event>(
  options: GuardOptions,
  open: (sending: () => void) => Promise<AsyncIterable<Event>>,
  mapper: StreamMapper<Event>,
): AsyncGenerator<StreamPart, void, undefined> {
  let outputChars = 0;
  let output = '';
  let usageSeen = false;
  /** The provider's answer began: it has the request. */
  let opened = false;
  /** Handed to the SDK with a live signal: from then on an abort cuts a request in flight. */
  let inFlight = false;
  const sending = () => {
    inFlight = !options.signal.aborted;
  };
  const estimate = (): StreamPart => ({ type: 'usage', usage: estimatedUsage(options.request, output, outputChars) });
  try {
    const events = await open(sending);
    opened = true;
    for await (const event of events) {
      const part = mapper.event(event);
      if (part === undefined) continue;
      if (part.type === 'text-delta') {
        if (part.text === '') continue;
        outputChars += part.text.length;
        // Keep a short head only: enough to estimate, never the whole answer twice.
        if (output.length < 4096) output += part.text;
      }
      yield part;
    }
    const closing = mapper.end();
    // Some SDKs end the iteration quietly on abort (cancelled, below), and a stream can
    // stop cleanly without its closing event: neither is a finished answer.
    if (!closing.some((part) => part.type === 'finish' || part.type === 'error')) {
      throw new ProviderError({ provider: options.provider, kind: 'incomplete' });
    }
    for (const part of closing) {
      if (part.type === 'usage') usageSeen = true;
      else if (!usageSeen) {
        usageSeen = true;
        yield estimate();
      }
      yield part;
      if (part.type === 'error') return;
    }
  } catch (error) {
    const failure = options.signal.aborted
      ? new ProviderError({ provider: options.provider, kind: 'cancelled', cause: error })
      : options.toError(error);
    const taken = opened || outputChars > 0 || (inFlight && options.signal.aborted);
    if (!usageSeen && taken) yield estimate();
    yield { type: 'error', error: failure };
  }
}

function estimatedUsage(request: ProviderRequest, output: string, outputChars: number): Usage {
  const prompt = [request.system ?? '', ...request.messages.map((message) => message.content)].join('\n');
  return {
    inputTokens: estimateTokens(prompt),
    outputTokens: estimateOutputTokens(Math.max(output.length, outputChars)),
    cachedInputTokens: 0,
    estimated: true,
  };
}
