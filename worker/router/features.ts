import type { RouteFeatures } from './records.ts';

const sizeLetter = (tokens: number, small: number, large: number) =>
  tokens < small ? 's' : tokens < large ? 'm' : 'l';

/**
 * The context bucket of a task: input size, output size, retry or not, language. The
 * router keeps a posterior per bucket that backs off to the task type's when it has seen
 * little, so features help where they matter and cost nothing where they do not.
 * Example: 20k tokens in, 500 out, second attempt in TypeScript -> "msr:typescript".
 */
export function bucketOf(features: RouteFeatures): string {
  const input = sizeLetter(features.inputTokens, 4_000, 32_000);
  const output = sizeLetter(features.outputTokens, 1_000, 4_000);
  const retry = (features.attempt ?? 1) > 1 ? 'r' : 'f';
  return `${input}${output}${retry}:${features.language?.toLowerCase() ?? ''}`;
}
