import { expect, test } from 'vitest';
import { createRouter, mulberry32 } from '../../../worker/router/index.ts';
import { bareArm } from './helpers.ts';

const arms = [bareArm('a', 'medium'), bareArm('b', 'medium')];

/** Arm "a" scored `quality(type)` on four task types, 60 outcomes each, then one failure on a fifth. */
function afterOneFailure(quality: (type: number) => number) {
  const router = createRouter({ arms, random: mulberry32(1), tuning: { forgetting: false } });
  for (let i = 0; i < 240; i++) {
    const type = i % 4;
    const decision = router.choose({
      taskType: `t${type}`,
      features: { inputTokens: 1000, outputTokens: 500 },
      budgetRemainingUsd: 10,
      candidates: ['a'],
    });
    router.observe(decision, { quality: quality(type), costUsd: 0.001, latencyMs: 500 });
  }
  const before = router.expectedQuality('a', 'new-type');
  const decision = router.choose({
    taskType: 'new-type',
    features: { inputTokens: 1000, outputTokens: 500 },
    budgetRemainingUsd: 10,
    candidates: ['a'],
  });
  router.observe(decision, { quality: 0, costUsd: 0.001, latencyMs: 500 });
  return { before, after: router.expectedQuality('a', 'new-type') };
}

test('a task type borrows from the model’s other types as much as they agree (empirical Bayes)', () => {
  // Types that agree: a new type starts at their level and one failure barely moves it.
  const agree = afterOneFailure(() => 0.85);
  expect(agree.before).toBeGreaterThan(0.8);
  expect(agree.after).toBeGreaterThan(0.78);
  // Types that disagree: the same failure says much more about the new type.
  const disagree = afterOneFailure((type) => [0.2, 0.95, 0.4, 0.9][type] as number);
  expect(agree.before - agree.after).toBeLessThan((disagree.before - disagree.after) / 2);
});
