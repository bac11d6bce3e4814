import type { ProviderAdapter } from '../providers/contract/provider-adapter.ts';
import type { ProviderError } from '../providers/contract/provider-error.ts';
import type { ProviderRequest } from '../providers/contract/provider-request.ts';
import type { FinishReason } from '../providers/contract/stream-part.ts';
import { type Usage, estimateOutputTokens, estimateTokens } from '../providers/contract/usage.ts';

/** What one model call gave back: its whole text, usage (counted or estimated) and how it ended. */
export interface CallResult {
  text: string;
  /** Null when nothing was reported and no text arrived: nothing to bill. */
  usage: Usage | null;
  finish: FinishReason | null;
  error: ProviderError | null;
  latencyMs: number;
}

/**
 * Makes one streaming call and gathers it, handing each delta to `onDelta` as it comes.
 * Never throws: a failure is `error`. The usage is the sum of every usage part: each
 * attempt the resilience layer made reports its own (a retried attempt that reached the
 * provider was billed too). When the provider never reported usage but text came (a cut
 * stream, a cancelled call), tokens are estimated from the texts so the bill still counts.
 */
export async function callModel(
  adapter: ProviderAdapter,
  request: ProviderRequest,
  signal: AbortSignal,
  onDelta: (text: string) => void,
): Promise<CallResult> {
  const started = performance.now();
  let text = '';
  let usage: Usage | null = null;
  let finish: FinishReason | null = null;
  let error: ProviderError | null = null;
  for await (const part of adapter.stream(request, signal)) {
    if (part.type === 'text-delta') {
      text += part.text;
      onDelta(part.text);
    } else if (part.type === 'usage') {
      usage = usage ? addUsage(usage, part.usage) : part.usage;
    } else if (part.type === 'finish') {
      finish = part.reason;
    } else {
      error = part.error;
      break;
    }
  }
  const sent = (request.system ?? '') + request.messages.map((message) => message.content).join('\n');
  return {
    text,
    usage:
      usage ??
      (text === ''
        ? null
        : {
            inputTokens: estimateTokens(sent),
            outputTokens: estimateOutputTokens(text.length),
            cachedInputTokens: 0,
            estimated: true,
          }),
    finish,
    error,
    latencyMs: performance.now() - started,
  };
}

/** Two attempts' usage, billed one after the other: summed, an estimate if either was. */
export function addUsage(a: Usage, b: Usage): Usage {
  const sum = (x: number | undefined, y: number | undefined) =>
    x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0);
  const cacheWriteTokens = sum(a.cacheWriteTokens, b.cacheWriteTokens);
  const reasoningTokens = sum(a.reasoningTokens, b.reasoningTokens);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    ...(cacheWriteTokens === undefined ? {} : { cacheWriteTokens }),
    ...(reasoningTokens === undefined ? {} : { reasoningTokens }),
    estimated: a.estimated || b.estimated,
  };
}
