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

/** A rough count for text no tokenizer saw: about four characters a token in English prose. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * Characters a token of an answer is counted at when the provider never said how many
 * it billed. Agents answer in JSON and code — escaped quotes and newlines, indentation,
 * short identifiers and operators — which the providers' tokenizers cut at about three
 * characters a token, not the four of prose: counted at four, a cut answer was charged a
 * quarter less than it was billed.
 */
export const outputCharsPerToken = 3;

/** Output tokens of an answer of `chars` characters that no tokenizer counted. */
export function estimateOutputTokens(chars: number): number {
  return Math.ceil(Math.max(0, chars) / outputCharsPerToken);
}
