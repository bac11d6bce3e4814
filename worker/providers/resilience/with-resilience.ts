import { findModel } from '../catalog.ts';
import { costOf } from '../catalog.ts';
import type { ProviderAdapter } from '../contract/provider-adapter.ts';
import { ProviderError } from '../contract/provider-error.ts';
import type { ProviderRequest } from '../contract/provider-request.ts';
import type { StreamPart } from '../contract/stream-part.ts';
import { fullJitterDelay, sleep } from './backoff.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import type { ResilienceObserver } from './resilience-records.ts';
import { Watchdog } from './watchdog.ts';
import { firstTokenTimeoutMs } from './first-token-timeout.ts';

export interface ResilienceOptions {
  /** The breaker of this adapter's provider, shared by every call to that provider. */
  breaker: CircuitBreaker;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A provider asking us to wait longer than this gets its error passed on instead. */
  maxRetryAfterMs: number;
  /**
   * Time allowed from the request to the first part of the answer: a number, or by the
   * request. By default it adapts to the model and the prompt's size (`first-token-timeout.ts`).
   */
  firstTokenTimeoutMs?: number | ((request: ProviderRequest) => number);
  /** Time allowed between two parts of the answer. */
  idleTimeoutMs: number;
  random?: () => number;
  observer?: ResilienceObserver;
}

export const defaultResilience = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
  idleTimeoutMs: 45_000,
} satisfies Partial<ResilienceOptions>;

/** Failures that, after text has arrived, mean the stream broke rather than the call failing. */
const cutKinds: ReadonlySet<ProviderError['kind']> = new Set([
  'network',
  'timeout',
  'overloaded',
  'malformed_response',
]);

/**
 * Wraps an adapter once with everything that keeps calls alive: the first-token and idle
 * timeouts, retries with full-jitter backoff that honour `retry-after`, the provider's
 * circuit breaker, and cancellation that stops the network request at once (also when
 * the consumer simply stops reading). A call is retried only while no text has reached
 * the consumer — after that a retry would repeat text — and never for auth, permission,
 * bad requests, an over-long context or a refusal; an incomplete answer is retried once.
 */
export function withResilience(adapter: ProviderAdapter, options: ResilienceOptions): ProviderAdapter {
  const random = options.random ?? Math.random;
  const { provider } = adapter;
  const price = (model: string) => findModel(provider, model)?.price;

  async function* stream(request: ProviderRequest, signal: AbortSignal): AsyncGenerator<StreamPart, void, undefined> {
    const firstToken = options.firstTokenTimeoutMs;
    const firstMs =
      firstToken === undefined
        ? firstTokenTimeoutMs(provider, request)
        : typeof firstToken === 'number'
          ? firstToken
          : firstToken(request);
    const fail = (error: ProviderError, attempts: number): StreamPart => {
      options.observer?.onFail?.({ model: request.model, attempts, error: error.toData() });
      return { type: 'error', error };
    };
    let incompleteRetried = false;
    for (let attempt = 1; ; attempt += 1) {
      if (signal.aborted) {
        yield fail(new ProviderError({ provider, kind: 'cancelled' }), attempt);
        return;
      }
      const admission = options.breaker.admit();
      if (!admission.allowed) {
        const seconds = Math.ceil(admission.retryInMs / 1000);
        const error = new ProviderError({
          provider,
          kind: 'overloaded',
          detail: `calls are paused after repeated failures; the next try is in ${seconds} s`,
          retryAfterMs: admission.retryInMs,
        });
        yield fail(error, attempt);
        return;
      }

      const attemptControl = new AbortController();
      const forward = () => attemptControl.abort(signal.reason);
      signal.addEventListener('abort', forward, { once: true });
      let timedOut: 'first' | 'idle' | undefined;
      let phase: 'first' | 'idle' = 'first';
      const watchdog = new Watchdog(() => {
        timedOut = phase;
        attemptControl.abort();
      });
      let delivered = false;
      /** The attempt reported usage: the provider took it and bills it. */
      let billed = false;
      let finished = false;
      let failure: ProviderError | undefined;
      // Iterated by hand so that an early exit aborts the request before the adapter's
      // stream is closed, rather than after.
      const parts = adapter.stream(request, attemptControl.signal)[Symbol.asyncIterator]();
      try {
        watchdog.resume(firstMs);
        for (let next = await parts.next(); !next.done; next = await parts.next()) {
          const part = next.value;
          watchdog.pause();
          if (part.type === 'error') {
            failure = timedOut && !signal.aborted ? timeoutError(timedOut, part.error, firstMs) : part.error;
            break;
          }
          if (part.type === 'text-delta') delivered = true;
          else if (part.type === 'finish') finished = true;
          else if (part.type === 'usage') {
            billed = true;
            const modelPrice = price(request.model);
            options.observer?.onUsage?.({
              provider,
              model: request.model,
              usage: part.usage,
              costUsd: modelPrice ? costOf(modelPrice, part.usage) : 0,
              priced: modelPrice !== undefined,
            });
          }
          // The clock stops while the consumer holds the part: a slow reader is not a slow model.
          yield part;
          phase = 'idle';
          watchdog.resume(options.idleTimeoutMs);
        }
      } finally {
        watchdog.stop();
        signal.removeEventListener('abort', forward);
        if (!finished && !failure) {
          // The consumer stopped reading early: stop the request on the wire too, and
          // free the breaker's probe slot, since this call proved nothing either way.
          attemptControl.abort();
          options.breaker.settle('cancelled');
          await parts.return?.();
        }
      }

      if (finished) {
        options.breaker.settle(undefined);
        return;
      }
      if (!failure) return;
      options.breaker.settle(failure.kind);
      const retryAfter = failure.retryAfterMs;
      const giveUp =
        delivered ||
        !failure.isRetryable ||
        // An answer that stopped without a finish reason is tried again once: twice in a
        // row says the model or the route cannot finish it, and more would only pay again.
        (failure.kind === 'incomplete' && incompleteRetried) ||
        attempt >= options.maxAttempts ||
        signal.aborted ||
        (retryAfter !== undefined && retryAfter > options.maxRetryAfterMs);
      if (giveUp) {
        // Part of the answer had come: whatever broke the stream, what the person needs to
        // hear is that the answer was cut off (not that the key or the network refused it).
        yield fail(delivered && cutKinds.has(failure.kind) ? cutOff(failure) : failure, attempt);
        return;
      }
      if (failure.kind === 'incomplete') incompleteRetried = true;
      const delayMs = retryAfter ?? fullJitterDelay(attempt, options.baseDelayMs, options.maxDelayMs, random);
      const noted = options.observer?.onRetry?.({
        provider,
        model: request.model,
        attempt,
        kind: failure.kind,
        delayMs,
        fromRetryAfter: retryAfter !== undefined,
        ...(billed ? { billed: true as const } : {}),
      });
      const [, recorded] = await Promise.all([
        sleep(delayMs, signal),
        Promise.resolve(noted).then(
          () => true,
          () => false,
        ),
      ]);
      if (!recorded) {
        // The retry could not be recorded (the log refused the write): it is not made.
        yield fail(failure, attempt);
        return;
      }
    }
  }

  return {
    provider,
    stream,
    ...(adapter.listModels ? { listModels: adapter.listModels.bind(adapter) } : {}),
  };

  /** A stream that broke after text: a quiet one says how long it was quiet; no kind names. */
  function cutOff(cause: ProviderError): ProviderError {
    const detail = cause.kind === 'timeout' ? (cause.detail ?? 'it went quiet') : undefined;
    return new ProviderError({ provider, kind: 'cut_off', ...(detail ? { detail } : {}), cause });
  }

  function timeoutError(phase: 'first' | 'idle', cause: ProviderError, firstMs: number): ProviderError {
    const seconds = Math.round((phase === 'first' ? firstMs : options.idleTimeoutMs) / 100) / 10;
    const detail = phase === 'first' ? `no answer within ${seconds} s` : `no new token for ${seconds} s`;
    return new ProviderError({ provider, kind: 'timeout', detail, cause });
  }
}
