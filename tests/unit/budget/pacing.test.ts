import { expect, test } from 'vitest';
import { createCostGovernor } from '../../../worker/budget/governor.ts';
import { listCostUsd } from '../../../worker/router/catalog.ts';
import { createRouter } from '../../../worker/router/router.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';
import { bareArm } from '../router/helpers.ts';

/**
 * A plan of 300 equal tasks; the better model alone would cost more than the budget.
 * Returns how many tasks were done and what share of the budget was spent.
 */
function plan(pacing: boolean) {
  const arms = [bareArm('dear', 'large', 3, 15), bareArm('cheap', 'small', 0.1, 0.4)];
  const router = createRouter({ arms, random: mulberry32(5), preference: 'best quality' });
  const features = { inputTokens: 4000, outputTokens: 1000 };
  const budgetUsd = 0.6 * 300 * listCostUsd(arms[0] as (typeof arms)[0], 4000, 1000);
  const governor = createCostGovernor({ budgetUsd });
  const tasks = 300;
  let done = 0;
  for (let t = 0; t < tasks; t++) {
    const status = governor.status();
    const decision = router.choose({
      taskType: 'backend-code',
      features,
      budgetRemainingUsd: status.availableUsd,
      ...(pacing ? { allowanceUsd: governor.allowance(tasks - t) } : {}),
    });
    const arm = decision.arm;
    if (!arm) break;
    const reserved = governor.reserve({ ...arm, armId: arm.id, input: { countedTokens: 4000 }, maxOutputTokens: 1000 });
    if (!reserved.ok) {
      router.cancel(decision);
      break;
    }
    const { settlement } = governor.settle(reserved.reservation, { inputTokens: 4000, outputTokens: 1000 });
    router.observe(decision, { quality: arm.id === 'dear' ? 0.9 : 0.75, costUsd: settlement.costUsd, latencyMs: 1000 });
    done += 1;
  }
  const { spentUsd } = governor.status();
  return { done, used: spentUsd / budgetUsd };
}

test('pacing makes a binding budget last the whole plan and still spends most of it', () => {
  const paced = plan(true);
  expect(paced.done).toBe(300);
  expect(paced.used).toBeGreaterThan(0.85);
  expect(paced.used).toBeLessThanOrEqual(1);
});

test('without pacing the same plan runs out of budget before its end', () => {
  const unpaced = plan(false);
  expect(unpaced.done).toBeLessThan(300);
  expect(unpaced.used).toBeLessThanOrEqual(1);
});
