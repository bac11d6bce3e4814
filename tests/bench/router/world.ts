/**
 * A seeded stand-in for real projects: six task types, the default catalog's nine models
 * (three vendors × three tiers) and ground truth the router never sees. Quality depends on
 * the model's tier and vendor, the task type, input size, retries and language, with
 * per-seed randomness so the best model differs from seed to seed; observed quality is
 * noisy, and so are token counts (each model also has its own verbosity) and latency.
 */
import { type ModelArm, defaultCatalog, listCostUsd } from '../../../worker/router/catalog.ts';
import type { RouteFeatures } from '../../../worker/router/records.ts';
import { makeSampler, mulberry32 } from '../../../worker/router/sampler.ts';

export const taskTypes = ['plan', 'backend-code', 'ui-code', 'tests', 'review', 'fix'] as const;
const languages = ['typescript', 'python', 'rust', 'go'] as const;

// How much a task type separates strong models from weak ones (1 = fully).
const difficulty: Record<string, number> = {
  plan: 1,
  'backend-code': 0.9,
  'ui-code': 0.7,
  tests: 0.5,
  review: 0.8,
  fix: 1,
};
const tierGap: Record<string, number> = { small: 0.3, medium: 0.13, large: 0.05 };
const tierMsPerUnit: Record<string, number> = { small: 1500, medium: 3500, large: 7000 };

export interface Task {
  index: number;
  taskType: string;
  features: RouteFeatures & { language: string; attempt: number };
}

export interface Truth {
  quality: number;
  costUsd: number;
  latencyMs: number;
}

export interface World {
  arms: ModelArm[];
  next(): Task;
  /** Expected quality, cost and latency of a model on a task (ground truth). */
  truth(armId: string, task: Task): Truth;
  /** One noisy outcome, with the tokens billed. */
  run(armId: string, task: Task): Truth & { inputTokens: number; outputTokens: number };
  /** From now on this model's quality is lower by `drop` on every task. */
  degrade(armId: string, drop: number): void;
  /** Multiplies a vendor's prices (the catalog entries change too). */
  shockPrices(provider: string, factor: number): ModelArm[];
}

export interface WorldOptions {
  /** Strip the capability vectors from the catalog: the router starts from tiers alone. */
  withoutPriors?: boolean;
}

export function makeWorld(seed: number, options: WorldOptions = {}): World {
  const random = mulberry32(seed * 7919 + 17);
  const sampler = makeSampler(random);
  // Outcome noise has its own stream, so every policy faces the same sequence of tasks.
  const noise = makeSampler(mulberry32(seed * 104_729 + 3));
  const arms: ModelArm[] = defaultCatalog.map((arm) => {
    const copy: ModelArm = { ...arm };
    if (options.withoutPriors) delete copy.capabilities;
    return copy;
  });
  const base = new Map<string, number>();
  const vendorEffect = new Map<string, number>();
  const languageEffect = new Map<string, number>();
  for (const arm of arms) {
    for (const type of taskTypes) {
      const vendorKey = `${arm.provider}|${type}`;
      if (!vendorEffect.has(vendorKey)) vendorEffect.set(vendorKey, 0.04 * sampler.normal());
      const gap = (difficulty[type] ?? 1) * (tierGap[arm.tier] ?? 0.15);
      base.set(`${arm.id}|${type}`, 0.9 - gap + (vendorEffect.get(vendorKey) ?? 0) + 0.04 * sampler.normal());
    }
    for (const language of languages) languageEffect.set(`${arm.id}|${language}`, 0.03 * sampler.normal());
  }
  const verbosity = new Map(arms.map((arm) => [arm.id, Math.exp(0.2 * sampler.normal())]));
  const speed = new Map(
    arms.map((arm) => [arm.id, (tierMsPerUnit[arm.tier] ?? 3000) * Math.exp(0.2 * sampler.normal())]),
  );
  const drops = new Map<string, number>();
  let index = 0;

  const armById = (id: string) => arms.find((arm) => arm.id === id) as ModelArm;

  function truth(armId: string, task: Task): Truth {
    const arm = armById(armId);
    const { inputTokens, outputTokens, language, attempt } = task.features;
    let quality = base.get(`${armId}|${task.taskType}`) ?? 0.5;
    if (inputTokens > 32_000) quality -= arm.tier === 'small' ? 0.1 : arm.tier === 'medium' ? 0.04 : 0;
    if (attempt > 1) quality -= arm.tier === 'small' ? 0.1 : 0.05;
    quality += (languageEffect.get(`${armId}|${language}`) ?? 0) - (drops.get(armId) ?? 0);
    quality = Math.min(0.97, Math.max(0.03, quality));
    // Output tokens are log-normal around verbosity × expected, sd 0.25: mean factor e^(0.25²/2).
    const costUsd = listCostUsd(arm, inputTokens, outputTokens * (verbosity.get(armId) ?? 1) * Math.exp(0.03125));
    const latencyMs = (speed.get(armId) ?? 3000) * (1 + outputTokens / 1000) * Math.exp(0.045);
    return { quality, costUsd, latencyMs };
  }

  return {
    arms,
    next() {
      const taskType = taskTypes[Math.floor(random() * taskTypes.length)] as string;
      const inputTokens = Math.round(Math.min(150_000, 6000 * Math.exp(sampler.normal())));
      const outputTokens = Math.round(Math.min(16_000, 1500 * Math.exp(0.6 * sampler.normal())));
      const language = languages[Math.floor(random() * languages.length)] as string;
      const attempt = random() < 0.15 ? 2 : 1;
      return { index: index++, taskType, features: { inputTokens, outputTokens, language, attempt } };
    },
    truth,
    run(armId, task) {
      const arm = armById(armId);
      const expected = truth(armId, task);
      const quality = Math.min(1, Math.max(0, expected.quality + 0.15 * noise.normal()));
      const outputTokens = Math.round(
        task.features.outputTokens * (verbosity.get(armId) ?? 1) * Math.exp(0.25 * noise.normal()),
      );
      const inputTokens = task.features.inputTokens;
      const costUsd = listCostUsd(arm, inputTokens, outputTokens);
      const latencyMs =
        (speed.get(armId) ?? 3000) * (1 + task.features.outputTokens / 1000) * Math.exp(0.3 * noise.normal());
      return { quality, costUsd, latencyMs, inputTokens, outputTokens };
    },
    degrade(armId, drop) {
      drops.set(armId, (drops.get(armId) ?? 0) + drop);
    },
    shockPrices(provider, factor) {
      const changed: ModelArm[] = [];
      arms.forEach((arm, i) => {
        if (arm.provider !== provider) return;
        const next = {
          ...arm,
          inputPricePerMillion: arm.inputPricePerMillion * factor,
          outputPricePerMillion: arm.outputPricePerMillion * factor,
        };
        arms[i] = next;
        changed.push(next);
      });
      return changed;
    },
  };
}
