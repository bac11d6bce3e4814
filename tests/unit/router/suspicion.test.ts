import { expect, test } from 'vitest';
import { createRouter, mulberry32, restoreRouter } from '../../../worker/router/index.ts';
import type { RouteRecord } from '../../../worker/router/records.ts';
import { suspectedShift } from '../../../worker/router/suspicion.ts';
import type { RouterTuning } from '../../../worker/router/tuning.ts';
import { asExpected, bareArm, task } from './helpers.ts';

const arms = [bareArm('star'), bareArm('steady')];

/**
 * Pass/fail outcomes on one task type: "star" passes 85% of the time, "steady" 75%, until
 * task `dropAt`, from which "star" passes 55%. Returns the choices from the drop on, the
 * router and its records.
 */
function run(tuning: Partial<RouterTuning>, seed: number, dropAt: number, total: number) {
  const records: RouteRecord[] = [];
  const router = createRouter({ arms, random: mulberry32(seed), tuning, onRecord: (r) => records.push(r) });
  const pass = mulberry32(seed + 500);
  const all: string[] = [];
  for (let i = 0; i < total; i++) {
    const decision = router.choose(task('tests'));
    const armId = decision.armId as string;
    const mean = armId === 'star' ? (i >= dropAt ? 0.55 : 0.85) : 0.75;
    router.observe(decision, { quality: pass() < mean ? 1 : 0, ...asExpected(decision) });
    all.push(armId);
  }
  return { router, records, after: all.slice(dropAt), all };
}

/** Tasks from the drop until the dropped model's share of the next 20 is at most 10%. */
function abandonedAfter(choices: readonly string[]): number {
  for (let k = 0; k < choices.length; k++) {
    const window = choices.slice(k, k + 20);
    if (window.filter((id) => id === 'star').length <= 0.1 * window.length) return k;
  }
  return choices.length;
}

const median = (list: number[]) => [...list].sort((x, y) => x - y)[list.length >> 1] as number;

test('a suspected drop moves the mean by its likelihood times the drop, never up', () => {
  // π = 1/2 when the CUSUM is at the level; the run is 0.3 below (12 outcomes, −3.6 in all).
  expect(suspectedShift(9.2, 9.2, 12, -3.6)).toBeCloseTo(-0.15, 10);
  // Far below the level it hardly moves; far above it moves by the whole shift.
  expect(Math.abs(suspectedShift(9.2, 2, 12, -3.6))).toBeLessThan(0.001);
  expect(suspectedShift(9.2, 25, 12, -3.6)).toBeCloseTo(-0.3, 6);
  // A run above the mean, no run, or suspicion off (level 0) moves nothing.
  expect(suspectedShift(9.2, 9.2, 12, 1)).toBe(0);
  expect(suspectedShift(9.2, 0, 0, 0)).toBe(0);
  expect(suspectedShift(0, 9.2, 12, -3.6)).toBe(0);
});

test('a model whose pass rate drops on its only task type is let go sooner when a suspected drop counts', () => {
  const suspecting: number[] = [];
  const resetting: number[] = [];
  for (let seed = 1; seed <= 8; seed++) {
    suspecting.push(abandonedAfter(run({}, seed, 1200, 1600).after));
    resetting.push(abandonedAfter(run({ changeSuspicion: 0 }, seed, 1200, 1600).after));
  }
  // A reset waits for ~40 of the model's outcomes (the false-alarm budget), and the model's
  // mean then sinks slowly; a suspected drop moves the choice to the close second sooner.
  // Seeds 1–8 here: 24–89 tasks (median 42) against 32–103 (median 73).
  expect(median(suspecting)).toBeLessThan(0.75 * median(resetting));
  expect(suspecting.filter((k, i) => k <= (resetting[i] as number)).length).toBeGreaterThanOrEqual(7);
});

test('suspicion resets nothing: a steady best model keeps its tasks and raises no alarm', () => {
  for (let seed = 1; seed <= 4; seed++) {
    const { router, all } = run({}, seed, Number.POSITIVE_INFINITY, 3000);
    const late = all.slice(1000);
    expect(late.filter((id) => id === 'star').length / late.length).toBeGreaterThan(0.9);
    const snapshot = router.toJSON();
    const alarms =
      Object.values(snapshot.types).reduce(
        (sum, cells) => sum + Object.values(cells).reduce((s, c) => s + c.alarms, 0),
        0,
      ) + Object.values(snapshot.global).reduce((sum, cell) => sum + (cell.alarms ?? 0), 0);
    expect(alarms).toBe(0);
  }
});

test('a router restored or replayed mid-suspicion reads the same suspected drop', () => {
  const { router, records } = run({}, 3, 1200, 1215);
  const snapshot = router.toJSON();
  expect(Object.values(snapshot.global).some((cell) => (cell.cusum ?? 0) > 0)).toBe(true);
  const replayed = createRouter({ arms, random: mulberry32(42) });
  for (const record of records) replayed.apply(record);
  expect(replayed.toJSON()).toEqual(snapshot);
  const restored = restoreRouter(snapshot, { random: mulberry32(42) });
  // The same state read without suspicion: the drop it suspects is live in this state.
  const unsuspecting = restoreRouter(snapshot, { random: mulberry32(42), tuning: { changeSuspicion: 0 } });
  const means = (r: ReturnType<typeof createRouter>) =>
    r.choose(task('tests')).candidates.map((candidate) => candidate.expectedQuality);
  const original = means(router);
  expect(means(replayed)).toEqual(original);
  expect(means(restored)).toEqual(original);
  expect(means(unsuspecting)).not.toEqual(original);
});
