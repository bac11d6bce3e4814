import { z } from 'zod';

/**
 * The cost governor's records: what each of its steps returns (a reservation, a
 * settlement, a refusal…), and what its state is a fold of. They are not the log's
 * events: the metered call (`orchestrator/calls/metered-call.ts`) writes the log's
 * `cost-*` events from them, and a governor is made again from the project's row (spent
 * and budget), never by replaying these.
 */

export const budgetSetSchema = z.object({
  type: z.literal('budget-set'),
  budgetUsd: z.number().nonnegative(),
  /** Where the figure came from: a complexity default or the person. */
  source: z.enum(['small', 'medium', 'large', 'user']),
});
export type BudgetSet = z.infer<typeof budgetSetSchema>;

export const costReserveSchema = z.object({
  type: z.literal('cost-reserve'),
  reservationId: z.string(),
  armId: z.string(),
  /** The most input tokens the call can be billed for (counted, or bounded by its bytes). */
  inputTokens: z.number().nonnegative(),
  inputCounted: z.boolean(),
  maxOutputTokens: z.number().nonnegative(),
  inputPricePerMillion: z.number().nonnegative(),
  outputPricePerMillion: z.number().nonnegative(),
  /** Prompt-cache prices; absent, cache reads and writes cost the input price. */
  cachedInputPricePerMillion: z.number().nonnegative().optional(),
  cacheWritePricePerMillion: z.number().nonnegative().optional(),
  amountUsd: z.number().nonnegative(),
});
export type CostReservation = z.infer<typeof costReserveSchema>;

export const costSettleSchema = z.object({
  type: z.literal('cost-settle'),
  reservationId: z.string(),
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  /** Of the input, read from and written to the prompt cache (absent: none). */
  cachedInputTokens: z.number().nonnegative().optional(),
  cacheWriteTokens: z.number().nonnegative().optional(),
  reservedUsd: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type CostSettlement = z.infer<typeof costSettleSchema>;

/** A reservation given back unused: the call was never made or failed before billing. */
export const costReleaseSchema = z.object({
  type: z.literal('cost-release'),
  reservationId: z.string(),
  reservedUsd: z.number().nonnegative(),
});
export type CostRelease = z.infer<typeof costReleaseSchema>;

/** A call the governor would not allow: its worst case does not fit what is left. */
export const costRefuseSchema = z.object({
  type: z.literal('cost-refuse'),
  armId: z.string(),
  needUsd: z.number().nonnegative(),
  availableUsd: z.number(),
});
export type CostRefusal = z.infer<typeof costRefuseSchema>;

/**
 * Something the governor promised did not hold: a call cost more than its reservation
 * (the provider billed past the limits it was given), or spend went past the budget.
 */
export const costViolateSchema = z.object({
  type: z.literal('cost-violate'),
  reservationId: z.string(),
  kind: z.enum(['over_reservation', 'over_budget']),
  reservedUsd: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
  overUsd: z.number().nonnegative(),
});
export type CostViolation = z.infer<typeof costViolateSchema>;

export const costRecordSchema = z.discriminatedUnion('type', [
  budgetSetSchema,
  costReserveSchema,
  costSettleSchema,
  costReleaseSchema,
  costRefuseSchema,
  costViolateSchema,
]);
export type CostRecord = z.infer<typeof costRecordSchema>;
