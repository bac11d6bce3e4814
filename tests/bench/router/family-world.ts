/**
 * One seeded world of a family, laid out in advance: the tasks, and per task × model the
 * expected quality, cost and latency (ground truth the policies never see), the random
 * numbers its observed outcome is drawn from, and whether the model can take calls. Every
 * policy meets the same tasks and, for the same model on the same task, the same outcome
 * ("common random numbers"), so differences between policies are theirs, not luck's.
 */
import type { ModelArm } from '../../../worker/router/catalog.ts';
import { listCostUsd } from '../../../worker/router/catalog.ts';
import { absoluteUtility, weightsFor } from '../../../worker/router/preference.ts';
import type { RouteFeatures } from '../../../worker/router/records.ts';
import { makeSampler, mulberry32 } from '../../../worker/router/sampler.ts';
import type { Family } from './families.ts';

const typeNames = ['plan', 'backend-code', 'ui-code', 'tests', 'review', 'fix'] as const;
const languages = ['typescript', 'python', 'rust', 'go'] as const;
/** Words of task content a caller may pass as signals; some make some models better or worse. */
export const contentTags = [
  'sql',
  'css',
  'regex',
  'async',
  'auth',
  'parser',
  'i18n',
  'charts',
  'crypto',
  'ffi',
] as const;
const tiers = ['small', 'medium', 'large'] as const;
const tierMsPerUnit: Readonly<Record<string, number>> = { small: 1500, medium: 3500, large: 7000 };

export interface FamilyTask {
  index: number;
  taskType: string;
  features: RouteFeatures & { language: string; attempt: number };
  /** Content tags of the task (also in `features.signals` when the family has content). */
  tags: string[];
}

export interface Episode {
  family: Family;
  seed: number;
  tasks: FamilyTask[];
  /** The catalog at the start. */
  arms: ModelArm[];
  /** Catalog changes: from task `at` on, these arms have these prices. */
  priceChanges: { at: number; arms: ModelArm[] }[];
  /** Per task t and arm k at t·K + k: expected quality, cost (USD), latency (ms), utility. */
  quality: Float64Array;
  cost: Float64Array;
  latency: Float64Array;
  utility: Float64Array;
  /** 1 when arm k can take calls at task t. */
  available: Uint8Array;
  /** Random numbers of the observed outcome of arm k at task t. */
  qualityNoise: Float64Array;
  tokenNoise: Float64Array;
  latencyNoise: Float64Array;
  verbosity: Float64Array;
  /** The dropped model and the task type it was the oracle's favourite on (family 'drop'). */
  drop?: { at: number; arm: number; taskType: string };
}

export interface Outcome {
  quality: number;
  costUsd: number;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
}

const clamp = (x: number, low: number, high: number) => Math.min(high, Math.max(low, x));

/** Draws world `seed` of `family` with `taskCount` tasks. */
export function makeEpisode(family: Family, seed: number, taskCount: number): Episode {
  const random = mulberry32(seed * 7919 + family.name.length * 104_729 + hash(family.name));
  const sampler = makeSampler(random);
  const K = family.models;
  const typeCount = 4 + Math.floor(random() * 3);
  const types = typeNames.slice(0, typeCount);

  // Prices spread log-evenly over the family's spread; quality rises with price, with noise.
  const cheapest = 0.05 + 0.2 * random();
  const arms: ModelArm[] = [];
  const rank = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const r = K === 1 ? 1 : k / (K - 1);
    const input = cheapest * Math.pow(family.priceSpread, r) * Math.exp(0.1 * sampler.normal());
    arms.push({
      id: `m${k}-${tiers[Math.min(2, Math.floor(r * 3))]}`,
      provider: `vendor-${k % Math.max(2, Math.ceil(K / 3))}`,
      tier: tiers[Math.min(2, Math.floor(r * 3))] as string,
      contextWindow: 200_000,
      inputPricePerMillion: round6(input),
      outputPricePerMillion: round6(input * (4 + 4 * random())),
    });
    rank[k] = r + 0.2 * sampler.normal();
  }
  const baseQuality = new Map<string, number>();
  for (let k = 0; k < K; k++)
    for (const type of types)
      baseQuality.set(`${k}|${type}`, 0.5 + 0.35 * (rank[k] as number) + 0.05 * sampler.normal());
  const languageEffect = new Map<string, number>();
  for (let k = 0; k < K; k++)
    for (const language of languages) languageEffect.set(`${k}|${language}`, 0.1 * family.context * sampler.normal());
  const tagEffect = new Map<string, number>();
  if (family.content)
    for (let k = 0; k < K; k++)
      for (const tag of contentTags) if (random() < 0.35) tagEffect.set(`${k}|${tag}`, 0.22 * sampler.normal());
  const drift = Float64Array.from({ length: K }, () => (family.dynamics === 'drift' ? 0.15 * sampler.normal() : 0));
  const verbosity = Float64Array.from({ length: K }, () => Math.exp(0.2 * sampler.normal()));
  const speed = Float64Array.from(arms, (arm) => (tierMsPerUnit[arm.tier] ?? 3000) * Math.exp(0.2 * sampler.normal()));

  const tasks: FamilyTask[] = [];
  for (let t = 0; t < taskCount; t++) {
    const taskType = types[Math.floor(random() * types.length)] as string;
    const inputTokens = family.heavyTail
      ? Math.round(Math.min(180_000, 2500 * Math.pow(1 - random(), -1 / 1.1)))
      : Math.round(Math.min(150_000, 6000 * Math.exp(sampler.normal())));
    const outputTokens = Math.round(Math.min(16_000, 1500 * Math.exp(0.6 * sampler.normal())));
    const language = languages[Math.floor(random() * languages.length)] as string;
    const attempt = random() < 0.15 ? 2 : 1;
    const tags: string[] = [];
    const tagCount = Math.floor(random() * 3);
    for (let i = 0; i < tagCount; i++) {
      const tag = contentTags[Math.floor(random() * contentTags.length)] as string;
      if (!tags.includes(tag)) tags.push(tag);
    }
    const features: FamilyTask['features'] = { inputTokens, outputTokens, language, attempt };
    if (family.content) features.signals = tags.map((tag) => `word:${tag}`);
    tasks.push({ index: t, taskType, features, tags });
  }

  const size = taskCount * K;
  const episode: Episode = {
    family,
    seed,
    tasks,
    arms: arms.map((arm) => ({ ...arm })),
    priceChanges: [],
    quality: new Float64Array(size),
    cost: new Float64Array(size),
    latency: new Float64Array(size),
    utility: new Float64Array(size),
    available: new Uint8Array(size).fill(1),
    qualityNoise: new Float64Array(size),
    tokenNoise: new Float64Array(size),
    latencyNoise: new Float64Array(size),
    verbosity,
  };
  const noise = makeSampler(mulberry32(seed * 31_337 + 11));
  for (let i = 0; i < size; i++) {
    episode.qualityNoise[i] = noise.normal();
    episode.tokenNoise[i] = noise.normal();
    episode.latencyNoise[i] = noise.normal();
  }
  if (family.reward === 'bernoulli') {
    // A uniform per outcome: success when it falls below the expected quality.
    const uniform = mulberry32(seed * 65_537 + 5);
    for (let i = 0; i < size; i++) episode.qualityNoise[i] = uniform();
  }

  const weights = weightsFor(family.preference);
  const prices = arms.map((arm) => ({ ...arm }));
  const fill = (from: number, drops: Float64Array) => {
    for (let t = from; t < taskCount; t++) {
      const task = tasks[t] as FamilyTask;
      const { inputTokens, outputTokens, language, attempt } = task.features;
      const progress = t / taskCount;
      for (let k = 0; k < K; k++) {
        const weakness = 1 - clamp(rank[k] as number, 0, 1);
        let q = baseQuality.get(`${k}|${task.taskType}`) ?? 0.6;
        if (inputTokens > 32_000) q -= family.context * 0.25 * weakness;
        if (attempt > 1) q -= family.context * 0.1 * weakness;
        q += languageEffect.get(`${k}|${language}`) ?? 0;
        for (const tag of task.tags) q += tagEffect.get(`${k}|${tag}`) ?? 0;
        q += (drift[k] as number) * progress - (drops[k] as number);
        q = clamp(q, 0.05, 0.95);
        const arm = prices[k] as ModelArm;
        const c = listCostUsd(arm, inputTokens, outputTokens * (verbosity[k] as number) * Math.exp(0.03125));
        const l = (speed[k] as number) * (1 + outputTokens / 1000) * Math.exp(0.045);
        const i = t * K + k;
        episode.quality[i] = q;
        episode.cost[i] = c;
        episode.latency[i] = l;
        episode.utility[i] = absoluteUtility(weights, q, c, l);
      }
    }
  };
  const drops = new Float64Array(K);
  fill(0, drops);

  // The change lands on the model the oracle relies on most in the first part of the run.
  const favourite = (until: number) => {
    const counts = new Map<string, number>();
    for (let t = 0; t < until; t++) {
      const k = bestArm(episode, t);
      const key = `${k}|${(tasks[t] as FamilyTask).taskType}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const [key] = [...counts.entries()].sort((x, y) => y[1] - x[1])[0] as [string, number];
    const [k, type] = key.split('|') as [string, string];
    return { arm: Number(k), taskType: type };
  };
  if (family.dynamics === 'drop') {
    const at = Math.floor(taskCount / 2);
    const { arm, taskType } = favourite(at);
    drops[arm] = 0.3;
    fill(at, drops);
    episode.drop = { at, arm, taskType };
  } else if (family.dynamics === 'price') {
    const at = Math.floor(taskCount / 3);
    const { arm } = favourite(at);
    // The favourite becomes four times dearer; the dearest model half price.
    const changed: ModelArm[] = [];
    const dearest = K - 1 === arm ? 0 : K - 1;
    for (const [k, factor] of [
      [arm, 4],
      [dearest, 0.5],
    ] as const) {
      const arm = prices[k] as ModelArm;
      prices[k] = {
        ...arm,
        inputPricePerMillion: round6(arm.inputPricePerMillion * factor),
        outputPricePerMillion: round6(arm.outputPricePerMillion * factor),
      };
      changed.push({ ...prices[k] });
    }
    episode.priceChanges.push({ at, arms: changed });
    fill(at, drops);
  } else if (family.dynamics === 'outage') {
    const from = Math.floor(taskCount * 0.4);
    const to = Math.floor(taskCount * 0.6);
    const { arm } = favourite(from);
    // The whole vendor of the favourite goes down for a fifth of the run.
    const vendor = (arms[arm] as ModelArm).provider;
    for (let t = from; t < to; t++)
      for (let k = 0; k < K; k++) if ((arms[k] as ModelArm).provider === vendor) episode.available[t * K + k] = 0;
  }
  return episode;
}

/** The arm with the highest expected utility at task t among those available. */
export function bestArm(episode: Episode, t: number): number {
  const K = episode.arms.length;
  let best = -1;
  for (let k = 0; k < K; k++) {
    const i = t * K + k;
    if (episode.available[i] === 0) continue;
    if (best === -1 || (episode.utility[i] as number) > (episode.utility[t * K + best] as number)) best = k;
  }
  return best;
}

/** The outcome arm k gets on task t: the same for every policy that chooses it there. */
export function outcomeOf(episode: Episode, t: number, k: number): Outcome {
  const K = episode.arms.length;
  const i = t * K + k;
  const task = episode.tasks[t] as FamilyTask;
  const expected = episode.quality[i] as number;
  const quality =
    episode.family.reward === 'bernoulli'
      ? (episode.qualityNoise[i] as number) < expected
        ? 1
        : 0
      : clamp(expected + 0.15 * (episode.qualityNoise[i] as number), 0, 1);
  const outputTokens = Math.round(
    task.features.outputTokens * (episode.verbosity[k] as number) * Math.exp(0.25 * (episode.tokenNoise[i] as number)),
  );
  // Billed at the prices of the moment: the expected cost scaled by the token noise.
  const expectedOut = task.features.outputTokens * (episode.verbosity[k] as number) * Math.exp(0.03125);
  const arm = armAt(episode, t, k);
  const costUsd = (episode.cost[i] as number) + ((outputTokens - expectedOut) * arm.outputPricePerMillion) / 1_000_000;
  const latencyMs =
    ((episode.latency[i] as number) / Math.exp(0.045)) * Math.exp(0.3 * (episode.latencyNoise[i] as number));
  return { quality, costUsd: Math.max(0, costUsd), latencyMs, inputTokens: task.features.inputTokens, outputTokens };
}

/** The catalog entry of arm k as it stands at task t. */
export function armAt(episode: Episode, t: number, k: number): ModelArm {
  let arm = episode.arms[k] as ModelArm;
  for (const change of episode.priceChanges) {
    if (change.at > t) break;
    const changed = change.arms.find((a) => a.id === arm.id);
    if (changed) arm = changed;
  }
  return arm;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) % 1_000_003;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
