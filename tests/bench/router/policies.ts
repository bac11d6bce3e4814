/** The policies the router is compared with, and the router itself, behind one shape. */
import type { ModelArm } from '../../../worker/router/catalog.ts';
import { listCostUsd } from '../../../worker/router/catalog.ts';
import type { Preference } from '../../../worker/router/preference.ts';
import { weightsFor } from '../../../worker/router/preference.ts';
import type { RouteDecision } from '../../../worker/router/records.ts';
import { createRouter } from '../../../worker/router/router.ts';
import type { RouterTuning } from '../../../worker/router/tuning.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';
import type { Task, Truth, World } from './world.ts';

export interface Policy {
  name: string;
  choose(task: Task, budgetRemainingUsd: number, allowanceUsd?: number, exclude?: ReadonlySet<string>): string;
  observe(armId: string, task: Task, outcome: Truth): void;
  cancel(armId: string): void;
  setArm(arm: ModelArm): void;
}

/**
 * The utility every policy is judged by, from ground truth: the same formula the router
 * optimises (quality − cost and latency as fractions of the dearest and slowest model).
 */
export function utilities(world: World, task: Task, preference: Preference): { ids: string[]; values: number[] } {
  const weights = weightsFor(preference);
  const truths = world.arms.map((arm) => world.truth(arm.id, task));
  const maxCost = Math.max(...truths.map((t) => t.costUsd));
  const maxLatency = Math.max(...truths.map((t) => t.latencyMs));
  return {
    ids: world.arms.map((arm) => arm.id),
    values: truths.map(
      (t) =>
        weights.quality * t.quality -
        (weights.cost * t.costUsd) / maxCost -
        (weights.latency * t.latencyMs) / maxLatency,
    ),
  };
}

export function makeRouterPolicy(
  world: World,
  seed: number,
  preference: Preference,
  tuning: Partial<RouterTuning> = {},
  name = 'router',
): Policy & { router: ReturnType<typeof createRouter> } {
  const router = createRouter({ arms: world.arms, random: mulberry32(seed), preference, tuning });
  const pending = new Map<string, RouteDecision[]>();
  return {
    name,
    router,
    choose(task, budgetRemainingUsd, allowanceUsd, exclude) {
      const decision = router.choose({
        taskType: task.taskType,
        features: task.features,
        budgetRemainingUsd,
        ...(allowanceUsd === undefined ? {} : { allowanceUsd }),
        ...(exclude ? { available: (armId: string) => !exclude.has(armId) } : {}),
      });
      if (decision.armId === null) throw new Error('no arm');
      const queue = pending.get(decision.armId) ?? [];
      queue.push(decision);
      pending.set(decision.armId, queue);
      return decision.armId;
    },
    observe(armId, _task, outcome) {
      const decision = pending.get(armId)?.shift();
      if (decision) router.observe(decision, outcome);
    },
    cancel(armId) {
      const decision = pending.get(armId)?.shift();
      if (decision) router.cancel(decision);
    },
    setArm: (arm) => router.setArm(arm),
  };
}

export function makeRandomPolicy(world: World, seed: number): Policy {
  const random = mulberry32(seed + 1);
  return {
    name: 'uniform random',
    choose(_task, _budget, _allowance, exclude) {
      const arms = world.arms.filter((arm) => !exclude?.has(arm.id));
      return (arms[Math.floor(random() * arms.length)] as ModelArm).id;
    },
    observe() {},
    cancel() {},
    setArm() {},
  };
}

/**
 * ε-greedy with ε = 0.1 per task type, told as much as the router: observed mean quality,
 * observed cost relative to list price and observed latency per unit, priced per task.
 */
export function makeEpsilonGreedyPolicy(world: World, seed: number, preference: Preference, epsilon = 0.1): Policy {
  const random = mulberry32(seed + 2);
  const weights = weightsFor(preference);
  const stats = new Map<string, { n: number; quality: number; costRatio: number; latency: number }>();
  return {
    name: 'ε-greedy',
    choose(task, budgetRemainingUsd, allowanceUsd, exclude) {
      const arms = world.arms.filter((arm) => !exclude?.has(arm.id));
      let chosen: string | undefined;
      if (random() < epsilon) chosen = (arms[Math.floor(random() * arms.length)] as ModelArm).id;
      else {
        // Unexplored arms first (each once per task type), then the best mean utility.
        const units = 1 + task.features.outputTokens / 1000;
        const priced = arms.map((arm) => {
          const s = stats.get(`${arm.id}|${task.taskType}`);
          const list = listCostUsd(arm, task.features.inputTokens, task.features.outputTokens);
          return {
            id: arm.id,
            s,
            cost: s ? list * s.costRatio : list,
            latency: s ? s.latency * units : 0,
          };
        });
        const untried = priced.find((p) => !p.s);
        if (untried) chosen = untried.id;
        else {
          const affordable = priced.filter((p) => p.cost <= budgetRemainingUsd);
          const pool = affordable.length > 0 ? affordable : priced;
          const maxCost = Math.max(...pool.map((p) => p.cost));
          const maxLatency = Math.max(...pool.map((p) => p.latency));
          let best = -Infinity;
          for (const p of pool) {
            let u =
              weights.quality * (p.s?.quality ?? 0) -
              (weights.cost * p.cost) / maxCost -
              (weights.latency * p.latency) / maxLatency;
            if (allowanceUsd !== undefined && allowanceUsd > 0 && p.cost > allowanceUsd)
              u -= 0.5 * Math.min(2, p.cost / allowanceUsd - 1);
            if (u > best) {
              best = u;
              chosen = p.id;
            }
          }
        }
      }
      return chosen ?? (arms[0] as ModelArm).id;
    },
    observe(armId, task, outcome) {
      const key = `${armId}|${task.taskType}`;
      const arm = world.arms.find((a) => a.id === armId) as ModelArm;
      const s = stats.get(key) ?? { n: 0, quality: 0, costRatio: 0, latency: 0 };
      s.n += 1;
      const list = listCostUsd(arm, task.features.inputTokens, task.features.outputTokens);
      s.quality += (outcome.quality - s.quality) / s.n;
      s.costRatio += (outcome.costUsd / Math.max(list, 1e-12) - s.costRatio) / s.n;
      s.latency += (outcome.latencyMs / (1 + task.features.outputTokens / 1000) - s.latency) / s.n;
      stats.set(key, s);
    },
    cancel() {},
    setArm() {},
  };
}

/** Knows the truth: always the model with the highest expected utility. */
export function makeOraclePolicy(world: World, preference: Preference): Policy {
  return {
    name: 'oracle',
    choose(task, _budget, _allowance, exclude) {
      const { ids, values } = utilities(world, task, preference);
      let best = -1;
      for (let i = 0; i < ids.length; i++) {
        if (exclude?.has(ids[i] as string)) continue;
        if (best === -1 || (values[i] as number) > (values[best] as number)) best = i;
      }
      return ids[best] as string;
    },
    observe() {},
    cancel() {},
    setArm() {},
  };
}

/** Always the same model. */
export function makeSinglePolicy(armId: string): Policy {
  return { name: `always ${armId}`, choose: () => armId, observe() {}, cancel() {}, setArm() {} };
}
