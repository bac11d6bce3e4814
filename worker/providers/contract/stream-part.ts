import type { ProviderError } from './provider-error.ts';
import type { Usage } from './usage.ts';

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'other';

/**
 * What a streaming call yields, in order: text deltas, then usage, then finish — or an
 * error, after which nothing follows. Named `<noun>-<action>` like the rest of the stream
 * and event vocabulary.
 */
export type StreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'finish'; reason: FinishReason }
  | { type: 'error'; error: ProviderError };
