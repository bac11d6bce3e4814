import type { ErrorKind } from '../contract/error-kind.ts';
import type { ProviderId } from '../contract/provider-id.ts';
import { ProviderError } from '../contract/provider-error.ts';
import { isParseFailure, kindFromStatus, retryAfterMs } from './http-failure.ts';

interface HttpLikeError {
  status?: unknown;
  headers?: unknown;
  error?: unknown;
  message?: unknown;
  name?: unknown;
}

/**
 * Maps what an official SDK threw onto the taxonomy. The three SDKs agree on the shape
 * that matters — an error with a numeric `status`, and (Anthropic, OpenAI) `headers` and
 * the parsed `error` body — so this reads that shape instead of each SDK's classes, which
 * are only loaded lazily. `kindFromBody` covers errors that arrive inside a stream, with
 * no status (Anthropic's `event: error`).
 */
export function sdkFailure(
  provider: ProviderId,
  error: unknown,
  secrets: readonly string[],
  kindFromBody?: (body: unknown) => ErrorKind | undefined,
): ProviderError {
  if (error instanceof ProviderError) return error;
  const failure = (typeof error === 'object' && error !== null ? error : {}) as HttpLikeError;
  const message = typeof failure.message === 'string' ? failure.message : String(error);
  const body = failure.error === undefined ? '' : JSON.stringify(failure.error);
  const detail = body ? `${message} ${body}` : message;
  const headers = failure.headers instanceof Headers ? failure.headers : undefined;
  const base = { provider, secrets, cause: error, detail: message };

  if (typeof failure.status === 'number') {
    const retryAfter = retryAfterMs(headers, detail);
    return new ProviderError({
      ...base,
      kind: kindFromStatus(failure.status, detail),
      status: failure.status,
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    });
  }
  const fromBody = kindFromBody?.(failure.error);
  if (fromBody) return new ProviderError({ ...base, kind: fromBody });
  const name = typeof failure.name === 'string' ? failure.name : '';
  if (/timeout/i.test(name) || /timed out/i.test(message)) return new ProviderError({ ...base, kind: 'timeout' });
  if (isParseFailure(error)) return new ProviderError({ ...base, kind: 'malformed_response' });
  return new ProviderError({ ...base, kind: 'network' });
}
