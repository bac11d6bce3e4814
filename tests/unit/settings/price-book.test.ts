import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PriceBook, shippedPrices } from '../../../worker/settings/price-book.ts';
import {
  type ModelPrices,
  type PriceEdit,
  maxPricePerMillion,
  priceEditSchema,
  priceRequestProblem,
  priceSetRequestSchema,
} from '../../../worker/settings/price-edit.ts';
import { hostileName, prototypeNames } from '../hardening/hostile-names.ts';

const prices = (input: number, output = input * 4): ModelPrices => ({
  input,
  output,
  cachedInput: input / 10,
  cacheWrite: input * 1.25,
});

let at = 1_700_000_000_000;
const set = (provider: PriceEdit['provider'], model: string, value: ModelPrices): PriceEdit => ({
  type: 'price-set',
  id: '01JEZ0000000000000000000AA',
  at: at++,
  actor: { kind: 'user' },
  provider,
  model,
  prices: value,
});
const reset = (provider: PriceEdit['provider'], model: string): PriceEdit => ({
  type: 'price-reset',
  id: '01JEZ0000000000000000000AB',
  at: at++,
  actor: { kind: 'user' },
  provider,
  model,
});

describe('the effective price: the latest edit over the shipped catalog', () => {
  test('without edits, every model is at its shipped price (router catalog, then provider catalog, cache ratios)', () => {
    const book = new PriceBook();
    expect(book.priceOf('openai', 'gpt-5-mini')).toEqual({
      input: 0.25,
      output: 2,
      cachedInput: 0.025,
      cacheWrite: 0.25,
    });
    expect(book.priceOf('anthropic', 'claude-opus-4-5')).toEqual({
      input: 5,
      output: 25,
      cachedInput: 0.5,
      cacheWrite: 6.25,
    });
    // The router names Gemini by vendor; the price is the provider's model's all the same.
    expect(book.priceOf('gemini', 'gemini-2.5-flash')).toMatchObject({ input: 0.3, output: 2.5 });
    // Only the provider catalog lists it.
    expect(book.priceOf('openai', 'gpt-4.1-nano')).toEqual({
      input: 0.1,
      output: 0.4,
      cachedInput: 0.025,
      cacheWrite: 0.1,
    });
    // No catalog knows a local model: free until the person prices it.
    expect(book.priceOf('openai-compatible', 'llama3')).toEqual(prices(0, 0));
  });

  test('the latest edit of a model wins; other models keep theirs; a reset goes back to shipped', () => {
    const book = new PriceBook([
      set('openai', 'gpt-5-mini', prices(1)),
      set('anthropic', 'claude-haiku-4-5', prices(7)),
      set('openai', 'gpt-5-mini', prices(2)),
    ]);
    expect(book.priceOf('openai', 'gpt-5-mini')).toEqual(prices(2));
    expect(book.priceOf('anthropic', 'claude-haiku-4-5')).toEqual(prices(7));
    expect(book.editOf('openai', 'gpt-5-mini')?.prices).toEqual(prices(2));
    book.apply(reset('openai', 'gpt-5-mini'));
    expect(book.priceOf('openai', 'gpt-5-mini')).toEqual(shippedPrices('openai', 'gpt-5-mini'));
    expect(book.editOf('openai', 'gpt-5-mini')).toBeUndefined();
    expect(book.priceOf('anthropic', 'claude-haiku-4-5')).toEqual(prices(7));
    // An edit names one model of one provider: the same name elsewhere is untouched.
    book.apply(set('openai-compatible', 'gpt-5-mini', prices(9)));
    expect(book.priceOf('openai', 'gpt-5-mini')).toEqual(shippedPrices('openai', 'gpt-5-mini'));
    expect(book.priceOf('openai-compatible', 'gpt-5-mini')).toEqual(prices(9));
  });

  test('an edit of a model family prices its dated snapshots too, unless the snapshot has its own edit', () => {
    const book = new PriceBook([set('anthropic', 'claude-sonnet-4-5', prices(2)), set('openai', 'gpt-5', prices(9))]);
    // The snapshot is in the shipped catalog at 3 $/M; the person's edit of its family wins.
    expect(book.priceOf('anthropic', 'claude-sonnet-4-5-20250929')).toEqual(prices(2));
    // A family name followed by something that is not a date is another model.
    expect(book.priceOf('openai', 'gpt-5-mini')).toEqual(shippedPrices('openai', 'gpt-5-mini'));
    expect(book.priceOf('openai', 'gpt-5-2025-08-07')).toEqual(prices(9));
    expect(book.priceOf('openai', 'gpt-5-mini-2025-08-07')).toEqual(shippedPrices('openai', 'gpt-5-mini-2025-08-07'));
    book.apply(set('anthropic', 'claude-sonnet-4-5-20250929', prices(4)));
    expect(book.priceOf('anthropic', 'claude-sonnet-4-5-20250929')).toEqual(prices(4));
    book.apply(reset('anthropic', 'claude-sonnet-4-5-20250929'));
    expect(book.priceOf('anthropic', 'claude-sonnet-4-5-20250929')).toEqual(prices(2));
    book.apply(reset('anthropic', 'claude-sonnet-4-5'));
    expect(book.priceOf('anthropic', 'claude-sonnet-4-5-20250929')).toEqual(
      shippedPrices('anthropic', 'claude-sonnet-4-5-20250929'),
    );
  });

  test('a fold is the sequence of edits: replaying them into a new book gives the same prices', () => {
    const edit = fc.record({
      kind: fc.constantFrom('set', 'reset'),
      provider: fc.constantFrom('openai', 'openai-compatible'),
      model: fc.constantFrom('gpt-5', 'gpt-5-mini', ...prototypeNames),
      input: fc.double({ min: 0, max: 100, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 30 }), (steps) => {
        const edits = steps.map((step) =>
          step.kind === 'set' ? set(step.provider, step.model, prices(step.input)) : reset(step.provider, step.model),
        );
        const book = new PriceBook(edits);
        for (const step of steps) {
          const last = edits.filter((e) => e.provider === step.provider && e.model === step.model).at(-1);
          const expected = last?.type === 'price-set' ? last.prices : shippedPrices(step.provider, step.model);
          expect(book.priceOf(step.provider, step.model)).toEqual(expected);
        }
        const again = new PriceBook();
        again.replace(edits);
        expect(again.editedModels().sort()).toEqual(book.editedModels().sort());
      }),
      { numRuns: 200 },
    );
  });

  test('model ids are data: prototype names price like any other and touch no prototype', () => {
    const book = new PriceBook();
    for (const name of prototypeNames) {
      expect(book.priceOf('openai-compatible', name)).toEqual(prices(0, 0));
      expect(book.editOf('openai-compatible', name)).toBeUndefined();
    }
    for (const [index, name] of prototypeNames.entries()) book.apply(set('openai-compatible', name, prices(index + 1)));
    for (const [index, name] of prototypeNames.entries()) {
      expect(book.priceOf('openai-compatible', name)).toEqual(prices(index + 1));
      // The same name at another provider has no edit: nothing leaked into a shared prototype.
      expect(book.editOf('anthropic', name)).toBeUndefined();
    }
    book.apply(reset('openai-compatible', '__proto__'));
    expect(book.priceOf('openai-compatible', '__proto__')).toEqual(prices(0, 0));
    expect(book.priceOf('openai-compatible', 'constructor')).toEqual(prices(2));
    expect(({} as Record<string, unknown>)['input']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('prices');
  });

  test('any model name, however hostile, round-trips through an edit', () => {
    fc.assert(
      fc.property(
        hostileName.filter((name) => name.length > 0 && name.length <= 200),
        (name) => {
          const book = new PriceBook([set('openai-compatible', name, prices(3))]);
          expect(book.priceOf('openai-compatible', name)).toEqual(prices(3));
          expect(priceEditSchema.safeParse(set('openai-compatible', name, prices(3))).success).toBe(true);
        },
      ),
    );
  });
});

describe('a price edit is validated', () => {
  const request = (value: Record<string, unknown>, model = 'gpt-5-mini') => ({
    provider: 'openai',
    model,
    prices: { input: 1, output: 2, cachedInput: 0.1, cacheWrite: 1, ...value },
  });

  test('finite, at least zero, at most the bound: each bad value refused with a sentence naming the price', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ input: -1 }, /input price/],
      [{ output: Number.NaN }, /output price/],
      [{ cachedInput: Number.POSITIVE_INFINITY }, /cached-input price/],
      [{ cacheWrite: maxPricePerMillion + 1 }, /cache-write price/],
      [{ input: '1' }, /input price/],
      [{ output: null }, /output price/],
      [{ input: undefined }, /input price/],
    ];
    for (const [value, named] of bad) {
      const parsed = priceSetRequestSchema.safeParse(request(value));
      expect(parsed.success, JSON.stringify(value)).toBe(false);
      if (parsed.success) continue;
      const message = priceRequestProblem(parsed.error);
      expect(message).toMatch(/^These prices cannot be saved: The /);
      expect(message).toMatch(named);
      expect(message).toContain('dollars per million tokens from 0 to 10,000');
    }
    for (const value of [{ input: 0 }, { output: maxPricePerMillion }, { cachedInput: 1e-9 }]) {
      expect(priceSetRequestSchema.safeParse(request(value)).success, JSON.stringify(value)).toBe(true);
    }
  });

  test('unknown fields, providers and empty or overlong model names are refused', () => {
    expect(priceSetRequestSchema.safeParse({ ...request({}), extra: 1 }).success).toBe(false);
    expect(priceSetRequestSchema.safeParse(request({ reasoning: 1 })).success).toBe(false);
    expect(priceSetRequestSchema.safeParse({ ...request({}), provider: 'template' }).success).toBe(false);
    expect(priceSetRequestSchema.safeParse({ ...request({}), provider: '__proto__' }).success).toBe(false);
    expect(priceSetRequestSchema.safeParse(request({}, '')).success).toBe(false);
    expect(priceSetRequestSchema.safeParse(request({}, 'x'.repeat(201))).success).toBe(false);
    for (const name of prototypeNames) expect(priceSetRequestSchema.safeParse(request({}, name)).success).toBe(true);
  });

  test('only the person edits prices: an edit by an agent or the system is no edit', () => {
    const edit = set('openai', 'gpt-5', prices(0));
    expect(priceEditSchema.safeParse(edit).success).toBe(true);
    expect(priceEditSchema.safeParse({ ...edit, actor: { kind: 'system', component: 'router' } }).success).toBe(false);
    expect(priceEditSchema.safeParse({ ...edit, actor: { kind: 'agent', role: 'debugger' } }).success).toBe(false);
    expect(priceEditSchema.safeParse({ ...edit, type: 'route-arm-set' }).success).toBe(false);
  });
});
