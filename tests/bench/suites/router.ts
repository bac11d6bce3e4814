/**
 * `npm run bench -- router`: the router against uniform random, ε-greedy, per-type
 * Thompson sampling, LinUCB and the oracle on every family of simulated worlds
 * (tests/bench/router/families.ts), on held-out seeds 1001+ (knobs are tuned on seeds
 * 1–20: `npx tsx tests/bench/router/tune.ts`); then budget runs and decision latency.
 * ROUTER_BENCH_SEEDS changes the number of held-out seeds per family (default 16),
 * ROUTER_BENCH_TASKS the tasks per run (default 1500).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../server/build/build-stamp.ts';
import type { Preference } from '../../../worker/router/preference.ts';
import { heldOutSeeds } from '../router/families.ts';
import { type FamilyFigures, type PolicyFigures, familyTable, runFamilyBench } from '../router/family-bench.ts';
import { makeRouterPolicy } from '../router/policies.ts';
import { decisionLatencyUs } from '../router/latency.ts';
import { preview, runWithBudget } from '../router/simulate.ts';
import { type BenchResult, withBaseline } from '../result.ts';

const budgetPreference: Preference = 'balanced';
const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;
const slug = (name: string) => name.replace(/-/g, '_');
const baselineSlugs: Readonly<Record<string, string>> = {
  'uniform random': 'uniform_random',
  'ε-greedy': 'epsilon_greedy',
  'per-type Thompson': 'per_type_thompson',
  LinUCB: 'linucb',
};

function familyRows(figures: FamilyFigures): BenchResult[] {
  const name = slug(figures.family.name);
  const router = figures.policies['router'] as PolicyFigures;
  const best = figures.policies[figures.bestBaseline] as PolicyFigures;
  const rows: BenchResult[] = [
    withBaseline({
      metric: `${name}_regret_vs_best_baseline`,
      value: round(router.regret, 1),
      unit: 'utility',
      baseline: { name: baselineSlugs[figures.bestBaseline] ?? 'baseline', value: round(best.regret, 1) },
      target: '<= 1.0 of baseline',
    }),
    {
      metric: `${name}_cost_at_equal_quality_vs_oracle`,
      value: round(router.costVsOracle, 2),
      unit: '× oracle',
      target: '<= 1.2',
    },
    withBaseline({
      metric: `${name}_quality_vs_best_single`,
      value: round(router.quality),
      unit: 'quality',
      baseline: { name: 'best_single_model', value: round(figures.bestSingle.quality) },
    }),
    withBaseline({
      metric: `${name}_cost_vs_best_single`,
      value: round(router.cost, 4),
      unit: 'USD/task',
      baseline: { name: 'best_single_model', value: round(figures.bestSingle.cost, 4) },
    }),
  ];
  if (figures.falseAlarmsPer10k !== null)
    rows.push({
      metric: `${name}_false_alarms_per_10k_outcomes`,
      value: round(figures.falseAlarmsPer10k, 2),
      unit: 'alarms',
      target: '<= 1',
    });
  if (figures.abandonP90 !== null)
    rows.push(
      withBaseline({
        metric: `${name}_dropped_model_abandoned_p90`,
        value: figures.abandonP90['router'] ?? Number.NaN,
        unit: 'tasks',
        baseline: { name: 'epsilon_greedy', value: Math.max(1, figures.abandonP90['ε-greedy'] ?? 1) },
        target: '<= 20 tasks',
      }),
      {
        metric: `${name}_dropped_model_detection_bound_p90`,
        value: round(figures.abandonBoundP90 ?? Number.NaN, 0),
        unit: 'outcomes',
        target: 'informative: fewest outcomes of the dropped model any detector at <= 1 false alarm per 10k needs',
      },
    );
  return rows;
}

export function routerSuite(): Promise<BenchResult[]> {
  // Timed first, in a fresh process, as the engine's worker runs it: after the simulations
  // below the JIT has seen a dozen policies and the heap is large, which is not a worker.
  const latency = decisionLatencyUs(60_000, 15_000);
  const seeds = Number(process.env['ROUTER_BENCH_SEEDS'] ?? 16);
  const tasks = Number(process.env['ROUTER_BENCH_TASKS'] ?? 1500);
  const families = runFamilyBench({ seeds: heldOutSeeds(seeds), tasks });
  process.stdout.write(
    `\nrouter families: ${seeds} held-out seeds (1001+) × ${tasks} tasks each; mean regret per run against the oracle's expected utility\n${familyTable(families)}\n`,
  );
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(join(repoRoot, 'bench', 'results', 'router-families.json'), `${JSON.stringify(families, null, 2)}\n`);

  // A binding budget: half of what the oracle would spend, a price shock mid-run.
  let overruns = 0;
  let budgetRuns = 0;
  for (let seed = 1001; seed < 1001 + 10; seed++) {
    const budgetUsd = preview(seed, budgetPreference).oracleCostUsd / 2;
    for (const paced of [true, false]) {
      const run = runWithBudget(seed, (world) => makeRouterPolicy(world, seed, budgetPreference), budgetUsd, paced);
      budgetRuns += 1;
      if (run.overrun) overruns += 1;
    }
  }

  return Promise.resolve([
    ...families.flatMap(familyRows),
    { metric: 'budget_overruns', value: overruns, unit: `of ${budgetRuns} runs`, target: '0' },
    withBaseline({
      metric: 'decision_p50_us',
      value: round(latency.router.p50, 2),
      unit: 'µs',
      baseline: { name: 'epsilon_greedy_p50', value: round(latency.epsilon.p50, 2) },
    }),
    withBaseline({
      metric: 'decision_p99_us',
      value: round(latency.router.p99, 2),
      unit: 'µs',
      baseline: { name: 'epsilon_greedy_p99', value: round(latency.epsilon.p99, 2) },
      target: '<= 20 µs',
    }),
    withBaseline({
      metric: 'decision_p99_vs_machine_tail',
      value: round(latency.router.p99, 2),
      unit: 'µs',
      baseline: { name: 'busy_loop_as_long_as_p50_decision_p99', value: round(latency.busyLoop.p99, 2) },
      target: 'informative: ~1 means the tail is the machine, not the router',
    }),
  ]);
}
