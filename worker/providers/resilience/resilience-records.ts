import { z } from 'zod';
import { errorKindSchema } from '../contract/error-kind.ts';
import { providerErrorDataSchema } from '../contract/provider-error.ts';
import { providerIdSchema } from '../contract/provider-id.ts';
import { usageSchema } from '../contract/usage.ts';

/**
 * What the resilience layer reports, as schemas so the event store can record them as
 * events later (breaker-change, call-retry, call-usage, call-fail) without reshaping.
 */
export const breakerStateSchema = z.enum(['closed', 'open', 'half-open']);
export type BreakerState = z.infer<typeof breakerStateSchema>;

export const breakerChangeSchema = z.object({
  provider: providerIdSchema,
  from: breakerStateSchema,
  to: breakerStateSchema,
  /** Consecutive failures counted when the change happened. */
  failures: z.number().int().nonnegative(),
  at: z.number(),
  /** When an open breaker lets a probe through, for `to: 'open'`. */
  reopensAt: z.number().optional(),
});
export type BreakerChange = z.infer<typeof breakerChangeSchema>;

export const callRetrySchema = z.object({
  provider: providerIdSchema,
  model: z.string(),
  /** The attempt that failed, from 1. */
  attempt: z.number().int().positive(),
  kind: errorKindSchema,
  delayMs: z.number().nonnegative(),
  /** Whether the delay is the provider's own retry-after. */
  fromRetryAfter: z.boolean(),
  /**
   * The failed attempt reached the provider, which bills it (it reported usage, counted
   * or estimated): the retry is a second bill within the same call. Absent: not billed.
   */
  billed: z.literal(true).optional(),
});
export type CallRetry = z.infer<typeof callRetrySchema>;

export const callUsageSchema = z.object({
  provider: providerIdSchema,
  model: z.string(),
  usage: usageSchema,
  costUsd: z.number().nonnegative(),
  /** False when the catalog has no price for the model (then the cost is 0). */
  priced: z.boolean(),
});
export type CallUsage = z.infer<typeof callUsageSchema>;

export const callFailSchema = z.object({
  model: z.string(),
  attempts: z.number().int().positive(),
  error: providerErrorDataSchema,
});
export type CallFail = z.infer<typeof callFailSchema>;

/** Typed callbacks for everything the layer reports; each is optional. */
export interface ResilienceObserver {
  onBreakerChange?(record: BreakerChange): void;
  /**
   * A failed attempt is about to be tried again. A promise it returns is awaited before
   * the retry goes out (with the backoff), and if it fails the call is not retried: a
   * billed retry is made only once the log knows of it.
   */
  onRetry?(record: CallRetry): unknown;
  onUsage?(record: CallUsage): void;
  onFail?(record: CallFail): void;
}
