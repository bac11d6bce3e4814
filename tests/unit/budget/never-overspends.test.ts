import { expect, test } from 'vitest';
import { createCostGovernor } from '../../../worker/budget/governor.ts';
import type { CostReservation } from '../../../worker/budget/records.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';

/**
 * Property: across thousands of seeded random plans — random budgets, models and prices,
 * calls in parallel, noisy token counts, inputs known only as text, price shocks,
 * cancellations and budget changes — real spend never exceeds the budget. The only thing
 * assumed of providers is the contract the governor relies on: they stop at the output
 * limit they are given and bill at the price of the moment of the call.
 */
test('across 3,000 random plans with cost noise and price shocks, spend never exceeds the budget', () => {
  let refused = 0;
  let overspent = 0;
  let violationCount = 0;
  let nearlyFull = 0;
  for (let seed = 1; seed <= 3000; seed++) {
    const random = mulberry32(seed);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
    const models = Array.from({ length: 1 + Math.floor(random() * 5) }, (_, i) => ({
      armId: `m${i}`,
      inputPricePerMillion: 0.05 + random() * 15,
      outputPricePerMillion: 0.2 + random() * 75,
    }));
    const governor = createCostGovernor({ budgetUsd: 0.01 + random() * 3 });
    let budgetUsd = governor.status().budgetUsd;
    const inFlight: { reservation: CostReservation; inputTokens: number }[] = [];
    const tasks = 20 + Math.floor(random() * 300);
    let billed = 0;
    for (let t = 0; t < tasks; t++) {
      if (random() < 0.03) {
        // A price shock: a vendor doubles or halves its prices for calls made from now on.
        const model = pick(models);
        const factor = random() < 0.5 ? 0.5 : 2 + random() * 3;
        model.inputPricePerMillion *= factor;
        model.outputPricePerMillion *= factor;
      }
      if (random() < 0.02) {
        const wanted = budgetUsd * (0.5 + random());
        const result = governor.setBudget(wanted);
        if (result.ok) budgetUsd = wanted;
      }
      const model = pick(models);
      const inputTokens = Math.floor(random() * 60_000);
      // Input known as counted tokens, or only as text: ~4 bytes per token on average and
      // never fewer bytes than tokens. Real text now and then, its byte length otherwise.
      const bytes = Math.floor(inputTokens * (1 + random() * 5));
      const kind = random();
      const input =
        kind < 0.45
          ? { countedTokens: inputTokens }
          : kind < 0.5 && bytes < 20_000
            ? { text: 'é'.repeat(Math.ceil(bytes / 2)) }
            : { utf8Bytes: bytes };
      const result = governor.reserve({
        ...model,
        input,
        maxOutputTokens: 256 + Math.floor(random() * 16_000),
      });
      if (!result.ok) {
        refused += 1;
        continue;
      }
      inFlight.push({ reservation: result.reservation, inputTokens });
      while (inFlight.length > Math.floor(random() * 4)) {
        const call = inFlight.splice(Math.floor(random() * inFlight.length), 1)[0];
        if (!call) break;
        if (random() < 0.05) {
          governor.release(call.reservation);
          continue;
        }
        // Noisy output, stopped at the limit by the provider.
        const outputTokens = Math.min(
          call.reservation.maxOutputTokens,
          Math.floor(call.reservation.maxOutputTokens * random() * 1.5),
        );
        const { violations } = governor.settle(call.reservation, { inputTokens: call.inputTokens, outputTokens });
        violationCount += violations.length;
        billed +=
          (call.inputTokens * call.reservation.inputPricePerMillion +
            outputTokens * call.reservation.outputPricePerMillion) /
          1e6;
      }
      if (billed > budgetUsd + 1e-9) overspent += 1;
    }
    for (const call of inFlight) {
      governor.settle(call.reservation, { inputTokens: call.inputTokens, outputTokens: 0 });
      billed += (call.inputTokens * call.reservation.inputPricePerMillion) / 1e6;
    }
    const status = governor.status();
    expect(status.spentUsd).toBeLessThanOrEqual(status.budgetUsd + 1e-9);
    expect(status.spentUsd).toBeCloseTo(billed, 9);
    if (status.spentUsd > 0.5 * status.budgetUsd) nearlyFull += 1;
  }
  expect(overspent).toBe(0);
  expect(violationCount).toBe(0);
  // The property is not vacuous: budgets were reached and largely spent.
  expect(refused).toBeGreaterThan(1000);
  expect(nearlyFull).toBeGreaterThan(300);
}, 60_000); // thousands of plans: generous on a loaded two-core machine
