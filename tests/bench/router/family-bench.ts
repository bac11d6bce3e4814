/**
 * The router against every baseline on every family, over a list of seeds: the figures
 * `npm run bench -- router` reports (held-out seeds) and the tuning script reads (seeds
 * 1–20). Per family: quality and cost against the best single model, cost at equal
 * quality against the oracle's frontier, regret against each baseline, false change
 * alarms per 10,000 stationary outcomes and tasks to abandon a dropped model.
 */
import type { RouterTuning } from '../../../worker/router/tuning.ts';
import { percentile } from '../result.ts';
import { type Family, families } from './families.ts';
import {
  type FamilyPolicy,
  makeEpsilonGreedyFamilyPolicy,
  makeLinUcbFamilyPolicy,
  makeOracleFamilyPolicy,
  makeRandomFamilyPolicy,
  makeRouterFamilyPolicy,
  makeTypeThompsonFamilyPolicy,
} from './family-policies.ts';
import {
  abandonBound,
  bestSingleModel,
  costAtEqualQuality,
  oracleFrontier,
  runEpisode,
  tasksUntilAbandoned,
} from './family-evaluate.ts';
import { type Episode, makeEpisode } from './family-world.ts';

export const baselineNames = ['uniform random', 'ε-greedy', 'per-type Thompson', 'LinUCB'] as const;
export type BaselineName = (typeof baselineNames)[number];
const learners: Record<BaselineName, (episode: Episode) => FamilyPolicy> = {
  'uniform random': makeRandomFamilyPolicy,
  'ε-greedy': (episode) => makeEpsilonGreedyFamilyPolicy(episode),
  'per-type Thompson': makeTypeThompsonFamilyPolicy,
  LinUCB: (episode) => makeLinUcbFamilyPolicy(episode),
};

export interface PolicyFigures {
  regret: number;
  quality: number;
  cost: number;
  /** Cost over the oracle's cost at the same quality. */
  costVsOracle: number;
}

export interface FamilyFigures {
  family: Family;
  seeds: number;
  tasks: number;
  /** Means over seeds, per policy ('router', the baselines, 'oracle'). */
  policies: Record<string, PolicyFigures>;
  bestSingle: { quality: number; cost: number };
  /** Router regret ÷ the lowest baseline regret (random excluded only if it is somehow best). */
  regretVsBestBaseline: number;
  bestBaseline: string;
  /** Change alarms per 10,000 outcomes (stationary families only, else null). */
  falseAlarmsPer10k: number | null;
  /** p90 over seeds of tasks of the dropped model's type until it is abandoned (drop families), per policy. */
  abandonP90: Record<string, number> | null;
  /** p90 over seeds of the fewest outcomes of the dropped model any detector at ≤ 1 false alarm per 10,000 needs (drop families). */
  abandonBoundP90: number | null;
}

export interface FamilyBenchOptions {
  seeds: readonly number[];
  tasks: number;
  tuning?: Partial<RouterTuning>;
  only?: readonly string[];
  /** Also run the baselines (the tuning script may skip them after a first pass). */
  baselines?: boolean;
}

export function runFamilyBench(options: FamilyBenchOptions): FamilyFigures[] {
  const out: FamilyFigures[] = [];
  for (const family of families) {
    if (options.only && !options.only.includes(family.name)) continue;
    const sums = new Map<string, PolicyFigures>();
    const abandon = new Map<string, number[]>();
    const bounds: number[] = [];
    let alarms = 0;
    let outcomes = 0;
    let bestQuality = 0;
    let bestCost = 0;
    for (const seed of options.seeds) {
      const episode = makeEpisode(family, seed, options.tasks);
      const frontier = oracleFrontier(episode);
      const single = bestSingleModel(episode);
      bestQuality += single.quality;
      bestCost += single.cost;
      if (episode.drop) bounds.push(abandonBound(episode));
      const router = makeRouterFamilyPolicy(episode, options.tuning);
      const policies: FamilyPolicy[] = [router, makeOracleFamilyPolicy(episode)];
      if (options.baselines !== false) for (const name of baselineNames) policies.push(learners[name](episode));
      for (const policy of policies) {
        const figures = runEpisode(episode, policy);
        const sum = sums.get(policy.name) ?? { regret: 0, quality: 0, cost: 0, costVsOracle: 0 };
        sum.regret += figures.regret;
        sum.quality += figures.quality;
        sum.cost += figures.cost;
        sum.costVsOracle += costAtEqualQuality(frontier, figures.quality, figures.cost);
        sums.set(policy.name, sum);
        if (episode.drop) {
          const list = abandon.get(policy.name) ?? [];
          list.push(tasksUntilAbandoned(episode, figures.choices));
          abandon.set(policy.name, list);
        }
      }
      if (family.dynamics === 'stationary') {
        const snapshot = router.router.toJSON();
        for (const cells of Object.values(snapshot.types))
          for (const cell of Object.values(cells)) alarms += cell.alarms;
        for (const cell of Object.values(snapshot.global)) alarms += cell.alarms ?? 0;
        outcomes += options.tasks;
      }
    }
    const n = options.seeds.length;
    const policies: Record<string, PolicyFigures> = {};
    for (const [name, sum] of sums)
      policies[name] = {
        regret: sum.regret / n,
        quality: sum.quality / n,
        cost: sum.cost / n,
        costVsOracle: sum.costVsOracle / n,
      };
    let bestBaseline = '';
    let bestRegret = Number.POSITIVE_INFINITY;
    for (const name of baselineNames) {
      const figures = policies[name];
      if (figures && figures.regret < bestRegret) {
        bestRegret = figures.regret;
        bestBaseline = name;
      }
    }
    const routerFigures = policies['router'] as PolicyFigures;
    out.push({
      family,
      seeds: n,
      tasks: options.tasks,
      policies,
      bestSingle: { quality: bestQuality / n, cost: bestCost / n },
      regretVsBestBaseline: Number.isFinite(bestRegret)
        ? routerFigures.regret / Math.max(1e-9, bestRegret)
        : Number.NaN,
      bestBaseline,
      falseAlarmsPer10k: family.dynamics === 'stationary' ? (10_000 * alarms) / Math.max(1, outcomes) : null,
      abandonP90:
        family.dynamics === 'drop'
          ? Object.fromEntries([...abandon].map(([name, list]) => [name, percentile(list, 90)]))
          : null,
      abandonBoundP90: bounds.length > 0 ? percentile(bounds, 90) : null,
    });
  }
  return out;
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));

/** The per-family table printed by the bench and the tuning script. */
export function familyTable(results: readonly FamilyFigures[]): string {
  const names = ['router', ...baselineNames, 'oracle'];
  const lines = [
    `| family | ${names.map((name) => `${name} regret`).join(' | ')} | router ÷ best baseline | router cost ÷ oracle at equal quality | LinUCB / TS / ε cost ÷ oracle | router quality ÷ best single | router cost ÷ best single | false alarms /10k | abandon p90 (router, ε, TS; bound) |`,
    `| --- | ${names.map(() => '---').join(' | ')} | --- | --- | --- | --- | --- | --- | --- |`,
  ];
  for (const r of results) {
    const p = (name: string) => r.policies[name];
    const router = p('router') as PolicyFigures;
    lines.push(
      `| ${r.family.name} | ${names.map((name) => fixed(p(name)?.regret ?? Number.NaN, 1)).join(' | ')} | ${fixed(r.regretVsBestBaseline, 2)} (${r.bestBaseline}) | ${fixed(router.costVsOracle, 2)} | ${['LinUCB', 'per-type Thompson', 'ε-greedy'].map((name) => fixed(p(name)?.costVsOracle ?? Number.NaN, 2)).join(' / ')} | ${fixed(router.quality / r.bestSingle.quality, 3)} | ${fixed(router.cost / r.bestSingle.cost, 3)} | ${r.falseAlarmsPer10k === null ? '' : fixed(r.falseAlarmsPer10k, 1)} | ${r.abandonP90 ? `${[r.abandonP90['router'], r.abandonP90['ε-greedy'], r.abandonP90['per-type Thompson']].join(', ')}; ${fixed(r.abandonBoundP90 ?? Number.NaN, 0)}` : ''} |`,
    );
  }
  return lines.join('\n');
}
