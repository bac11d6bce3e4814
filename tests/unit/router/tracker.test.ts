import { mulberry32 } from '../../../worker/router/sampler.ts';
import { expect, test } from 'vitest';
import type { RouteObservation } from '../../../worker/router/records.ts';
import { createPerformanceTracker } from '../../../worker/router/tracker.ts';

const outcome = (
  armId: string,
  taskType: string,
  quality: number,
  costUsd: number,
  latencyMs = 1000,
): RouteObservation => ({
  type: 'route-observe',
  decisionId: 'd',
  armId,
  taskType,
  bucket: 'ssf:',
  listCostUsd: costUsd,
  outputTokens: 500,
  outcome: { quality, costUsd, latencyMs },
});

test('per model × task type: count, success rate, mean quality, cost and latency', () => {
  const tracker = createPerformanceTracker({ successThreshold: 0.7 });
  tracker.apply(outcome('gpt-5', 'tests', 0.9, 0.04, 3000));
  tracker.apply(outcome('gpt-5', 'tests', 0.5, 0.02, 1000));
  tracker.apply(outcome('gpt-5', 'plan', 0.8, 0.1));
  expect(tracker.row('gpt-5', 'tests')).toMatchObject({
    count: 2,
    successRate: 0.5,
    meanQuality: 0.7,
    meanCostUsd: 0.03,
    meanLatencyMs: 2000,
  });
  expect(tracker.rows()).toHaveLength(2);
  expect(tracker.row('gpt-5', 'fix')).toBeUndefined();
});

test('the trend compares the newer half of the last N outcomes with the older half', () => {
  const tracker = createPerformanceTracker({ window: 10 });
  for (let i = 0; i < 30; i++) tracker.apply(outcome('m', 'fix', 0.9, 0.01));
  for (let i = 0; i < 5; i++) tracker.apply(outcome('m', 'fix', 0.5, 0.01));
  const row = tracker.row('m', 'fix');
  expect(row?.trend).toBeCloseTo(-0.4, 5);
  expect(row?.recentQuality).toBeCloseTo(0.7, 5);
  expect(tracker.opportunities()).toContain(
    'm is getting worse on fix: quality -0.40 over its last 10 outcomes (now 0.70).',
  );
});

test('optimisation opportunities name a cheaper model that matches the best one', () => {
  const tracker = createPerformanceTracker();
  for (let i = 0; i < 10; i++) {
    tracker.apply(outcome('gpt-4o', 'tests', 0.86, 0.04));
    tracker.apply(outcome('gemini-flash', 'tests', 0.85, 0.002));
    tracker.apply(outcome('tiny', 'tests', 0.6, 0.0001));
  }
  expect(tracker.opportunities()).toEqual([
    'gemini-flash matches gpt-4o on tests at 1/20 the cost over 20 tasks (quality 0.85 over 10 vs 0.86 over 10, $0.0020 vs $0.040 per task).',
  ]);
  // Too few outcomes: no claim.
  expect(tracker.opportunities(11)).toEqual([]);
});

test('noise alone is no trend; a real fall is, with the outcomes it rests on', () => {
  const tracker = createPerformanceTracker();
  const random = mulberry32(4);
  // Pass/fail scores of a model that passes 70% of the time, for 200 outcomes.
  for (let i = 0; i < 200; i++) tracker.apply(outcome('coin', 'tests', random() < 0.7 ? 1 : 0, 0.01));
  let flagged = 0;
  for (let i = 0; i < 200; i++) {
    tracker.apply(outcome('coin', 'tests', random() < 0.7 ? 1 : 0, 0.01));
    if (tracker.row('coin', 'tests')?.trendSignificant) flagged += 1;
  }
  expect(flagged).toBeLessThan(20);
  for (let i = 0; i < 20; i++) tracker.apply(outcome('coin', 'tests', random() < 0.1 ? 1 : 0, 0.01));
  const row = tracker.row('coin', 'tests');
  expect(row?.trendSignificant).toBe(true);
  expect(row?.trendEvidence).toBe(40);
  expect(tracker.opportunities().some((sentence) => sentence.startsWith('coin is getting worse on tests'))).toBe(true);
});

test('a cheaper model of equal quality is stated against the model the money goes to, even when it leads on quality', () => {
  const tracker = createPerformanceTracker();
  for (let i = 0; i < 8; i++) {
    tracker.apply(outcome('nano', 'review', 1, 0.0004));
    tracker.apply(outcome('large', 'review', 0.99, 0.02));
  }
  expect(tracker.opportunities()).toEqual([
    'nano matches large on review at 1/50 the cost over 16 tasks (quality 1.00 over 8 vs 0.99 over 8, $0.00040 vs $0.020 per task).',
  ]);
});

test('the charts’ history keeps the last outcomes in order, survives a snapshot, and older snapshots have none', () => {
  const tracker = createPerformanceTracker({ historyLength: 3 });
  for (let i = 0; i < 5; i++) tracker.apply(outcome(`m${i}`, 'fix', i / 10, i));
  expect(tracker.history().map((entry) => entry.armId)).toEqual(['m2', 'm3', 'm4']);
  const restored = createPerformanceTracker({ historyLength: 3 }, tracker.toJSON());
  expect(restored.history()).toEqual(tracker.history());
  restored.apply(outcome('m5', 'fix', 0.5, 5));
  expect(restored.history().map((entry) => entry.costUsd)).toEqual([3, 4, 5]);
  const older: Partial<ReturnType<typeof tracker.toJSON>> = tracker.toJSON();
  delete older.history;
  expect(createPerformanceTracker({}, older as never).history()).toEqual([]);
});
