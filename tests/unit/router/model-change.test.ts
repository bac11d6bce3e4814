import { expect, test } from 'vitest';
import { createRouter, mulberry32, restoreRouter } from '../../../worker/router/index.ts';
import type { RouteRecord } from '../../../worker/router/records.ts';
import type { RouterTuning } from '../../../worker/router/tuning.ts';
import { asExpected, bareArm, task } from './helpers.ts';

const types = ['plan', 'backend-code', 'tests', 'review'];
const arms = [bareArm('star'), bareArm('steady')];

/**
 * Pass/fail outcomes on four task types in turn: "star" passes 85% of the time, "steady"
 * 75%, until task `dropAt`, from which "star" passes 55% on every type. Returns the choices
 * on type "tests" from the drop on, the router and its records.
 */
function run(tuning: Partial<RouterTuning>, seed: number, dropAt: number, total: number) {
  const records: RouteRecord[] = [];
  const router = createRouter({ arms, random: mulberry32(seed), tuning, onRecord: (r) => records.push(r) });
  const pass = mulberry32(seed + 500);
  const after: string[] = [];
  for (let i = 0; i < total; i++) {
    const taskType = types[i % types.length] as string;
    const decision = router.choose(task(taskType));
    const armId = decision.armId as string;
    const mean = armId === 'star' ? (i >= dropAt ? 0.55 : 0.85) : 0.75;
    router.observe(decision, { quality: pass() < mean ? 1 : 0, ...asExpected(decision) });
    if (i >= dropAt && taskType === 'tests') after.push(armId);
  }
  return { router, records, after };
}

/** Tasks of one type from the drop until the dropped model's share of the next 20 is at most 10%. */
function abandonedAfter(choices: readonly string[]): number {
  for (let k = 0; k < choices.length; k++) {
    const window = choices.slice(k, k + 20);
    if (window.filter((id) => id === 'star').length <= 0.1 * window.length) return k;
  }
  return choices.length;
}

test('a model that gets worse on every task type is abandoned sooner when watched across types', () => {
  const watched: number[] = [];
  const perType: number[] = [];
  for (let seed = 1; seed <= 8; seed++) {
    // Alarms alone (no suspected change read before them), to isolate the model-level detector.
    watched.push(abandonedAfter(run({ changeSuspicion: 0 }, seed, 1200, 2000).after));
    perType.push(abandonedAfter(run({ changeSuspicion: 0, modelChangeDetection: false }, seed, 1200, 2000).after));
  }
  const median = (list: number[]) => [...list].sort((x, y) => x - y)[list.length >> 1] as number;
  // Each type's own detector needs ~40 of that type's outcomes; all four types together, fewer tasks of one.
  expect(median(watched)).toBeLessThan(0.75 * median(perType));
  expect(watched.filter((k, i) => k <= (perType[i] as number)).length).toBeGreaterThanOrEqual(6);
});

test('the model-level detector raises at most one false alarm per 10,000 pass/fail outcomes of steady models', () => {
  let alarms = 0;
  let outcomes = 0;
  for (let seed = 1; seed <= 4; seed++) {
    const { router } = run({}, seed, Number.POSITIVE_INFINITY, 5000);
    for (const cell of Object.values(router.toJSON().global)) alarms += cell.alarms ?? 0;
    outcomes += 5000;
  }
  expect((10_000 * alarms) / outcomes).toBeLessThanOrEqual(1);
  // The same detector with a threshold of 3 nats alarms many times over: the count is live.
  const { router } = run({ changeThreshold: 3 }, 1, Number.POSITIVE_INFINITY, 5000);
  const loose = Object.values(router.toJSON().global).reduce((sum, cell) => sum + (cell.alarms ?? 0), 0);
  expect(loose).toBeGreaterThan(2);
});

test('replaying the records rebuilds the state a model-level alarm left, and a restore keeps it', () => {
  const { router, records } = run({}, 3, 1200, 2000);
  const snapshot = router.toJSON();
  expect(Object.values(snapshot.global).some((cell) => (cell.alarms ?? 0) > 0)).toBe(true);
  const replayed = createRouter({ arms, random: mulberry32(99) });
  for (const record of records) replayed.apply(record);
  expect(replayed.toJSON()).toEqual(snapshot);
  expect(restoreRouter(snapshot).toJSON()).toEqual(snapshot);
});
