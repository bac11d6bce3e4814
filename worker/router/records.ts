import { z } from 'zod';
import { modelArmSchema } from './catalog.ts';

/**
 * The router's records. Each is plain, serialisable data; the event store wraps them in
 * its envelope. The router's state is a pure fold of these records (`router.apply`), so
 * replaying them into a fresh router rebuilds its posteriors exactly.
 */

export const preferenceSchema = z.enum(['best quality', 'balanced', 'cheapest']);

export const routeFeaturesSchema = z.object({
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  language: z.string().optional(),
  attempt: z.number().int().positive().optional(),
  /**
   * Cheap features of the task's content, as short strings ("ext:tsx", "word:sql"): the
   * router learns how each changes a model's quality, backing off to the task type's
   * posterior while it has seen little. Optional: a caller without content leaves it out.
   */
  signals: z.array(z.string()).optional(),
});
export type RouteFeatures = z.infer<typeof routeFeaturesSchema>;

export const routeCandidateSchema = z.object({
  armId: z.string(),
  /** The quality drawn from the arm's posterior for this decision (Thompson sampling). */
  sampledQuality: z.number(),
  /** The posterior mean quality, for explanations. */
  expectedQuality: z.number(),
  /** List price of this task's expected tokens. */
  listCostUsd: z.number(),
  /** List price corrected by what this arm has really cost on this task type. */
  expectedCostUsd: z.number(),
  expectedLatencyMs: z.number(),
  utility: z.number(),
});
export type RouteCandidate = z.infer<typeof routeCandidateSchema>;

export const routeExclusionSchema = z.object({
  armId: z.string(),
  reason: z.enum(['unavailable', 'context_window', 'budget']),
});
export type RouteExclusion = z.infer<typeof routeExclusionSchema>;

export const routeDecideSchema = z.object({
  type: z.literal('route-decide'),
  decisionId: z.string(),
  taskType: z.string(),
  features: routeFeaturesSchema,
  /** The context bucket (size, retry, language) whose posteriors were consulted. */
  bucket: z.string(),
  preference: preferenceSchema,
  /** Null when the budget was unlimited (JSON has no Infinity). */
  budgetRemainingUsd: z.number().nullable(),
  allowanceUsd: z.number().nullable().optional(),
  /** The chosen arm, or null when no arm was available at all. */
  armId: z.string().nullable(),
  arm: modelArmSchema.nullable(),
  candidates: z.array(routeCandidateSchema),
  excluded: z.array(routeExclusionSchema),
  reason: z.string(),
});
export type RouteDecision = z.infer<typeof routeDecideSchema>;

export const routeOutcomeSchema = z.object({
  quality: z.number().min(0).max(1),
  costUsd: z.number().nonnegative(),
  latencyMs: z.number().nonnegative(),
});
export type RouteOutcome = z.infer<typeof routeOutcomeSchema>;

export const routeObserveSchema = z.object({
  type: z.literal('route-observe'),
  decisionId: z.string(),
  armId: z.string(),
  taskType: z.string(),
  bucket: z.string(),
  /** The list-price estimate at decision time; actual ÷ estimate feeds the cost posterior. */
  listCostUsd: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  /** The decision's content signals, when it had any: the outcome teaches their effects. */
  signals: z.array(z.string()).optional(),
  outcome: routeOutcomeSchema,
});
export type RouteObservation = z.infer<typeof routeObserveSchema>;

/** A decision whose call was never made (refused by the budget, cancelled). */
export const routeCancelSchema = z.object({
  type: z.literal('route-cancel'),
  decisionId: z.string(),
  armId: z.string(),
});
export type RouteCancel = z.infer<typeof routeCancelSchema>;

/** A catalog change: a new model, or new prices for a known one. */
export const routeArmSetSchema = z.object({ type: z.literal('route-arm-set'), arm: modelArmSchema });
export type RouteArmSet = z.infer<typeof routeArmSetSchema>;

export const routeRecordSchema = z.discriminatedUnion('type', [
  routeDecideSchema,
  routeObserveSchema,
  routeCancelSchema,
  routeArmSetSchema,
]);
export type RouteRecord = z.infer<typeof routeRecordSchema>;
