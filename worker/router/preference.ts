/**
 * What a project values. `best quality` pays for quality; `balanced` trades a little
 * quality for a lot of money; `cheapest` takes the cheapest model that does the job.
 */
export type Preference = 'best quality' | 'balanced' | 'cheapest';

export const preferences: readonly Preference[] = ['best quality', 'balanced', 'cheapest'];

/**
 * Weights of the utility `quality − cost × c − latency × l`, where cost and latency are
 * fractions of the dearest and slowest candidate for the same task, so the weights read
 * as "how much quality is worth giving up to not pay the most expensive option".
 */
export interface UtilityWeights {
  quality: number;
  cost: number;
  latency: number;
  /**
   * What a whole unit of quality (0 → 1) is worth in US dollars: the absolute-dollar
   * utility is `quality − costUsd / usdPerQuality − latencySeconds × qualityPerSecond`, so
   * a task ten times larger weighs its cost ten times more. "balanced" pays $0.01 for
   * 0.01 quality; "best quality" ten times that, "cheapest" a tenth.
   */
  usdPerQuality: number;
  /** Quality given up per second of waiting. */
  qualityPerSecond: number;
}

const weights: Readonly<Record<Preference, UtilityWeights>> = {
  'best quality': { quality: 1, cost: 0.03, latency: 0.02, usdPerQuality: 10, qualityPerSecond: 0.0002 },
  balanced: { quality: 1, cost: 0.15, latency: 0.03, usdPerQuality: 1, qualityPerSecond: 0.0005 },
  cheapest: { quality: 1, cost: 0.6, latency: 0.02, usdPerQuality: 0.1, qualityPerSecond: 0.0005 },
};

/** The absolute-dollar utility of an outcome under a preference (see `UtilityWeights`). */
export function absoluteUtility(weights: UtilityWeights, quality: number, costUsd: number, latencyMs: number): number {
  return weights.quality * quality - costUsd / weights.usdPerQuality - (weights.qualityPerSecond * latencyMs) / 1000;
}

/** The utility weights of a preference. */
export function weightsFor(preference: Preference): UtilityWeights {
  return weights[preference];
}

const spellings: ReadonlyMap<string, Preference> = new Map([
  ['best quality', 'best quality'],
  ['quality', 'best quality'],
  ['best', 'best quality'],
  ['balanced', 'balanced'],
  ['balance', 'balanced'],
  ['cheapest', 'cheapest'],
  ['cheap', 'cheapest'],
  ['lowest cost', 'cheapest'],
]);

/**
 * Reads a preference as people and settings files spell it: "best quality", "best-quality",
 * "quality", "Balanced", "cheap"… Anything else is an error, never a silent default.
 */
export function parsePreference(value: string): Preference {
  const key = value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
  const preference = spellings.get(key);
  if (!preference) throw new Error(`Unknown preference "${value}": use "best quality", "balanced" or "cheapest".`);
  return preference;
}
