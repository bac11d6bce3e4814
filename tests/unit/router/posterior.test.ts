import { expect, test } from 'vitest';
import { defaultCatalog } from '../../../worker/router/catalog.ts';
import { parsePreference } from '../../../worker/router/preference.ts';
import { routeDecideSchema, routeObserveSchema } from '../../../worker/router/records.ts';
import { createRouter } from '../../../worker/router/router.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';
import { bareArm, share, task, train } from './helpers.ts';

test('an outcome moves the posterior of its arm on its task type only', () => {
  const router = createRouter({ arms: [bareArm('a'), bareArm('b')], random: mulberry32(1) });
  const before = { a: router.expectedQuality('a', 'tests'), b: router.expectedQuality('b', 'tests') };
  const planBefore = router.expectedQuality('a', 'plan');
  const decision = router.choose({ ...task('tests'), candidates: ['a'] });
  router.observe(decision, { quality: 1, costUsd: 0.01, latencyMs: 500 });
  expect(router.expectedQuality('a', 'tests')).toBeGreaterThan(before.a);
  expect(router.expectedQuality('b', 'tests')).toBe(before.b);
  // Another task type learns only through the arm-wide prior, and less.
  expect(router.expectedQuality('a', 'plan') - planBefore).toBeLessThan(
    router.expectedQuality('a', 'tests') - before.a,
  );
});

test('fractional quality scores move the mean towards their average', () => {
  const router = createRouter({ arms: [bareArm('a')], random: mulberry32(2) });
  train(router, 200, () => 0.4);
  expect(router.expectedQuality('a', 'tests')).toBeCloseTo(0.4, 1);
  train(router, 400, (_id, decision) => (Number(decision.decisionId.slice(6)) % 2 === 0 ? 0.9 : 0.7));
  expect(router.expectedQuality('a', 'tests')).toBeGreaterThan(0.72);
  expect(router.expectedQuality('a', 'tests')).toBeLessThan(0.85);
});

test('learns the best arm of a task type and keeps choosing it', () => {
  const quality: Record<string, number> = { weak: 0.5, good: 0.85, middling: 0.7 };
  const router = createRouter({
    arms: [bareArm('weak'), bareArm('good'), bareArm('middling')],
    random: mulberry32(3),
    preference: 'best quality',
  });
  const noise = mulberry32(4);
  const choices = train(router, 300, (id) => Math.min(1, Math.max(0, (quality[id] ?? 0) + 0.3 * (noise() - 0.5))));
  expect(share(choices.slice(-100), 'good')).toBeGreaterThan(0.9);
});

test('capability vectors are the prior: before any outcome the strongest coder leads on code', () => {
  const router = createRouter({ arms: defaultCatalog, random: mulberry32(5) });
  const opus = router.expectedQuality('claude-opus-4-5', 'backend-code');
  const nano = router.expectedQuality('gpt-5-nano', 'backend-code');
  expect(opus).toBeGreaterThan(nano + 0.2);
  // Without capabilities the tier decides.
  const bare = createRouter({ arms: [bareArm('s', 'small'), bareArm('l', 'large')], random: mulberry32(5) });
  expect(bare.expectedQuality('l', 'anything')).toBeGreaterThan(bare.expectedQuality('s', 'anything'));
});

test('a task type and an arm never seen before are routed like any other', () => {
  const router = createRouter({ arms: [bareArm('a', 'large')], random: mulberry32(6) });
  const decision = router.choose(task('write-the-changelog-as-a-haiku'));
  expect(decision.armId).toBe('a');
  router.observe(decision, { quality: 0.9, costUsd: 0.002, latencyMs: 800 });
  router.setArm(bareArm('newcomer', 'large', 0.1, 0.4));
  const next = router.choose(task('write-the-changelog-as-a-haiku'));
  expect(next.candidates.map((c) => c.armId).sort()).toEqual(['a', 'newcomer']);
  const choices = train(router, 200, (id) => (id === 'newcomer' ? 0.95 : 0.6), task('write-the-changelog-as-a-haiku'));
  expect(share(choices.slice(-50), 'newcomer')).toBeGreaterThan(0.8);
});

test('a decision names the winner, every candidate with its draw and utility, and why', () => {
  const router = createRouter({ arms: defaultCatalog, random: mulberry32(7), preference: 'balanced' });
  const decision = router.choose(task('ui-code'));
  expect(routeDecideSchema.parse(decision)).toEqual(decision);
  expect(decision.candidates).toHaveLength(defaultCatalog.length);
  const best = Math.max(...decision.candidates.map((c) => c.utility));
  expect(decision.candidates.find((c) => c.armId === decision.armId)?.utility).toBe(best);
  expect(decision.reason).toContain(decision.armId as string);
  const observation = router.observe(decision, { quality: 0.8, costUsd: 0.01, latencyMs: 900 });
  expect(routeObserveSchema.parse(observation)).toEqual(observation);
});

test('the same seed makes the same decisions', () => {
  const run = () => {
    const router = createRouter({ arms: defaultCatalog, random: mulberry32(8) });
    return train(router, 50, (id) => (id.includes('mini') ? 0.9 : 0.6), task('fix'));
  };
  expect(run()).toEqual(run());
});

test('cheapest buys the cheaper of two close models; best quality buys the better one', () => {
  const arms = [bareArm('dear', 'large', 10, 40), bareArm('cheap', 'small', 0.1, 0.4)];
  const quality: Record<string, number> = { dear: 0.9, cheap: 0.8 };
  const last = (preference: 'cheapest' | 'best quality') => {
    const router = createRouter({ arms, random: mulberry32(9), preference });
    return train(router, 300, (id) => quality[id] ?? 0).slice(-100);
  };
  expect(share(last('cheapest'), 'cheap')).toBeGreaterThan(0.9);
  expect(share(last('best quality'), 'dear')).toBeGreaterThan(0.9);
});

test('the cost posterior learns that a model bills more than its list price', () => {
  const router = createRouter({ arms: [bareArm('verbose')], random: mulberry32(10) });
  for (let i = 0; i < 50; i++) {
    const decision = router.choose(task('tests'));
    const list = decision.candidates[0]?.listCostUsd ?? 0;
    router.observe(decision, { quality: 0.8, costUsd: list * 2, latencyMs: 1000 });
  }
  const decision = router.choose(task('tests'));
  const candidate = decision.candidates[0];
  expect((candidate?.expectedCostUsd ?? 0) / (candidate?.listCostUsd ?? 1)).toBeGreaterThan(1.8);
});

test('preferences are read in their usual spellings and an unknown one is refused', () => {
  expect(parsePreference('Best-Quality')).toBe('best quality');
  expect(parsePreference('cheap')).toBe('cheapest');
  expect(createRouter({ arms: [bareArm('a')], preference: 'balanced' }).preference).toBe('balanced');
  expect(() => parsePreference('fastest')).toThrow(/Unknown preference "fastest"/);
});

test('a decision with an unlimited budget is still valid JSON that its schema accepts', () => {
  const router = createRouter({ arms: [bareArm('a', 'some-tier-nobody-uses')], random: mulberry32(12) });
  const decision = router.choose({ ...task('tests'), budgetRemainingUsd: Number.POSITIVE_INFINITY });
  expect(decision.armId).toBe('a');
  const copy: unknown = JSON.parse(JSON.stringify(decision));
  expect(routeDecideSchema.parse(copy)).toEqual({ ...decision, budgetRemainingUsd: null });
});

test('prices spelled another way are read, and a missing price never breaks a decision', () => {
  const aliased = { id: 'aliased', provider: 'x', tier: 'large', inputPricePerMTok: 2, outputPricePerMTok: 8 };
  const priceless = { id: 'priceless', provider: 'y', tier: 'small' };
  const router = createRouter({
    arms: [aliased, priceless] as unknown as Parameters<typeof createRouter>[0]['arms'],
    random: mulberry32(13),
  });
  const decision = router.choose(task('tests', 1_000_000, 0));
  expect(decision.candidates.find((c) => c.armId === 'aliased')?.listCostUsd).toBeCloseTo(2, 10);
  expect(decision.candidates.find((c) => c.armId === 'priceless')?.listCostUsd).toBe(0);
  expect(decision.candidates.every((c) => Number.isFinite(c.utility))).toBe(true);
  expect(decision.armId).not.toBeNull();
});

test('a router over aliased arms snapshots and restores to the same state', () => {
  const arms = [{ id: 'a', provider: 'x', tier: 'large', inputPrice: 2, outputPrice: 8, note: 'extra' }];
  const router = createRouter({ arms: arms as unknown as Parameters<typeof createRouter>[0]['arms'] });
  router.observe(router.choose(task('tests')), { quality: 0.8, costUsd: 0.01, latencyMs: 900 });
  expect(router.arms()).toEqual([
    { id: 'a', provider: 'x', tier: 'large', inputPricePerMillion: 2, outputPricePerMillion: 8 },
  ]);
  expect(createRouter.restore(router.toJSON()).toJSON()).toEqual(router.toJSON());
});
