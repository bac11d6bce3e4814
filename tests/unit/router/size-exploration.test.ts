import { expect, test } from 'vitest';
import { createRouter, mulberry32 } from '../../../worker/router/index.ts';
import type { RouteDecision } from '../../../worker/router/records.ts';
import { asExpected, bareArm } from './helpers.ts';

const arms = [bareArm('small', 'small', 0.1, 0.4), bareArm('large', 'large', 3, 15)];
const sized = (inputTokens: number) => ({
  taskType: 'backend-code',
  features: { inputTokens, outputTokens: 800 },
  budgetRemainingUsd: Number.POSITIVE_INFINITY,
});

/** Spread of the large model's draws around its mean, on tasks of one size, after the same training. */
function drawSpread(sizeExploration: number, inputTokens: number): number {
  const router = createRouter({ arms, random: mulberry32(7), tuning: { sizeExploration, forgetting: false } });
  // A few outcomes each: both models are still uncertain.
  for (let i = 0; i < 12; i++) {
    const decision = router.choose({ ...sized(2000), candidates: [i % 2 === 0 ? 'small' : 'large'] });
    router.observe(decision, { quality: i % 3 === 0 ? 0.6 : 0.8, ...asExpected(decision) });
  }
  let sum = 0;
  for (let i = 0; i < 400; i++) {
    const decision: RouteDecision = router.choose(sized(inputTokens));
    const large = decision.candidates.find((candidate) => candidate.armId === 'large');
    if (large) sum += (large.sampledQuality - large.expectedQuality) ** 2;
    router.cancel(decision);
    // Typical tasks in between (19 to each measured one) keep the router's idea of a typical task near them.
    for (let j = 0; j < 19; j++) router.cancel(router.choose(sized(2000)));
  }
  return Math.sqrt(sum / 400);
}

test('a task far larger than a typical one explores less; a typical one explores as before', () => {
  // 30 times the typical task: a wrong pick there costs 30 times as much, and teaches no more.
  const huge = 60_000;
  expect(drawSpread(0.5, huge)).toBeLessThan(0.5 * drawSpread(0, huge));
  expect(drawSpread(0.5, 2000)).toBeCloseTo(drawSpread(0, 2000), 6);
});
