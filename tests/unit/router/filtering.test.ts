import { expect, test } from 'vitest';
import { createRouter } from '../../../worker/router/router.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';
import { asExpected, bareArm, task } from './helpers.ts';

const arms = [
  { ...bareArm('small-window', 'large'), contextWindow: 8_000 },
  bareArm('no-key', 'large', 1, 4, 'unconfigured'),
  bareArm('open-circuit', 'large'),
  bareArm('dear', 'large', 200, 800),
  bareArm('fine', 'small'),
];

test('only configured arms with a closed circuit, room for the task and budget for it are candidates', () => {
  const router = createRouter({
    arms,
    random: mulberry32(31),
    available: (armId) => armId !== 'no-key',
  });
  const decision = router.choose({
    ...task('review', 10_000, 1_000),
    budgetRemainingUsd: 0.5,
    available: (armId) => armId !== 'open-circuit',
  });
  expect(decision.armId).toBe('fine');
  expect(decision.candidates.map((c) => c.armId)).toEqual(['fine']);
  expect(Object.fromEntries(decision.excluded.map((e) => [e.armId, e.reason]))).toEqual({
    'small-window': 'context_window',
    'no-key': 'unavailable',
    'open-circuit': 'unavailable',
    dear: 'budget',
  });
});

test('when the budget affords no arm the cheapest stays, for the cost governor to judge', () => {
  const router = createRouter({
    arms: [bareArm('dear', 'large', 200, 800), bareArm('cheap', 'small')],
    random: mulberry32(32),
  });
  const decision = router.choose({ ...task('plan'), budgetRemainingUsd: 0 });
  expect(decision.armId).toBe('cheap');
  expect(decision.excluded).toEqual([{ armId: 'dear', reason: 'budget' }]);
});

test('with no arm available the decision says so instead of throwing', () => {
  const router = createRouter({ arms: [bareArm('a')], random: mulberry32(33) });
  const decision = router.choose({ ...task('plan'), candidates: [] });
  expect(decision.armId).toBeNull();
  expect(decision.reason).toMatch(/No model is available/);
  expect(() => router.observe(decision, { quality: 1, costUsd: 0, latencyMs: 0 })).toThrow();
});

test('parallel tasks spread over arms whose utilities are close', () => {
  const router = createRouter({
    arms: [bareArm('twin-a'), bareArm('twin-b')],
    random: mulberry32(34),
    tuning: { explorationScale: 0.01 },
  });
  // Both twins are known equally well; then eight tasks start before any finishes.
  for (let i = 0; i < 40; i++) {
    const decision = router.choose({ ...task('tests'), candidates: [i % 2 === 0 ? 'twin-a' : 'twin-b'] });
    router.observe(decision, { quality: 0.8, ...asExpected(decision) });
  }
  const inFlight = Array.from({ length: 8 }, () => router.choose(task('tests')).armId);
  expect(inFlight.filter((id) => id === 'twin-a')).toHaveLength(4);
  expect(router.toJSON().inflight).toEqual({ 'twin-a': 4, 'twin-b': 4 });
});

test('an allowance from the pacer makes dearer arms less attractive', () => {
  const arms = [bareArm('dear', 'large', 10, 40), bareArm('cheap', 'small', 0.1, 0.4)];
  const count = (allowanceUsd?: number) => {
    const router = createRouter({ arms, random: mulberry32(35), preference: 'best quality' });
    let dear = 0;
    for (let i = 0; i < 200; i++) {
      const decision = router.choose({ ...task('tests'), ...(allowanceUsd === undefined ? {} : { allowanceUsd }) });
      router.observe(decision, { quality: decision.armId === 'dear' ? 0.9 : 0.8, ...asExpected(decision) });
      if (decision.armId === 'dear') dear += 1;
    }
    return dear;
  };
  expect(count(0.001)).toBeLessThan(count() / 4);
});

test('the pacing allowance scales with the size of the task against a typical one', () => {
  const arms = [bareArm('dear', 'large', 10, 40), bareArm('cheap', 'small', 0.1, 0.4)];
  const router = createRouter({ arms, random: mulberry32(36), tuning: { explorationScale: 0.01 } });
  // Typical tasks: 2,000 tokens in, 800 out.
  for (let i = 0; i < 50; i++) router.cancel(router.choose(task('tests')));
  const typicalDear = (2000 * 10 + 800 * 40) / 1e6;
  const dearUtility = (inputTokens: number, outputTokens: number, allowanceUsd?: number) => {
    const decision = router.choose({
      ...task('tests', inputTokens, outputTokens),
      ...(allowanceUsd === undefined ? {} : { allowanceUsd }),
    });
    router.cancel(decision);
    const dear = decision.candidates.find((c) => c.armId === 'dear');
    return (dear?.utility ?? 0) - (dear?.sampledQuality ?? 0);
  };
  // A task ten times the typical size, with an allowance that fits a typical one: no penalty.
  expect(dearUtility(20_000, 8_000, typicalDear * 1.01)).toBeCloseTo(dearUtility(20_000, 8_000), 6);
  // A typical task whose allowance is half what the dear model costs: penalised.
  expect(dearUtility(2_000, 800, typicalDear / 2)).toBeLessThan(dearUtility(2_000, 800) - 0.3);
});
