import { z } from 'zod';

/**
 * Tokens a call used, merged from every place the provider reports them (the last value
 * reported wins per field). `inputTokens` includes `cachedInputTokens` (read from the
 * provider's prompt cache) and `cacheWriteTokens` (written to it); `outputTokens` includes
 * `reasoningTokens` (thinking, billed as output). `estimated` is true when the provider
 * never reported them (a cut stream) and they were counted from text.
 */
export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative().optional(),
  reasoningTokens: z.number().int().nonnegative().optional(),
  estimated: z.boolean(),
});
export type Usage = z.infer<typeof usageSchema>;

/** A rough count for text no tokenizer saw: about four characters a token in English and code. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
