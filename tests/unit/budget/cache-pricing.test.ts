/**
 * Every kind of token at its own price: fresh input, cache reads, cache writes, output
 * with reasoning inside it — in the catalog, in the governor's settlement, and the
 * reservation a true upper bound of the bill whatever the cache does.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { costAtReservedPrices, createCostGovernor } from '../../../worker/budget/governor.ts';
import { cachePrices, cacheSavingsOf, costOf, findModel } from '../../../worker/providers/catalog.ts';

test('the catalog prices fresh input, cache reads, cache writes and output apart', () => {
  const price = findModel('anthropic', 'claude-sonnet-4-5')?.price;
  expect(price).toEqual({ input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 });
  if (!price) return;
  // 10,000 input tokens: 6,000 read from the cache, 3,000 written to it, 1,000 fresh;
  // 500 output tokens, 200 of them thinking (inside output, billed as output).
  const usage = {
    inputTokens: 10_000,
    outputTokens: 500,
    cachedInputTokens: 6_000,
    cacheWriteTokens: 3_000,
    reasoningTokens: 200,
    estimated: false,
  };
  const expected = (1_000 * 3 + 6_000 * 0.3 + 3_000 * 3.75 + 500 * 15) / 1_000_000;
  expect(costOf(price, usage)).toBeCloseTo(expected, 12);
  expect(cacheSavingsOf(price, usage)).toBeCloseTo((6_000 * 2.7) / 1_000_000, 12);
});

test('OpenAI and Gemini charge nothing extra to write their caches; models off the catalog get the provider’s ratios', () => {
  expect(findModel('openai', 'gpt-5')?.price.cacheWrite).toBe(1.25);
  expect(findModel('gemini', 'gemini-2.5-flash')?.price.cacheWrite).toBe(0.3);
  expect(cachePrices('anthropic', 'claude-opus-4-5', 5)).toEqual({ cachedInput: 0.5, cacheWrite: 6.25 });
  // A listed model whose input price was edited keeps its cache ratio.
  expect(cachePrices('openai', 'gpt-5', 2.5)).toEqual({ cachedInput: 0.25, cacheWrite: 2.5 });
  expect(cachePrices('openai-compatible', 'llama', 0.2)).toEqual({ cachedInput: 0.2, cacheWrite: 0.2 });
});

test('the governor settles each kind at the prices it reserved with, and records the cache split', () => {
  const governor = createCostGovernor({ budgetUsd: 10 });
  const result = governor.reserve({
    armId: 'claude-sonnet-4-5',
    inputPricePerMillion: 3,
    outputPricePerMillion: 15,
    cachedInputPricePerMillion: 0.3,
    cacheWritePricePerMillion: 3.75,
    input: { countedTokens: 10_000 },
    maxOutputTokens: 1_000,
  });
  if (!result.ok) throw new Error(result.message);
  // The worst case bills every input token as a cache write, the dearest kind.
  expect(result.reservation.amountUsd).toBeCloseTo((10_000 * 3.75 + 1_000 * 15) / 1_000_000, 12);
  const { settlement, violations } = governor.settle(result.reservation, {
    inputTokens: 10_000,
    outputTokens: 500,
    cachedInputTokens: 6_000,
    cacheWriteTokens: 3_000,
  });
  expect(settlement).toMatchObject({ cachedInputTokens: 6_000, cacheWriteTokens: 3_000 });
  expect(settlement.costUsd).toBeCloseTo((1_000 * 3 + 6_000 * 0.3 + 3_000 * 3.75 + 500 * 15) / 1_000_000, 12);
  expect(violations).toEqual([]);
});

test('reservations stay a true upper bound with cache prices: 0 violations over 10,000 random calls', () => {
  const price = fc.double({ min: 0, max: 100, noNaN: true });
  let violations = 0;
  fc.assert(
    fc.property(
      fc.record({
        input: price,
        output: price,
        // Cache reads cheaper, writes dearer — or, for a mistyped catalog, anything at all.
        cachedInput: price,
        cacheWrite: price,
        inputKind: fc.constantFrom('counted', 'bytes', 'text'),
        worstTokens: fc.integer({ min: 0, max: 500_000 }),
        text: fc.string({ unit: 'binary', maxLength: 400 }),
        maxOutputTokens: fc.integer({ min: 1, max: 64_000 }),
        shares: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
        used: fc.double({ min: 0, max: 1, noNaN: true }),
        outputUsed: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      (call) => {
        const governor = createCostGovernor({ budgetUsd: 1e9 });
        const input =
          call.inputKind === 'counted'
            ? { countedTokens: call.worstTokens }
            : call.inputKind === 'bytes'
              ? { utf8Bytes: call.worstTokens }
              : { text: call.text };
        const result = governor.reserve({
          armId: 'm',
          inputPricePerMillion: call.input,
          outputPricePerMillion: call.output,
          cachedInputPricePerMillion: call.cachedInput,
          cacheWritePricePerMillion: call.cacheWrite,
          input,
          maxOutputTokens: call.maxOutputTokens,
        });
        if (!result.ok) throw new Error(result.message);
        // A provider bills at most the reserved input tokens (counted, or no more than
        // the bytes plus framing) and at most the output limit, split any way between
        // fresh input, cache reads and cache writes.
        const inputTokens = Math.floor(result.reservation.inputTokens * call.used);
        const cachedInputTokens = Math.floor(inputTokens * call.shares[0]);
        const cacheWriteTokens = Math.floor((inputTokens - cachedInputTokens) * call.shares[1]);
        const usage = {
          inputTokens,
          outputTokens: Math.floor(call.maxOutputTokens * call.outputUsed),
          cachedInputTokens,
          cacheWriteTokens,
        };
        const settled = governor.settle(result.reservation, usage);
        violations += settled.violations.length;
        expect(settled.settlement.costUsd).toBeCloseTo(costAtReservedPrices(result.reservation, usage), 9);
        expect(settled.settlement.costUsd).toBeLessThanOrEqual(result.reservation.amountUsd + 1e-9);
      },
    ),
    { numRuns: 10_000, seed: 15 },
  );
  expect(violations).toBe(0);
});
