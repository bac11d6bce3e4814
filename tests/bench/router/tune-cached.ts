/**
 * Faster tuning on seeds 1–20: the baselines' figures per family and seed are computed
 * once and kept in TUNE_CACHE (default /tmp/router-baselines.json); each call then runs
 * only the router. `npx tsx tests/bench/router/tune-cached.ts '{"changeThreshold":8}'`.
 * TUNE_SEEDS (default 20), TUNE_TASKS (1500), TUNE_ONLY (family names).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { percentile } from '../result.ts';
import { families, tuningSeeds } from './families.ts';
import { baselineNames } from './family-bench.ts';
import {
  makeEpsilonGreedyFamilyPolicy,
  makeLinUcbFamilyPolicy,
  makeRandomFamilyPolicy,
  makeRouterFamilyPolicy,
  makeTypeThompsonFamilyPolicy,
} from './family-policies.ts';
import { costAtEqualQuality, oracleFrontier, runEpisode, tasksUntilAbandoned } from './family-evaluate.ts';
import { makeEpisode } from './family-world.ts';

const tuning = process.argv[2] ? (JSON.parse(process.argv[2]) as Record<string, unknown>) : {};
const only = process.env['TUNE_ONLY']?.split(',');
const seeds = tuningSeeds(Number(process.env['TUNE_SEEDS'] ?? 20));
const tasks = Number(process.env['TUNE_TASKS'] ?? 1500);
const cachePath = process.env['TUNE_CACHE'] ?? '/tmp/router-baselines.json';
type Figures = { regret: number; costVsOracle: number; abandon: number };
const cache: Record<string, Figures> = existsSync(cachePath)
  ? (JSON.parse(readFileSync(cachePath, 'utf8')) as Record<string, Figures>)
  : {};
const makers = {
  'uniform random': makeRandomFamilyPolicy,
  'ε-greedy': makeEpsilonGreedyFamilyPolicy,
  'per-type Thompson': makeTypeThompsonFamilyPolicy,
  LinUCB: makeLinUcbFamilyPolicy,
} as const;
const rows: string[] = [
  '| family | router | ε | TS | LinUCB | ÷best | ÷ε | ÷TS | cost÷oracle (router; best of baselines) | abandon p90 (router, ε, TS) | alarms/10k |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
for (const family of families) {
  if (only && !only.includes(family.name)) continue;
  const sums = new Map<string, Figures>();
  const abandon = new Map<string, number[]>();
  let alarms = 0;
  for (const seed of seeds) {
    const episode = makeEpisode(family, seed, tasks);
    const frontier = oracleFrontier(episode);
    const add = (name: string, f: Figures) => {
      const s = sums.get(name) ?? { regret: 0, costVsOracle: 0, abandon: 0 };
      s.regret += f.regret;
      s.costVsOracle += f.costVsOracle;
      sums.set(name, s);
      const list = abandon.get(name) ?? [];
      list.push(f.abandon);
      abandon.set(name, list);
    };
    for (const name of baselineNames) {
      const key = `${family.name}|${seed}|${tasks}|${name}`;
      let f = cache[key];
      if (!f) {
        const figures = runEpisode(episode, makers[name](episode));
        f = {
          regret: figures.regret,
          costVsOracle: costAtEqualQuality(frontier, figures.quality, figures.cost),
          abandon: tasksUntilAbandoned(episode, figures.choices),
        };
        cache[key] = f;
      }
      add(name, f);
    }
    const router = makeRouterFamilyPolicy(episode, tuning);
    const figures = runEpisode(episode, router);
    add('router', {
      regret: figures.regret,
      costVsOracle: costAtEqualQuality(frontier, figures.quality, figures.cost),
      abandon: tasksUntilAbandoned(episode, figures.choices),
    });
    const snapshot = router.router.toJSON();
    for (const cells of Object.values(snapshot.types)) for (const cell of Object.values(cells)) alarms += cell.alarms;
    for (const cell of Object.values(snapshot.global)) alarms += cell.alarms ?? 0;
  }
  const n = seeds.length;
  const r = (name: string) => (sums.get(name)?.regret ?? 0) / n;
  const c = (name: string) => (sums.get(name)?.costVsOracle ?? 0) / n;
  const best = Math.min(...baselineNames.map(r));
  const bestCost = Math.min(...baselineNames.map(c));
  const p90 = (name: string) => percentile(abandon.get(name) ?? [0], 90);
  rows.push(
    `| ${family.name} | ${r('router').toFixed(1)} | ${r('ε-greedy').toFixed(1)} | ${r('per-type Thompson').toFixed(1)} | ${r('LinUCB').toFixed(1)} | ${(r('router') / best).toFixed(3)} | ${(r('router') / r('ε-greedy')).toFixed(3)} | ${(r('router') / r('per-type Thompson')).toFixed(3)} | ${c('router').toFixed(2)}; ${bestCost.toFixed(2)} | ${family.dynamics === 'drop' ? `${p90('router')}, ${p90('ε-greedy')}, ${p90('per-type Thompson')}` : ''} | ${((10_000 * alarms) / (n * tasks)).toFixed(1)} |`,
  );
}
writeFileSync(cachePath, JSON.stringify(cache));
process.stdout.write(`${rows.join('\n')}\n`);
