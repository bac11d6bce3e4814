import type { FinishReason, StreamPart } from '../contract/stream-part.ts';
import type { Usage } from '../contract/usage.ts';

/**
 * The parts that close a stream whose protocol reports usage and the finish reason
 * along the way: usage (when reported) then finish, or nothing if no finish reason
 * came, which the stream guard then treats as a cut stream.
 */
export function closingParts(usage: Usage | undefined, reason: FinishReason | undefined): StreamPart[] {
  if (reason === undefined) return [];
  return usage
    ? [
        { type: 'usage', usage },
        { type: 'finish', reason },
      ]
    : [{ type: 'finish', reason }];
}
