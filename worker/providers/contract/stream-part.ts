import type { ProviderError } from './provider-error.ts';
import type { Usage } from './usage.ts';

/**
 * How a whole answer ended. A refusal or a content filter is not a finish: it is a
 * `refused` error (after any partial text), so no caller mistakes it for an answer.
 */
export type FinishReason = 'stop' | 'length' | 'other';

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
