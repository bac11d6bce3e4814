import type { ErrorKind } from '../contract/error-kind.ts';

const contextTooLong =
  /prompt is too long|context length|context_length_exceeded|maximum context|input token count .* exceeds/i;
const keyRejected = /API_KEY_INVALID|API key not valid/i;

/**
 * The taxonomy kind for an HTTP failure. The body matters where providers reuse a status:
 * Gemini answers a bad key with 400, and every provider reports an over-long prompt as
 * a plain bad request.
 */
export function kindFromStatus(status: number, body: string): ErrorKind {
  if (status === 401 || keyRejected.test(body)) return 'auth';
  if (status === 403) return 'permission';
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status === 413 || contextTooLong.test(body)) return 'context_too_long';
  if (status >= 500) return 'overloaded';
  return 'bad_request';
}

/**
 * How long the provider asked us to wait, from `retry-after-ms`, `retry-after` (seconds
 * or an HTTP date) or Gemini's `RetryInfo.retryDelay` ("34.4s") in the body.
 */
export function retryAfterMs(headers: Headers | undefined, body: string, now = Date.now()): number | undefined {
  const milliseconds = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const header = headers?.get('retry-after');
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const delay = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(body);
  return delay?.[1] === undefined ? undefined : Number(delay[1]) * 1000;
}

/** Whether a thrown value is a JSON parse failure (a malformed stream or body). */
export function isParseFailure(error: unknown): boolean {
  return (
    error instanceof SyntaxError ||
    (error instanceof Error && /JSON|parse|Unexpected token|Unterminated/i.test(error.message))
  );
}
