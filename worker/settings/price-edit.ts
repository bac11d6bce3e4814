import { z } from 'zod';
import { ulidSchema } from '../events/schemas/common.ts';
import { remoteProviderIdSchema } from '../providers/contract/provider-id.ts';

/**
 * The person's own prices for a model, as events of this device's settings (never of a
 * project: they are not in any project's log, export, bundle or sync). A `price-set`
 * replaces the four prices of one model; a `price-reset` goes back to the price that
 * shipped with the app. What a call costs is the latest of these over the shipped
 * catalog (`price-book.ts`).
 */

/** No model lists above a few hundred dollars a million tokens; past this it is a typo. */
export const maxPricePerMillion = 10_000;

/** A model's name is data from the person or an endpoint: only looked up through Maps. */
export const priceModelSchema = z
  .string()
  .min(1, 'A model must be named.')
  .max(200, 'A model name has at most 200 characters.');

const priceLabels = {
  input: 'input price',
  output: 'output price',
  cachedInput: 'cached-input price',
  cacheWrite: 'cache-write price',
} as const;
export type PriceField = keyof typeof priceLabels;
export const priceFields = Object.keys(priceLabels) as PriceField[];

const price = (field: PriceField) => {
  const message = `The ${priceLabels[field]} must be a number of dollars per million tokens from 0 to ${maxPricePerMillion.toLocaleString('en-US')}.`;
  return z.number({ error: message }).finite({ error: message }).min(0, message).max(maxPricePerMillion, message);
};

/** US dollars per million tokens, for each kind of token a provider bills. */
export const modelPricesSchema = z.strictObject({
  input: price('input'),
  output: price('output'),
  cachedInput: price('cachedInput'),
  cacheWrite: price('cacheWrite'),
});
export type ModelPrices = z.infer<typeof modelPricesSchema>;

const edited = {
  /** A ULID: the edits of a device sort by it. */
  id: ulidSchema,
  /** When the person made the edit (ms since the epoch). */
  at: z.number().int().nonnegative(),
  /** Who made it: only the person, in Settings. Nothing else writes prices. */
  actor: z.strictObject({ kind: z.literal('user') }),
  provider: remoteProviderIdSchema,
  model: priceModelSchema,
};

export const priceEditSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('price-set'), ...edited, prices: modelPricesSchema }),
  z.strictObject({ type: z.literal('price-reset'), ...edited }),
]);
export type PriceEdit = z.infer<typeof priceEditSchema>;
export type PriceSet = Extract<PriceEdit, { type: 'price-set' }>;

/** What Settings sends to change a model's prices. */
export const priceSetRequestSchema = z.strictObject({
  provider: remoteProviderIdSchema,
  model: priceModelSchema,
  prices: modelPricesSchema,
});
export type PriceSetRequest = z.infer<typeof priceSetRequestSchema>;

/** What Settings sends to go back to the shipped price of a model. */
export const priceResetRequestSchema = z.strictObject({ provider: remoteProviderIdSchema, model: priceModelSchema });
export type PriceResetRequest = z.infer<typeof priceResetRequestSchema>;

/** A refused request in one sentence per problem, for the person. */
export function priceRequestProblem(error: z.ZodError): string {
  const messages = [...new Set(error.issues.map((issue) => issue.message))];
  return `These prices cannot be saved: ${messages.join(' ')}`;
}
