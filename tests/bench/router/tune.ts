/**
 * Tuning on seeds 1–20 of every family (never the held-out seeds the bench reports):
 * `npx tsx tests/bench/router/tune.ts '{"memory":500}'` prints the per-family table for
 * those knobs. TUNE_SEEDS (default 20), TUNE_TASKS (default 1500), TUNE_ONLY (families).
 */
import { tuningSeeds } from './families.ts';
import { familyTable, runFamilyBench } from './family-bench.ts';

const tuning = process.argv[2] ? (JSON.parse(process.argv[2]) as Record<string, unknown>) : {};
const only = process.env['TUNE_ONLY']?.split(',');
const results = runFamilyBench({
  seeds: tuningSeeds(Number(process.env['TUNE_SEEDS'] ?? 20)),
  tasks: Number(process.env['TUNE_TASKS'] ?? 1500),
  tuning,
  ...(only ? { only } : {}),
});
process.stdout.write(`${familyTable(results)}\n`);
