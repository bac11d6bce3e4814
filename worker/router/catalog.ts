import { z } from 'zod';

/**
 * How good a model is at each kind of work, 0..1. Used only as the router's prior: what it
 * believes before it has seen a single outcome. Learned posteriors override it quickly.
 */
export const capabilitiesSchema = z.object({
  code: z.number().min(0).max(1),
  ui: z.number().min(0).max(1),
  reasoning: z.number().min(0).max(1),
  testing: z.number().min(0).max(1),
  review: z.number().min(0).max(1),
  /** 1 is the fastest model we know of; drives the latency prior. */
  speed: z.number().min(0).max(1),
});
export type Capabilities = z.infer<typeof capabilitiesSchema>;

/**
 * One model the router may choose (an "arm"). Tier is an open string; `small`, `medium` and
 * `large` give sensible priors when no capability vector is known.
 */
export const modelArmSchema = z.object({
  id: z.string().min(1),
  provider: z.string().min(1),
  /** The provider's model name, when it differs from `id`. */
  model: z.string().min(1).optional(),
  tier: z.string().min(1),
  contextWindow: z.number().int().positive().optional(),
  inputPricePerMillion: z.number().nonnegative(),
  outputPricePerMillion: z.number().nonnegative(),
  capabilities: capabilitiesSchema.optional(),
});
export type ModelArm = z.infer<typeof modelArmSchema>;

/**
 * The default catalog: three vendors × three tiers, list prices in USD per million tokens
 * as published in late 2025. It is data, editable in Settings; the router learns from
 * outcomes and needs none of the capability figures to work.
 */
export const defaultCatalog: readonly ModelArm[] = [
  arm('claude-haiku-4-5', 'anthropic', 'small', 200_000, 1, 5, [0.72, 0.7, 0.66, 0.72, 0.68, 0.9]),
  arm('claude-sonnet-4-5', 'anthropic', 'medium', 200_000, 3, 15, [0.88, 0.85, 0.84, 0.86, 0.86, 0.65]),
  arm('claude-opus-4-5', 'anthropic', 'large', 200_000, 5, 25, [0.92, 0.88, 0.92, 0.9, 0.91, 0.45]),
  arm('gpt-5-nano', 'openai', 'small', 400_000, 0.05, 0.4, [0.58, 0.55, 0.6, 0.6, 0.56, 0.95]),
  arm('gpt-5-mini', 'openai', 'medium', 400_000, 0.25, 2, [0.78, 0.74, 0.8, 0.78, 0.77, 0.8]),
  arm('gpt-5', 'openai', 'large', 400_000, 1.25, 10, [0.9, 0.84, 0.92, 0.88, 0.89, 0.5]),
  arm('gemini-2.5-flash-lite', 'google', 'small', 1_000_000, 0.1, 0.4, [0.6, 0.6, 0.58, 0.62, 0.58, 0.97]),
  arm('gemini-2.5-flash', 'google', 'medium', 1_000_000, 0.3, 2.5, [0.76, 0.76, 0.76, 0.78, 0.74, 0.85]),
  arm('gemini-2.5-pro', 'google', 'large', 1_000_000, 1.25, 10, [0.88, 0.86, 0.9, 0.86, 0.87, 0.55]),
];

function arm(
  id: string,
  provider: string,
  tier: string,
  contextWindow: number,
  inputPricePerMillion: number,
  outputPricePerMillion: number,
  [code, ui, reasoning, testing, review, speed]: readonly [number, number, number, number, number, number],
): ModelArm {
  return {
    id,
    provider,
    tier,
    contextWindow,
    inputPricePerMillion,
    outputPricePerMillion,
    capabilities: { code, ui, reasoning, testing, review, speed },
  };
}

/** The list-price cost of a call in USD: tokens × price per million. */
export function listCostUsd(arm: ModelArm, inputTokens: number, outputTokens: number): number {
  return (inputTokens * arm.inputPricePerMillion + outputTokens * arm.outputPricePerMillion) / 1_000_000;
}

// Other catalogs (and hand-written ones) spell prices differently; these are read too.
const inputPriceKeys = [
  'inputPricePerMillion',
  'inputPricePerMTok',
  'inputPrice',
  'inputCostPerMillion',
  'inputUsdPerMillion',
  'pricePerMillionInput',
];
const outputPriceKeys = [
  'outputPricePerMillion',
  'outputPricePerMTok',
  'outputPrice',
  'outputCostPerMillion',
  'outputUsdPerMillion',
  'pricePerMillionOutput',
];

function firstPrice(arm: Readonly<Record<string, unknown>>, keys: readonly string[]): number {
  for (const key of keys) {
    const value = arm[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  }
  return 0;
}

/**
 * An arm as the router uses it: prices read from the documented fields or a common
 * alias, a missing or invalid price counted as 0 (free), a missing tier as "medium".
 * A catalog entry with a typo in a price must not make every utility NaN.
 */
export function normalizeArm(arm: ModelArm): ModelArm {
  const raw = arm as unknown as Readonly<Record<string, unknown>>;
  // Only the catalog's own fields, so snapshots and records carry no stray keys.
  const clean: ModelArm = {
    id: arm.id,
    provider: arm.provider,
    tier: typeof arm.tier === 'string' && arm.tier.length > 0 ? arm.tier : 'medium',
    inputPricePerMillion: firstPrice(raw, inputPriceKeys),
    outputPricePerMillion: firstPrice(raw, outputPriceKeys),
  };
  if (arm.model !== undefined) clean.model = arm.model;
  if (arm.contextWindow !== undefined) clean.contextWindow = arm.contextWindow;
  if (arm.capabilities !== undefined) clean.capabilities = arm.capabilities;
  return clean;
}
