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

// Keys of the context features of a bucket, made once per bucket name.
const keysByBucket = new Map<string, string[]>();
const signalKeys = new Map<string, string>();

/** Most signals a task contributes: a caller passing a whole file's words gets a bound. */
export const maxSignals = 12;

/**
 * The context features of a task, one key each: input size class, output size class,
 * retry or not, language (all read from its bucket), then up to `maxSignals` content
 * signals. The router learns each feature's effect on each arm separately, so a feature
 * seen in many tasks teaches quickly even when the full combination is rare.
 * Example: "msr:typescript" with signals ["word:sql"] -> ["i:m", "o:s", "r:r", "l:typescript", "s:word:sql"].
 */
export function featureKeys(bucket: string, signals: readonly string[] | undefined, out: string[]): number {
  let keys = keysByBucket.get(bucket);
  if (keys === undefined) {
    keys = [`i:${bucket[0] ?? ''}`, `o:${bucket[1] ?? ''}`, `r:${bucket[2] ?? ''}`, `l:${bucket.slice(4)}`];
    if (keysByBucket.size >= 4000) keysByBucket.clear();
    keysByBucket.set(bucket, keys);
  }
  let count = 0;
  for (const key of keys) out[count++] = key;
  if (signals !== undefined) {
    const limit = Math.min(signals.length, maxSignals);
    for (let j = 0; j < limit; j++) {
      const signal = signals[j] as string;
      let key = signalKeys.get(signal);
      if (key === undefined) {
        key = `s:${signal}`;
        if (signalKeys.size >= 4000) signalKeys.clear();
        signalKeys.set(signal, key);
      }
      out[count++] = key;
    }
  }
  return count;
}
