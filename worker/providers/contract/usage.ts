import { z } from 'zod';

/**
 * Tokens a call used. `inputTokens` includes `cachedInputTokens`. `estimated` is true
 * when the provider never reported them (a cut stream) and they were counted from text.
 */
export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  estimated: z.boolean(),
});
export type Usage = z.infer<typeof usageSchema>;

/** A rough count for text no tokenizer saw: about four characters a token in English and code. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
