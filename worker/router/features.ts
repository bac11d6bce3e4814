import type { RouteFeatures } from './records.ts';

const sizeIndex = (tokens: number, small: number, large: number) => (tokens < small ? 0 : tokens < large ? 1 : 2);
const sizeLetters = ['s', 'm', 'l'] as const;

// Every decision asks for its bucket; the 18 names of each language are made once, so a
// decision builds no string and its Map lookups hash a string whose hash is already known.
const namesByLanguage = new Map<string, string[]>();

/**
 * The context bucket of a task: input size, output size, retry or not, language. The
 * router keeps a posterior per bucket that backs off to the task type's when it has seen
 * little, so features help where they matter and cost nothing where they do not.
 * Example: 20k tokens in, 500 out, second attempt in TypeScript -> "msr:typescript".
 */
export function bucketOf(features: RouteFeatures): string {
  const input = sizeIndex(features.inputTokens, 4_000, 32_000);
  const output = sizeIndex(features.outputTokens, 1_000, 4_000);
  const retry = (features.attempt ?? 1) > 1 ? 1 : 0;
  const language = features.language ?? '';
  let names = namesByLanguage.get(language);
  if (names === undefined) {
    const lower = language.toLowerCase();
    names = [];
    for (const i of sizeLetters)
      for (const o of sizeLetters) for (const r of ['f', 'r']) names.push(`${i}${o}${r}:${lower}`);
    if (namesByLanguage.size >= 1000) namesByLanguage.clear();
    namesByLanguage.set(language, names);
  }
  return names[input * 6 + output * 2 + retry] as string;
}
