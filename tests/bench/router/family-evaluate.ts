/**
 * Runs a policy through an episode and measures it against ground truth: regret against
 * the oracle's expected utility, expected quality and cost of what it chose, and how soon
 * it let go of a model that got worse. Also the yardsticks that need hindsight: the best
 * single model and the oracle's quality–cost frontier.
 */
import type { FamilyPolicy } from './family-policies.ts';
import { type Episode, type FamilyTask, bestArm, outcomeOf } from './family-world.ts';

export interface EpisodeFigures {
  regret: number;
  /** Mean expected quality and mean expected cost (USD) per task of the chosen models. */
  quality: number;
  cost: number;
  choices: Int32Array;
}

export function runEpisode(episode: Episode, policy: FamilyPolicy): EpisodeFigures {
  const K = episode.arms.length;
  const T = episode.tasks.length;
  const choices = new Int32Array(T);
  let regret = 0;
  let quality = 0;
  let cost = 0;
  let change = 0;
  let t = 0;
  const available = (k: number) => k >= 0 && k < K && episode.available[t * K + k] === 1;
  for (t = 0; t < T; t++) {
    while (change < episode.priceChanges.length && (episode.priceChanges[change]?.at as number) <= t) {
      for (const arm of episode.priceChanges[change]?.arms ?? []) policy.setArm(arm);
      change += 1;
    }
    const task = episode.tasks[t] as FamilyTask;
    const k = policy.choose(t, task, available);
    if (!available(k)) throw new Error(`${policy.name} chose an unavailable model at task ${t}`);
    const i = t * K + k;
    regret += (episode.utility[t * K + bestArm(episode, t)] as number) - (episode.utility[i] as number);
    quality += episode.quality[i] as number;
    cost += episode.cost[i] as number;
    choices[t] = k;
    policy.observe(t, k, task, outcomeOf(episode, t, k));
  }
  return { regret, quality: quality / T, cost: cost / T, choices };
}

/**
 * Tasks of the dropped model's type, counted from the drop, until its share of the next
 * `window` such tasks falls to at most 10%.
 */
export function tasksUntilAbandoned(episode: Episode, choices: Int32Array, window = 20): number {
  const drop = episode.drop;
  if (!drop) return 0;
  const after: boolean[] = [];
  for (let t = drop.at; t < episode.tasks.length; t++)
    if (episode.tasks[t]?.taskType === drop.taskType) after.push(choices[t] === drop.arm);
  for (let k = 0; k < after.length; k++) {
    const slice = after.slice(k, k + window);
    if (slice.filter(Boolean).length <= 0.1 * slice.length) return k;
  }
  return after.length;
}

/** The model with the best mean expected quality over the run, and its mean quality and cost. */
export function bestSingleModel(episode: Episode): { arm: number; quality: number; cost: number } {
  const K = episode.arms.length;
  const T = episode.tasks.length;
  let best = { arm: 0, quality: -1, cost: 0 };
  for (let k = 0; k < K; k++) {
    let quality = 0;
    let cost = 0;
    for (let t = 0; t < T; t++) {
      quality += episode.quality[t * K + k] as number;
      cost += episode.cost[t * K + k] as number;
    }
    if (quality / T > best.quality) best = { arm: k, quality: quality / T, cost: cost / T };
  }
  return best;
}

/**
 * The oracle's frontier: for dollar values of a quality unit from $0.0001 to $10,000, the
 * mean quality and cost of always taking the best model at that value, with perfect
 * knowledge. Sorted by quality; cost rises with it.
 */
export function oracleFrontier(episode: Episode): { quality: number; cost: number }[] {
  const K = episode.arms.length;
  const T = episode.tasks.length;
  const points: { quality: number; cost: number }[] = [];
  for (let e = -4; e <= 4; e += 0.25) {
    const value = Math.pow(10, e);
    let quality = 0;
    let cost = 0;
    for (let t = 0; t < T; t++) {
      let best = -1;
      let bestScore = -Infinity;
      for (let k = 0; k < K; k++) {
        const i = t * K + k;
        if (episode.available[i] === 0) continue;
        const score = (episode.quality[i] as number) - (episode.cost[i] as number) / value;
        if (score > bestScore) {
          bestScore = score;
          best = i;
        }
      }
      quality += episode.quality[best] as number;
      cost += episode.cost[best] as number;
    }
    points.push({ quality: quality / T, cost: cost / T });
  }
  return points.sort((x, y) => x.quality - y.quality || x.cost - y.cost);
}

/**
 * What a policy paid over what the oracle pays for the same mean quality (linear between
 * frontier points). A policy of higher quality than any frontier point is compared with
 * the dearest point; one below the cheapest, with the cheapest.
 */
export function costAtEqualQuality(
  frontier: { quality: number; cost: number }[],
  quality: number,
  cost: number,
): number {
  const first = frontier[0] as { quality: number; cost: number };
  const last = frontier[frontier.length - 1] as { quality: number; cost: number };
  if (quality <= first.quality) return cost / first.cost;
  if (quality >= last.quality) return cost / last.cost;
  for (let i = 1; i < frontier.length; i++) {
    const high = frontier[i] as { quality: number; cost: number };
    const low = frontier[i - 1] as { quality: number; cost: number };
    if (quality <= high.quality) {
      const span = high.quality - low.quality;
      const oracle = span > 0 ? low.cost + ((quality - low.quality) / span) * (high.cost - low.cost) : high.cost;
      return cost / oracle;
    }
  }
  return cost / last.cost;
}

/**
 * A lower bound on how many outcomes of the dropped model any change detector needs to
 * notice its drop while raising at most one false alarm per 10,000 outcomes of a model
 * that does not change: ln(10,000) ÷ the Kullback–Leibler divergence of its scores after
 * the drop from before (Lorden 1971; the detector is assumed to know both levels, which a
 * learner does not). The levels are the model's mean expected quality on the drop's task
 * type before and after; scores are pass/fail or the world's quality plus N(0, 0.15²).
 */
export function abandonBound(episode: Episode): number {
  const drop = episode.drop;
  if (!drop) return 0;
  const K = episode.arms.length;
  let before = 0;
  let nb = 0;
  let after = 0;
  let na = 0;
  episode.tasks.forEach((task, t) => {
    if (task.taskType !== drop.taskType) return;
    const q = episode.quality[t * K + drop.arm] as number;
    if (t < drop.at) {
      before += q;
      nb += 1;
    } else {
      after += q;
      na += 1;
    }
  });
  const p0 = before / Math.max(1, nb);
  const p1 = after / Math.max(1, na);
  const kl =
    episode.family.reward === 'bernoulli'
      ? p1 * Math.log(p1 / p0) + (1 - p1) * Math.log((1 - p1) / (1 - p0))
      : (p1 - p0) ** 2 / (2 * 0.15 ** 2);
  return Math.log(10_000) / Math.max(1e-9, kl);
}
