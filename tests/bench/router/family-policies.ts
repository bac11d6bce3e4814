/**
 * The policies judged on the world family, behind one shape: the router (driven through
 * its published interface, as worker/orchestrator/model-choice.ts drives it) and the
 * baselines the issue names: uniform random, ε-greedy, per-type Thompson sampling (no
 * context, no forgetting), a contextual linear bandit (LinUCB) and the oracle. Every
 * learner is told what the router is told (the task, its features, the outcome) and
 * optimises the same absolute-dollar utility the judge scores.
 */
import type { ModelArm } from '../../../worker/router/catalog.ts';
import { listCostUsd } from '../../../worker/router/catalog.ts';
import { absoluteUtility, weightsFor } from '../../../worker/router/preference.ts';
import type { RouteDecision } from '../../../worker/router/records.ts';
import { type Router, createRouter } from '../../../worker/router/router.ts';
import { makeSampler, mulberry32 } from '../../../worker/router/sampler.ts';
import type { RouterTuning } from '../../../worker/router/tuning.ts';
import { RidgeArms } from './ridge.ts';
import { type Episode, type FamilyTask, type Outcome, bestArm, contentTags } from './family-world.ts';

export interface FamilyPolicy {
  name: string;
  choose(t: number, task: FamilyTask, available: (k: number) => boolean): number;
  observe(t: number, k: number, task: FamilyTask, outcome: Outcome): void;
  setArm(arm: ModelArm): void;
}

export function makeRouterFamilyPolicy(
  episode: Episode,
  tuning: Partial<RouterTuning> = {},
  name = 'router',
): FamilyPolicy & { router: Router; lastDecision: () => RouteDecision | undefined } {
  const router = createRouter({
    arms: episode.arms,
    random: mulberry32(episode.seed),
    preference: episode.family.preference,
    tuning,
  });
  const index = new Map(episode.arms.map((arm, k) => [arm.id, k]));
  let decision: RouteDecision | undefined;
  let allowed: (k: number) => boolean = () => true;
  const available = (armId: string) => allowed(index.get(armId) ?? -1);
  return {
    name,
    router,
    lastDecision: () => decision,
    choose(_t, task, isAvailable) {
      allowed = isAvailable;
      decision = router.choose({
        taskType: task.taskType,
        features: task.features,
        budgetRemainingUsd: Number.POSITIVE_INFINITY,
        available,
      });
      return index.get(decision.armId ?? '') ?? -1;
    },
    observe(_t, _k, _task, outcome) {
      if (decision) router.observe(decision, outcome);
    },
    setArm: (arm) => router.setArm(arm),
  };
}

export function makeRandomFamilyPolicy(episode: Episode): FamilyPolicy {
  const random = mulberry32(episode.seed + 1);
  const K = episode.arms.length;
  return {
    name: 'uniform random',
    choose(_t, _task, available) {
      for (;;) {
        const k = Math.floor(random() * K);
        if (available(k)) return k;
      }
    },
    observe() {},
    setArm() {},
  };
}

/** What every learner keeps about an arm on a task type besides quality: cost ÷ list price and latency per unit. */
interface PriceStats {
  n: number;
  costRatio: number;
  msPerUnit: number;
}

/** Expected cost and latency of arm k on a task from its observed ratios (list price and 3 s a unit before any). */
function makePricing(episode: Episode) {
  const arms = episode.arms.map((arm) => ({ ...arm }));
  const stats = new Map<string, PriceStats>();
  const units = (task: FamilyTask) => 1 + task.features.outputTokens / 1000;
  return {
    arms,
    setArm(arm: ModelArm) {
      const k = arms.findIndex((a) => a.id === arm.id);
      if (k >= 0) arms[k] = { ...arm };
    },
    cost(k: number, task: FamilyTask): number {
      const list = listCostUsd(arms[k] as ModelArm, task.features.inputTokens, task.features.outputTokens);
      const s = stats.get(`${k}|${task.taskType}`);
      return s ? list * s.costRatio : list;
    },
    latency(k: number, task: FamilyTask): number {
      const s = stats.get(`${k}|${task.taskType}`);
      return (s ? s.msPerUnit : 3000) * units(task);
    },
    learn(k: number, task: FamilyTask, outcome: Outcome) {
      const key = `${k}|${task.taskType}`;
      const s = stats.get(key) ?? { n: 0, costRatio: 0, msPerUnit: 0 };
      s.n += 1;
      const list = listCostUsd(arms[k] as ModelArm, task.features.inputTokens, task.features.outputTokens);
      s.costRatio += (outcome.costUsd / Math.max(list, 1e-12) - s.costRatio) / s.n;
      s.msPerUnit += (outcome.latencyMs / units(task) - s.msPerUnit) / s.n;
      stats.set(key, s);
    },
  };
}

/** ε-greedy per task type (ε = 0.1): every arm once, then the best mean utility. */
export function makeEpsilonGreedyFamilyPolicy(episode: Episode, epsilon = 0.1): FamilyPolicy {
  const random = mulberry32(episode.seed + 2);
  const weights = weightsFor(episode.family.preference);
  const pricing = makePricing(episode);
  const K = episode.arms.length;
  const quality = new Map<string, { n: number; mean: number }>();
  return {
    name: 'ε-greedy',
    choose(_t, task, available) {
      if (random() < epsilon) {
        for (;;) {
          const k = Math.floor(random() * K);
          if (available(k)) return k;
        }
      }
      let best = -1;
      let bestUtility = -Infinity;
      for (let k = 0; k < K; k++) {
        if (!available(k)) continue;
        const s = quality.get(`${k}|${task.taskType}`);
        if (!s) return k;
        const u = absoluteUtility(weights, s.mean, pricing.cost(k, task), pricing.latency(k, task));
        if (u > bestUtility) {
          bestUtility = u;
          best = k;
        }
      }
      return best;
    },
    observe(_t, k, task, outcome) {
      const key = `${k}|${task.taskType}`;
      const s = quality.get(key) ?? { n: 0, mean: 0 };
      s.n += 1;
      s.mean += (outcome.quality - s.mean) / s.n;
      quality.set(key, s);
      pricing.learn(k, task, outcome);
    },
    setArm: (arm) => pricing.setArm(arm),
  };
}

/** Thompson sampling on a Beta(1, 1) per arm × task type: no context, no forgetting, no priors. */
export function makeTypeThompsonFamilyPolicy(episode: Episode): FamilyPolicy {
  const sampler = makeSampler(mulberry32(episode.seed + 3));
  const weights = weightsFor(episode.family.preference);
  const pricing = makePricing(episode);
  const K = episode.arms.length;
  const beta = new Map<string, { a: number; b: number }>();
  return {
    name: 'per-type Thompson',
    choose(_t, task, available) {
      let best = -1;
      let bestUtility = -Infinity;
      for (let k = 0; k < K; k++) {
        if (!available(k)) continue;
        const s = beta.get(`${k}|${task.taskType}`) ?? { a: 1, b: 1 };
        const u = absoluteUtility(weights, sampler.beta(s.a, s.b), pricing.cost(k, task), pricing.latency(k, task));
        if (u > bestUtility) {
          bestUtility = u;
          best = k;
        }
      }
      return best;
    },
    observe(_t, k, task, outcome) {
      const key = `${k}|${task.taskType}`;
      const s = beta.get(key) ?? { a: 1, b: 1 };
      s.a += outcome.quality;
      s.b += 1 - outcome.quality;
      beta.set(key, s);
      pricing.learn(k, task, outcome);
    },
    setArm: (arm) => pricing.setArm(arm),
  };
}

const typeSlots = ['plan', 'backend-code', 'ui-code', 'tests', 'review', 'fix'];
const languageSlots = ['typescript', 'python', 'rust', 'go'];

/** The context vector LinUCB sees: bias, sizes, retry, language, task type and content tags. */
export function contextVector(task: FamilyTask, out: Float64Array): void {
  out.fill(0);
  const f = task.features;
  out[0] = 1;
  out[1] = f.attempt > 1 ? 1 : 0;
  out[2] = f.inputTokens > 32_000 ? 1 : 0;
  out[3] = Math.log(Math.max(1, f.inputTokens) / 6000) / 2;
  out[4] = Math.log(Math.max(1, f.outputTokens) / 1500);
  const language = languageSlots.indexOf(f.language);
  if (language >= 0) out[5 + language] = 1;
  const type = typeSlots.indexOf(task.taskType);
  if (type >= 0) out[9 + type] = 1;
  if (f.signals)
    for (const tag of task.tags) {
      const j = contentTags.indexOf(tag as (typeof contentTags)[number]);
      if (j >= 0) out[15 + j] = 1;
    }
}
export const contextSize = 15 + contentTags.length;

/**
 * LinUCB (Li et al. 2010, disjoint model): per arm a ridge regression of quality on the
 * context vector, chosen by the upper confidence bound `θ·x + α √(xᵀA⁻¹x)` in the utility.
 */
export function makeLinUcbFamilyPolicy(episode: Episode, alpha = 0.4): FamilyPolicy {
  const weights = weightsFor(episode.family.preference);
  const pricing = makePricing(episode);
  const K = episode.arms.length;
  const ridge = new RidgeArms(K, contextSize);
  const x = new Float64Array(contextSize);
  return {
    name: 'LinUCB',
    choose(_t, task, available) {
      contextVector(task, x);
      let best = -1;
      let bestUtility = -Infinity;
      for (let k = 0; k < K; k++) {
        if (!available(k)) continue;
        const q = ridge.mean(k, x) + alpha * Math.sqrt(Math.max(0, ridge.spread(k, x)));
        const u = absoluteUtility(weights, q, pricing.cost(k, task), pricing.latency(k, task));
        if (u > bestUtility) {
          bestUtility = u;
          best = k;
        }
      }
      return best;
    },
    observe(_t, k, task, outcome) {
      contextVector(task, x);
      ridge.learn(k, x, outcome.quality);
      pricing.learn(k, task, outcome);
    },
    setArm: (arm) => pricing.setArm(arm),
  };
}

/** Knows the truth: the model with the highest expected utility among those available. */
export function makeOracleFamilyPolicy(episode: Episode): FamilyPolicy {
  return { name: 'oracle', choose: (t) => bestArm(episode, t), observe() {}, setArm() {} };
}
