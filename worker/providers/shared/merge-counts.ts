/**
 * Merges token counts reported in several places of one stream (Anthropic's
 * `message_start` and `message_delta`, OpenAI's last chunk, every Gemini chunk): per
 * field, the last value reported wins; a field absent or `null` keeps what came before.
 * Returns whether anything was reported.
 *
 * @example
 * const counts: Partial<Record<'input_tokens' | 'output_tokens', number>> = {};
 * mergeCounts(counts, { input_tokens: 12, output_tokens: 1 }); // message_start
 * mergeCounts(counts, { input_tokens: null, output_tokens: 30 }); // message_delta
 * // counts: { input_tokens: 12, output_tokens: 30 }
 */
export function mergeCounts<Field extends string>(
  into: Partial<Record<Field, number>>,
  from: { readonly [Key in Field]?: number | null | undefined },
  fields: readonly Field[],
): boolean {
  let reported = false;
  for (const field of fields) {
    const value = from[field];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
      into[field] = value;
      reported = true;
    }
  }
  return reported;
}
