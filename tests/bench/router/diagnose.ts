/**
 * Where the router's excess cost at equal quality comes from, per family, on tuning seeds
 * (never the held-out ones): `npx tsx tests/bench/router/diagnose.ts '{"memory":500}'`.
 * Splits its regret into exploration (it chose other than the model its own posterior
 * means rank first) and estimation (the model its means rank first is not the oracle's),
 * prices what exploring on dearer models cost, measures the ratio on the last third of
 * the run alone (how far from converged the horizon leaves it), the ratio of an oracle
 * that knows each model's mean on each task type but not the context, and that of a
 * full-information learner (every model's outcome on every task, a ridge regression on
 * the world's own context): what 1,500 tasks can teach whatever the exploration.
 * TUNE_SEEDS (default 10), TUNE_TASKS (1500), TUNE_ONLY (family names).
 */
import { absoluteUtility, weightsFor } from '../../../worker/router/preference.ts';
import { families, tuningSeeds } from './families.ts';
import { costAtEqualQuality, oracleFrontier } from './family-evaluate.ts';
import { contextSize, contextVector, makeRouterFamilyPolicy } from './family-policies.ts';
import { RidgeArms } from './ridge.ts';
import { type Episode, type FamilyTask, bestArm, makeEpisode, outcomeOf } from './family-world.ts';

const tuning = process.argv[2] ? (JSON.parse(process.argv[2]) as Record<string, unknown>) : {};
const only = process.env['TUNE_ONLY']?.split(',');
const seeds = tuningSeeds(Number(process.env['TUNE_SEEDS'] ?? 10));
const tasks = Number(process.env['TUNE_TASKS'] ?? 1500);

/** The episode restricted to tasks [from, to): its own frontier for a late-run ratio. */
function slice(episode: Episode, from: number, to: number): Episode {
  const K = episode.arms.length;
  return {
    ...episode,
    tasks: episode.tasks.slice(from, to),
    quality: episode.quality.slice(from * K, to * K),
    cost: episode.cost.slice(from * K, to * K),
    utility: episode.utility.slice(from * K, to * K),
    available: episode.available.slice(from * K, to * K),
  };
}

const rows = [
  '| family | cost÷oracle | last third | type-mean oracle | full-information ridge (last third) | regret/task | exploring % of tasks | exploration regret | estimation regret | extra $ on dearer explores /task | oracle $/task | router $/task | Δq vs oracle |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
for (const family of families) {
  if (only && !only.includes(family.name)) continue;
  const weights = weightsFor(family.preference);
  const acc = {
    ratio: 0,
    late: 0,
    typeOracle: 0,
    full: 0,
    fullLate: 0,
    regret: 0,
    explore: 0,
    exploreRegret: 0,
    estimateRegret: 0,
  };
  const more = { dearer: 0, oracleCost: 0, routerCost: 0, dq: 0 };
  for (const seed of seeds) {
    const episode = makeEpisode(family, seed, tasks);
    const K = episode.arms.length;
    const T = episode.tasks.length;
    const policy = makeRouterFamilyPolicy(episode, tuning);
    const index = new Map(episode.arms.map((arm, k) => [arm.id, k]));
    const choices = new Int32Array(T);
    let change = 0;
    let quality = 0;
    let cost = 0;
    let oq = 0;
    let oc = 0;
    for (let t = 0; t < T; t++) {
      while (change < episode.priceChanges.length && (episode.priceChanges[change]?.at as number) <= t) {
        for (const arm of episode.priceChanges[change]?.arms ?? []) policy.setArm(arm);
        change += 1;
      }
      const task = episode.tasks[t] as FamilyTask;
      const available = (k: number) => k >= 0 && k < K && episode.available[t * K + k] === 1;
      const k = policy.choose(t, task, available);
      // The model the router's own posterior means rank first (no draw).
      const last = policy.lastDecision();
      let greedy = k;
      let greedyUtility = -Infinity;
      for (const c of last?.candidates ?? []) {
        const u = absoluteUtility(weights, c.expectedQuality, c.expectedCostUsd, c.expectedLatencyMs);
        if (u > greedyUtility) {
          greedyUtility = u;
          greedy = index.get(c.armId) ?? k;
        }
      }
      const o = bestArm(episode, t);
      const u = (j: number) => episode.utility[t * K + j] as number;
      acc.regret += u(o) - u(k);
      if (greedy !== k) {
        acc.explore += 1;
        acc.exploreRegret += u(greedy) - u(k);
        const extra = (episode.cost[t * K + k] as number) - (episode.cost[t * K + greedy] as number);
        if (extra > 0) more.dearer += extra;
      }
      acc.estimateRegret += u(o) - u(greedy);
      quality += episode.quality[t * K + k] as number;
      cost += episode.cost[t * K + k] as number;
      oq += episode.quality[t * K + o] as number;
      oc += episode.cost[t * K + o] as number;
      choices[t] = k;
      policy.observe(t, k, task, outcomeOf(episode, t, k));
    }
    acc.ratio += costAtEqualQuality(oracleFrontier(episode), quality / T, cost / T);
    const from = Math.floor((2 * T) / 3);
    let lq = 0;
    let lc = 0;
    for (let t = from; t < T; t++) {
      lq += episode.quality[t * K + (choices[t] as number)] as number;
      lc += episode.cost[t * K + (choices[t] as number)] as number;
    }
    acc.late += costAtEqualQuality(oracleFrontier(slice(episode, from, T)), lq / (T - from), lc / (T - from));
    const full = fullInformation(episode, weights);
    acc.full += costAtEqualQuality(oracleFrontier(episode), full.quality, full.cost);
    acc.fullLate += costAtEqualQuality(oracleFrontier(slice(episode, from, T)), full.lateQuality, full.lateCost);
    const typed = typeMeanOracle(episode, weights);
    acc.typeOracle += costAtEqualQuality(oracleFrontier(episode), typed.quality, typed.cost);
    more.oracleCost += oc / T;
    more.routerCost += cost / T;
    more.dq += (quality - oq) / T;
  }
  const n = seeds.length;
  const per = (x: number) => x / (n * tasks);
  rows.push(
    `| ${family.name} | ${(acc.ratio / n).toFixed(2)} | ${(acc.late / n).toFixed(2)} | ${(acc.typeOracle / n).toFixed(2)} | ${(acc.full / n).toFixed(2)} (${(acc.fullLate / n).toFixed(2)}) | ${per(acc.regret).toFixed(4)} | ${(100 * per(acc.explore)).toFixed(1)} | ${per(acc.exploreRegret).toFixed(4)} | ${per(acc.estimateRegret).toFixed(4)} | ${per(more.dearer).toFixed(4)} | ${(more.oracleCost / n).toFixed(4)} | ${(more.routerCost / n).toFixed(4)} | ${(more.dq / n).toFixed(3)} |`,
  );
}
process.stdout.write(`${rows.join('\n')}\n`);

/**
 * An oracle that knows each model's mean true quality on each task type over the run but
 * not how the context moves it: per task, the best of `mean quality − cost ÷ value − wait`.
 */
function typeMeanOracle(episode: Episode, weights: ReturnType<typeof weightsFor>) {
  const K = episode.arms.length;
  const T = episode.tasks.length;
  const sums = new Map<string, { n: number; q: number }>();
  for (let t = 0; t < T; t++)
    for (let k = 0; k < K; k++) {
      const key = `${k}|${(episode.tasks[t] as FamilyTask).taskType}`;
      const s = sums.get(key) ?? { n: 0, q: 0 };
      s.n += 1;
      s.q += episode.quality[t * K + k] as number;
      sums.set(key, s);
    }
  let quality = 0;
  let cost = 0;
  for (let t = 0; t < T; t++) {
    let best = -1;
    let bestU = -Infinity;
    for (let k = 0; k < K; k++) {
      const i = t * K + k;
      if (episode.available[i] === 0) continue;
      const s = sums.get(`${k}|${(episode.tasks[t] as FamilyTask).taskType}`) as { n: number; q: number };
      const u = absoluteUtility(weights, s.q / s.n, episode.cost[i] as number, episode.latency[i] as number);
      if (u > bestU) {
        bestU = u;
        best = i;
      }
    }
    quality += episode.quality[best] as number;
    cost += episode.cost[best] as number;
  }
  return { quality: quality / T, cost: cost / T };
}

/**
 * A learner no bandit can beat at its own estimator: it sees every model's outcome on every
 * task (full information, so it never needs to explore), knows every cost and latency, and
 * fits per model a ridge regression of quality on the context LinUCB sees (task type,
 * sizes, retry, language, content tags), which is the form the stationary worlds' quality
 * takes. It takes the model of best estimated utility. Its quality and cost over the run
 * and over the last third show what 1,500 tasks can teach, whatever the exploration.
 */
function fullInformation(episode: Episode, weights: ReturnType<typeof weightsFor>) {
  const K = episode.arms.length;
  const T = episode.tasks.length;
  const ridge = new RidgeArms(K, contextSize);
  const x = new Float64Array(contextSize);
  const from = Math.floor((2 * T) / 3);
  let quality = 0;
  let cost = 0;
  let lateQuality = 0;
  let lateCost = 0;
  for (let t = 0; t < T; t++) {
    const task = episode.tasks[t] as FamilyTask;
    contextVector(task, x);
    let best = -1;
    let bestU = -Infinity;
    for (let k = 0; k < K; k++) {
      const i = t * K + k;
      if (episode.available[i] === 0) continue;
      const u = absoluteUtility(weights, ridge.mean(k, x), episode.cost[i] as number, episode.latency[i] as number);
      if (u > bestU) {
        bestU = u;
        best = i;
      }
    }
    quality += episode.quality[best] as number;
    cost += episode.cost[best] as number;
    if (t >= from) {
      lateQuality += episode.quality[best] as number;
      lateCost += episode.cost[best] as number;
    }
    for (let k = 0; k < K; k++) {
      if (episode.available[t * K + k] === 0) continue;
      ridge.learn(k, x, outcomeOf(episode, t, k).quality);
    }
  }
  return {
    quality: quality / T,
    cost: cost / T,
    lateQuality: lateQuality / (T - from),
    lateCost: lateCost / (T - from),
  };
}
