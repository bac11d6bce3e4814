import { expect, test } from 'vitest';
import { defaultBudgetsUsd, framingTokens } from '../../../worker/budget/defaults.ts';
import { createCostGovernor } from '../../../worker/budget/governor.ts';
import type { CostReservation } from '../../../worker/budget/records.ts';

// $1 and $4 per million tokens: 1M input tokens cost $1.
const prices = { armId: 'm', inputPricePerMillion: 1, outputPricePerMillion: 4 };

test('a project starts with the default budget of its plan complexity, or the one given', () => {
  expect(createCostGovernor({ complexity: 'small' }).status().budgetUsd).toBe(defaultBudgetsUsd.small);
  expect(createCostGovernor({ complexity: 'large' }).status().budgetUsd).toBe(defaultBudgetsUsd.large);
  expect(createCostGovernor().status().budgetUsd).toBe(defaultBudgetsUsd.medium);
  expect(createCostGovernor({ budgetUsd: 3, complexity: 'large' }).status().budgetUsd).toBe(3);
});

test('a reservation is the worst case: counted input, or bytes plus framing, and the max output', () => {
  const governor = createCostGovernor({ budgetUsd: 10 });
  const counted = governor.reserve({ ...prices, input: { countedTokens: 100_000 }, maxOutputTokens: 50_000 });
  expect(counted.ok && counted.reservation.amountUsd).toBeCloseTo(0.1 + 0.2, 10);
  const text = 'héllo wörld'; // 13 bytes in UTF-8
  const estimated = governor.reserve({ ...prices, input: { text }, maxOutputTokens: 0 });
  expect(estimated.ok && estimated.reservation.inputTokens).toBe(13 + framingTokens);
  expect(governor.status().reservedUsd).toBeCloseTo(0.3 + (13 + framingTokens) / 1e6, 12);
});

test('settling books the real cost and frees the rest of the reservation', () => {
  const governor = createCostGovernor({ budgetUsd: 1 });
  const result = governor.reserve({ ...prices, input: { countedTokens: 100_000 }, maxOutputTokens: 100_000 });
  if (!result.ok) throw new Error('refused');
  expect(governor.status().availableUsd).toBeCloseTo(0.5, 10);
  const { settlement, violations } = governor.settle(result.reservation, {
    inputTokens: 100_000,
    outputTokens: 10_000,
  });
  expect(settlement.costUsd).toBeCloseTo(0.14, 10);
  expect(violations).toEqual([]);
  expect(governor.status()).toMatchObject({ reservedUsd: 0, spentUsd: settlement.costUsd });
  expect(governor.status().availableUsd).toBeCloseTo(0.86, 10);
});

test('a call whose worst case could overrun is refused with "budget reached — raise it or stop"', () => {
  const governor = createCostGovernor({ budgetUsd: 0.25 });
  const first = governor.reserve({ ...prices, input: { countedTokens: 0 }, maxOutputTokens: 50_000 });
  expect(first.ok).toBe(true);
  const second = governor.reserve({ ...prices, input: { countedTokens: 0 }, maxOutputTokens: 50_000 });
  expect(second).toMatchObject({ ok: false, kind: 'budget_reached', needUsd: 0.2 });
  if (second.ok) throw new Error('not refused');
  expect(second.message).toMatch(/^Budget reached — raise it or stop\./);
  expect(second.availableUsd).toBeCloseTo(0.05, 10);
  expect(governor.status().refusals).toBe(1);
  // Raising the budget lets the same call through.
  expect(governor.setBudget(0.5).ok).toBe(true);
  expect(governor.reserve({ ...prices, input: { countedTokens: 0 }, maxOutputTokens: 50_000 }).ok).toBe(true);
});

test('the budget cannot be lowered below what is spent or reserved', () => {
  const governor = createCostGovernor({ budgetUsd: 1 });
  governor.reserve({ ...prices, input: { countedTokens: 0 }, maxOutputTokens: 100_000 });
  const lowered = governor.setBudget(0.3);
  expect(lowered).toMatchObject({ ok: false, kind: 'below_committed', committedUsd: 0.4 });
  expect(governor.status().budgetUsd).toBe(1);
  expect(governor.setBudget(0.4).ok).toBe(true);
});

test('a released reservation returns in full', () => {
  const governor = createCostGovernor({ budgetUsd: 1 });
  const result = governor.reserve({ ...prices, input: { countedTokens: 1000 }, maxOutputTokens: 1000 });
  if (!result.ok) throw new Error('refused');
  expect(governor.release(result.reservation)?.reservedUsd).toBeCloseTo(0.005, 10);
  expect(governor.release(result.reservation)).toBeUndefined();
  expect(governor.status()).toMatchObject({ availableUsd: 1, reservedUsd: 0, spentUsd: 0 });
});

test('a bill above its reservation is recorded as a violation, and one past the budget as another', () => {
  const governor = createCostGovernor({ budgetUsd: 0.01 });
  const result = governor.reserve({ ...prices, input: { countedTokens: 1000 }, maxOutputTokens: 1000 });
  if (!result.ok) throw new Error('refused');
  const { violations } = governor.settle(result.reservation, { inputTokens: 1000, outputTokens: 5000 });
  expect(violations.map((v) => v.kind)).toEqual(['over_reservation', 'over_budget']);
  expect(violations[0]?.overUsd).toBeCloseTo(0.016, 10);
  expect(governor.status().violations).toBe(2);
});

test('pacing splits what is left over the remaining tasks', () => {
  const governor = createCostGovernor({ budgetUsd: 10 });
  expect(governor.allowance(100)).toBeCloseTo(0.1, 10);
  const result = governor.reserve({ ...prices, input: { countedTokens: 0 }, maxOutputTokens: 1_000_000 });
  if (!result.ok) throw new Error('refused');
  governor.settle(result.reservation, { inputTokens: 0, outputTokens: 500_000 });
  expect(governor.allowance(80)).toBeCloseTo(0.1, 10);
  expect(governor.allowance(0)).toBeCloseTo(8, 10);
});

test('a governor made again from what a project spent and its budget allows exactly what the first one does', () => {
  const governor = createCostGovernor({ complexity: 'small' });
  const open: CostReservation[] = [];
  let refused = 0;
  for (let i = 0; i < 200; i++) {
    const result = governor.reserve({ ...prices, input: { countedTokens: 1000 * i }, maxOutputTokens: 4000 });
    if (result.ok) open.push(result.reservation);
    else refused += 1;
    if (open.length > 2) {
      const reservation = open.shift();
      if (reservation && i % 7 === 0) governor.release(reservation);
      else if (reservation)
        governor.settle(reservation, { inputTokens: reservation.inputTokens, outputTokens: i * 10 });
    }
    if (i === 100) governor.setBudget(5);
  }
  expect(refused).toBeGreaterThan(0);
  // The runner makes a project's governor from its row (budget and spend); reservations
  // still open belong to calls in flight, which a fresh runner has none of.
  for (const reservation of open) governor.release(reservation);
  const { budgetUsd, spentUsd } = governor.status();
  const again = createCostGovernor({ budgetUsd, spentUsd });
  expect(again.status()).toMatchObject({ budgetUsd, spentUsd, reservedUsd: 0 });
  expect(again.status().availableUsd).toBeCloseTo(governor.status().availableUsd, 12);
  const ask = { ...prices, input: { countedTokens: 10_000 }, maxOutputTokens: 4000 };
  expect(again.reserve(ask).ok).toBe(governor.reserve(ask).ok);
});
