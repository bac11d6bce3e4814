import { z } from 'zod';
import { localIdSchema, tokensSchema, usdSchema } from './common.ts';
import { preferenceSchema, routeRecordSchema } from '../../router/records.ts';
import { breakerChangeSchema, callRetrySchema } from '../../providers/resilience/resilience-records.ts';

const armSchema = z.string().min(1).max(200);

export const routingEvents = {
  /** A provider's circuit breaker changed state (opened after repeated failures, probing, closed again). */
  'breaker-change': breakerChangeSchema,
  /**
   * A call was retried after a failure the provider said was temporary. Written before
   * the retry goes out; `billed` with the reservation the call was made under means that
   * reservation pays for one more attempt's input if the call is interrupted.
   */
  'call-retry': callRetrySchema.extend({ taskId: localIdSchema.optional(), reservationId: localIdSchema.optional() }),
  /**
   * One record of the router (a decision, an outcome it learned from, a withdrawn
   * decision, a catalog change), whole: the router's posteriors are the fold of these
   * records across every project, in the order they were made.
   */
  'route-record': z.object({
    preference: preferenceSchema,
    /** Position in the engine's sequence of router records: replay applies them in this order. */
    order: z.number().int().min(0),
    record: routeRecordSchema,
  }),
  'route-decide': z.object({
    taskId: localIdSchema,
    taskType: z.string().min(1).max(60),
    candidates: z
      .array(z.object({ armId: armSchema, sampled: z.number().finite(), utility: z.number().finite() }))
      .max(100),
    chosen: armSchema,
    reason: z.string().max(2000),
  }),
  'cost-reserve': z.object({
    reservationId: localIdSchema,
    taskId: localIdSchema.optional(),
    armId: armSchema,
    maxUsd: usdSchema,
    /**
     * What the call sends and the prices it is made at: what it is charged from if it is
     * interrupted with no usage saved (a closed tab). Absent in logs written before.
     */
    basis: z
      .object({
        /** The prompt's input tokens, estimated from its measured UTF-8 bytes. */
        inputTokens: tokensSchema,
        maxOutputTokens: tokensSchema,
        inputPricePerMillion: usdSchema,
        outputPricePerMillion: usdSchema,
      })
      .optional(),
  }),
  'cost-settle': z.object({
    reservationId: localIdSchema,
    actualUsd: usdSchema,
    inputTokens: tokensSchema,
    outputTokens: tokensSchema,
    latencyMs: z.number().min(0),
    /** Of the input, read from the provider's prompt cache, and what that saved against the input price. */
    cachedInputTokens: tokensSchema.optional(),
    cacheSavedUsd: usdSchema.optional(),
    /** Of the input, written to the prompt cache. */
    cacheWriteTokens: tokensSchema.optional(),
    /**
     * The tokens were estimated, not reported by the provider: a call cut off (its
     * received text counted) or interrupted by a closed tab (charged on recovery from its
     * reservation's basis and its last checkpoint). Absent: reported.
     */
    estimated: z.literal(true).optional(),
  }),
  /** A reservation given back unused: the call was never made, or was stopped before billing. */
  'cost-release': z.object({ reservationId: localIdSchema }),
  'cost-violate': z.object({
    reservationId: localIdSchema.optional(),
    limitUsd: usdSchema,
    attemptedUsd: usdSchema,
    message: z.string().max(2000),
  }),
  'quality-assess': z.object({
    subject: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('task'), taskId: localIdSchema }),
      z.object({ kind: z.literal('artifact'), path: z.string().min(1).max(400), version: z.number().int().min(1) }),
    ]),
    score: z.number().min(0).max(1),
    signals: z.record(z.string().max(60), z.number().finite()),
    taskType: z.string().max(60).optional(),
    armId: armSchema.optional(),
  }),
};
