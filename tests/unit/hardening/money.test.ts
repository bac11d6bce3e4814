import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createCostGovernor } from '../../../worker/budget/index.ts';
import { ModelChooser, type PreferredRecord, shippedPrice } from '../../../worker/orchestrator/model-choice.ts';
import type { ProviderReady } from '../../../worker/providers/contract/provider-service-api.ts';
import { findModel } from '../../../worker/providers/catalog.ts';
import { type ModelArm, type RouteRecord, defaultCatalog, mulberry32 } from '../../../worker/router/index.ts';
import { PriceBook } from '../../../worker/settings/price-book.ts';
import type { PriceEdit } from '../../../worker/settings/price-edit.ts';
import { prototypeNames } from './hostile-names.ts';

/*
 * What may change money is the user's alone. Prices and models come from the shipped
 * catalog and the user's own Settings; records in a log (above all an imported one) may
 * say what a model did, never what it costs or that it exists. These feed arbitrary
 * sequences of router records, as an imported bundle could carry them, into the chooser
 * and check what every later call is reserved at.
 */

const ready = (provider: ProviderReady['provider'], model?: string): ProviderReady => ({
  provider,
  ready: true,
  detail: 'test',
  ...(model ? { model } : {}),
});
const readiness = [ready('openai', 'gpt-4.1-nano'), ready('anthropic'), ready('gemini')];

const catalogIds = defaultCatalog.map((arm) => arm.id);
const armIds = [...catalogIds, 'o1-pro', 'openai:o1-pro', 'openai:gpt-4.1-nano', ...prototypeNames];

const hostileArm: fc.Arbitrary<ModelArm> = fc.record({
  id: fc.constantFrom(...armIds),
  provider: fc.constantFrom('openai', 'anthropic', 'google', 'gemini', 'openai-compatible'),
  model: fc.constantFrom('o1-pro', 'gpt-5', 'gpt-5-mini', 'gpt-4.1-nano', 'claude-opus-4-5', 'claude-haiku-4-5'),
  tier: fc.constantFrom('small', 'medium', 'large'),
  contextWindow: fc.constantFrom(8_000, 200_000, 2_000_000),
  inputPricePerMillion: fc.constantFrom(0, 1e-9, 0.01, 150, 1e6),
  outputPricePerMillion: fc.constantFrom(0, 1e-9, 0.01, 600, 1e6),
});

const hostileRecord: fc.Arbitrary<RouteRecord> = fc.oneof(
  hostileArm.map((arm): RouteRecord => ({ type: 'route-arm-set', arm })),
  fc
    .record({
      armId: fc.constantFrom(...armIds),
      taskType: fc.constantFrom('backend-code', 'plan', 'review', 'tests', 'ui-code', 'fix'),
      quality: fc.double({ min: 0, max: 1, noNaN: true }),
      costUsd: fc.constantFrom(0, 1e-9, 1, 1000),
      latencyMs: fc.constantFrom(0, 1, 10_000),
      listCostUsd: fc.constantFrom(0, 1e-9, 1, 1000),
    })
    .map((r, index = 0): RouteRecord => ({
      type: 'route-observe',
      decisionId: `d${index}`,
      armId: r.armId,
      taskType: r.taskType,
      bucket: `mmf:`,
      listCostUsd: r.listCostUsd,
      outputTokens: 2000,
      outcome: { quality: r.quality, costUsd: r.costUsd, latencyMs: r.latencyMs },
    })),
  fc.constantFrom(...armIds).map((armId): RouteRecord => ({ type: 'route-cancel', decisionId: 'x', armId })),
);

/**
 * The person's own edits in Settings (device settings events): the only thing besides the
 * shipped catalog that prices a call. Records naming the same models at other prices
 * must not move them.
 */
const userEdits: PriceEdit[] = [
  ['openai', 'gpt-5-mini', 0.3, 2.4],
  ['anthropic', 'claude-haiku-4-5', 0.8, 4],
  ['openai', 'gpt-4.1-nano', 0.2, 0.8],
].map(([provider, model, input, output], index) => ({
  type: 'price-set',
  id: `01JEZ00000000000000000000${index}`,
  at: index,
  actor: { kind: 'user' },
  provider: provider as 'openai',
  model: model as string,
  prices: { input: input as number, output: output as number, cachedInput: 0.01, cacheWrite: input as number },
}));
const userBook = () => new PriceBook(userEdits);

const preferred = (records: RouteRecord[]): PreferredRecord[] =>
  records.map((record, order) => ({ preference: 'balanced', order, record }));

/** The price the shipped catalog (or the provider catalog, for a model chosen in Settings) gives. */
function expectedPrice(armId: string, provider: string, model: string) {
  const arm = defaultCatalog.find((entry) => entry.id === armId);
  if (arm) return { input: arm.inputPricePerMillion, output: arm.outputPricePerMillion };
  const listed = findModel(provider as 'openai', model)?.price;
  return { input: listed?.input ?? 0, output: listed?.output ?? 0 };
}

const request = {
  taskType: 'backend-code',
  preference: 'balanced' as const,
  inputTokens: 3000,
  outputTokens: 2000,
  attempt: 1,
  budgetRemainingUsd: 0.05,
};

/** What a call of `text` with 4,000 output tokens is reserved at for this choice. */
function reservedAt(choice: { armId: string; inputPricePerMillion: number; outputPricePerMillion: number }) {
  const governor = createCostGovernor({ budgetUsd: 1_000 });
  const result = governor.reserve({
    armId: choice.armId,
    inputPricePerMillion: choice.inputPricePerMillion,
    outputPricePerMillion: choice.outputPricePerMillion,
    input: { text: 'x'.repeat(12_000) },
    maxOutputTokens: 4000,
  });
  if (!result.ok) throw new Error(result.message);
  return result.reservation.amountUsd;
}

describe('no sequence of records changes what a call is reserved at', () => {
  test('records learned as evidence (an imported project the user chose to learn from) never price or add a model', () => {
    fc.assert(
      fc.property(fc.array(hostileRecord, { maxLength: 60 }), fc.integer({ min: 1, max: 1000 }), (records, seed) => {
        const chooser = new ModelChooser({ random: mulberry32(seed), prices: userBook() });
        chooser.learnEvidence(preferred(records));
        const fresh = new ModelChooser({ random: mulberry32(seed), prices: userBook() });
        for (let call = 0; call < 6; call++) {
          const result = chooser.choose(request, readiness);
          const control = fresh.choose(request, readiness);
          expect(result.ok).toBe(control.ok);
          if (!result.ok) continue;
          const { choice } = result;
          expect(catalogIds.includes(choice.armId) || choice.armId === 'openai:gpt-4.1-nano').toBe(true);
          const price = userBook().priceOf(choice.provider, choice.model);
          expect([choice.inputPricePerMillion, choice.outputPricePerMillion]).toEqual([price.input, price.output]);
          expect(reservedAt(choice)).toBe(
            reservedAt({ armId: choice.armId, inputPricePerMillion: price.input, outputPricePerMillion: price.output }),
          );
        }
        // The arms (ids, prices, windows) are exactly a fresh chooser's.
        const arms = (c: ModelChooser) =>
          c
            .router('balanced')
            .arms()
            .map((arm) => [arm.id, arm.inputPricePerMillion, arm.outputPricePerMillion, arm.contextWindow])
            .sort();
        expect(arms(chooser)).toEqual(arms(fresh));
      }),
      { numRuns: 150 },
    );
  });

  test('even records in the device’s own log cannot reprice or add a model', () => {
    fc.assert(
      fc.property(fc.array(hostileRecord, { maxLength: 60 }), fc.integer({ min: 1, max: 1000 }), (records, seed) => {
        const book = userBook();
        const chooser = new ModelChooser({ random: mulberry32(seed), prices: book });
        chooser.load(preferred(records));
        for (let call = 0; call < 6; call++) {
          const result = chooser.choose(request, readiness);
          if (!result.ok) continue;
          const { choice } = result;
          expect(choice.armId).not.toMatch(/o1-pro/);
          const price = book.priceOf(choice.provider, choice.model);
          expect([choice.inputPricePerMillion, choice.outputPricePerMillion]).toEqual([price.input, price.output]);
        }
        for (const arm of chooser.router('balanced').arms()) {
          expect(shippedPrice(arm), arm.id).not.toBeUndefined();
          const price = chooser.priceOfArm(arm);
          expect([arm.inputPricePerMillion, arm.outputPricePerMillion]).toEqual([price?.input, price?.output]);
        }
        // The edits are the person's and still in force: records moved none of them.
        for (const edit of userEdits) {
          expect(book.priceOf(edit.provider, edit.model)).toEqual(edit.type === 'price-set' ? edit.prices : undefined);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('finding 1: o1-pro at a price of zero, taught as the best model, is never chosen nor priced', () => {
    const o1: ModelArm = {
      id: 'o1-pro',
      provider: 'openai',
      model: 'o1-pro',
      tier: 'large',
      contextWindow: 200_000,
      inputPricePerMillion: 0,
      outputPricePerMillion: 0,
    };
    const records: RouteRecord[] = [{ type: 'route-arm-set', arm: o1 }];
    for (const arm of defaultCatalog)
      records.push({ type: 'route-arm-set', arm: { ...arm, inputPricePerMillion: 0, outputPricePerMillion: 0 } });
    for (let index = 0; index < 300; index++) {
      records.push({
        type: 'route-observe',
        decisionId: `d${index}`,
        armId: 'o1-pro',
        taskType: 'backend-code',
        bucket: 'mmf:',
        listCostUsd: 1,
        outputTokens: 2000,
        outcome: { quality: 1, costUsd: 1e-9, latencyMs: 1 },
      });
    }
    for (const load of ['load', 'learnEvidence'] as const) {
      const chooser = new ModelChooser({ random: mulberry32(3) });
      chooser[load](preferred(records));
      for (let call = 0; call < 50; call++) {
        const result = chooser.choose(request, readiness);
        if (!result.ok) continue;
        expect(result.choice.armId).not.toBe('o1-pro');
        const price = expectedPrice(result.choice.armId, result.choice.provider, result.choice.model);
        expect(result.choice.inputPricePerMillion).toBe(price.input);
      }
    }
  });

  test('imported evidence teaches quality and latency, never cost', () => {
    const cheapGpt5: RouteRecord[] = Array.from({ length: 200 }, (_, index) => ({
      type: 'route-observe',
      decisionId: `d${index}`,
      armId: 'gpt-5',
      taskType: 'backend-code',
      bucket: 'mmf:',
      listCostUsd: 1,
      outputTokens: 2000,
      outcome: { quality: 0.9, costUsd: 1e-6, latencyMs: 500 },
    }));
    const chooser = new ModelChooser({ random: mulberry32(3) });
    chooser.learnEvidence(preferred(cheapGpt5));
    const snapshot = chooser.router('balanced').toJSON() as unknown as {
      types: Record<string, Record<string, { costN: number; latencyN: number; n: number }>>;
    };
    const cell = snapshot.types['backend-code']?.['gpt-5'];
    expect(cell?.n).toBeGreaterThan(100);
    expect(cell?.latencyN).toBeGreaterThan(100);
    expect(cell?.costN).toBe(0);
  });
});
