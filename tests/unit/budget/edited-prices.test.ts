import { expect, test } from 'vitest';
import { createCostGovernor } from '../../../worker/budget/index.ts';
import type { EventDraft } from '../../../worker/events/catalog.ts';
import { type Meter, type MeteredRoute, chooseRoute } from '../../../worker/orchestrator/calls/metered-call.ts';
import { ModelChooser } from '../../../worker/orchestrator/model-choice.ts';
import type { ProviderAdapter } from '../../../worker/providers/contract/provider-adapter.ts';
import type { StreamPart } from '../../../worker/providers/contract/stream-part.ts';
import { mulberry32 } from '../../../worker/router/index.ts';
import { PriceBook, shippedPrices } from '../../../worker/settings/price-book.ts';
import type { ModelPrices } from '../../../worker/settings/price-edit.ts';

/*
 * A price edited in Settings applies to calls reserved after it; a call in flight settles
 * at the prices it was reserved at. The router's estimates, the reservation and the
 * settlement of a call all read one price: the device's when the call is reserved.
 */

const usage = { inputTokens: 1_000, outputTokens: 500, cachedInputTokens: 0, estimated: false };

/** An adapter whose answer waits for `open()`: the call stays in flight until then. */
function gatedAdapter(): { adapter: ProviderAdapter; open: () => void } {
  let open = () => undefined as void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return {
    open: () => open(),
    adapter: {
      provider: 'openai',
      async *stream(): AsyncIterable<StreamPart> {
        await gate;
        yield { type: 'text-delta', text: '{}' };
        yield { type: 'usage', usage };
        yield { type: 'finish', reason: 'stop' };
      },
    },
  };
}

const request = {
  taskType: 'backend-code',
  preference: 'balanced' as const,
  inputTokens: 1_000,
  outputTokens: 500,
  attempt: 1,
  budgetRemainingUsd: 10,
};
const readiness = [{ provider: 'openai' as const, ready: true, detail: 'test' }];
const size = { utf8Bytes: 4_000, maxOutputTokens: 1_000 };
const payloadOf = (events: EventDraft[], type: string) =>
  events.find((event) => event.type === type)?.payload as Record<string, unknown> & {
    basis?: { inputPricePerMillion: number; outputPricePerMillion: number };
  };
const costAt = (price: ModelPrices) => (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1e6;

function call(route: MeteredRoute, adapter: ProviderAdapter, reserved: (events: EventDraft[]) => void) {
  return route.call({
    adapter,
    request: {
      model: route.choice.model,
      messages: [{ role: 'user', content: 'x' }],
      maxOutputTokens: size.maxOutputTokens,
    },
    size,
    signal: new AbortController().signal,
    beforeCall: (events) => {
      reserved(events);
      return Promise.resolve();
    },
  });
}

test('a call reserved before an edit settles at the old price; one reserved after it is priced at the new', async () => {
  const book = new PriceBook();
  let ids = 0;
  const meter: Meter = {
    chooser: new ModelChooser({ random: mulberry32(5), prices: book }),
    governor: createCostGovernor({ budgetUsd: 10 }),
    newId: () => `cost-${++ids}`,
  };
  const routed = chooseRoute(meter, request, readiness);
  if (!routed.ok) throw new Error(routed.message);
  const { route } = routed;
  const { provider, model } = route.choice;
  const shipped = shippedPrices(provider, model);
  expect(route.choice.inputPricePerMillion).toBe(shipped.input);

  // First call: reserved at the shipped price, then held in flight.
  const first = gatedAdapter();
  let reservedFirst: EventDraft[] = [];
  const inFlight = call(route, first.adapter, (events) => (reservedFirst = events));
  await expect.poll(() => reservedFirst.length).toBeGreaterThan(0);
  expect(payloadOf(reservedFirst, 'cost-reserve').basis?.inputPricePerMillion).toBe(shipped.input);

  // The person edits the model's price while the call is in flight: ten times dearer.
  const edited: ModelPrices = {
    input: shipped.input * 10,
    output: shipped.output * 10,
    cachedInput: shipped.cachedInput * 10,
    cacheWrite: shipped.cacheWrite * 10,
  };
  book.apply({
    type: 'price-set',
    id: '01JEZ0000000000000000000AA',
    at: 1,
    actor: { kind: 'user' },
    provider,
    model,
    prices: edited,
  });

  first.open();
  const done = await inFlight;
  if (done.kind !== 'made') throw new Error('the first call was not made');
  // It settles at the price it was reserved at.
  expect(payloadOf(done.settled, 'cost-settle').actualUsd).toBeCloseTo(costAt(shipped), 12);
  expect(meter.governor.status().spentUsd).toBeCloseTo(costAt(shipped), 12);

  // Second call on the same route (a repair), reserved after the edit: the new price.
  const second = gatedAdapter();
  second.open();
  let reservedSecond: EventDraft[] = [];
  const next = await call(route, second.adapter, (events) => (reservedSecond = events));
  if (next.kind !== 'made') throw new Error('the second call was not made');
  const reserve = payloadOf(reservedSecond, 'cost-reserve');
  expect(reserve.basis?.inputPricePerMillion).toBe(edited.input);
  expect(reserve.basis?.outputPricePerMillion).toBe(edited.output);
  expect(reserve['maxUsd']).toBeCloseTo(route.worstCaseUsd(size), 12);
  expect(payloadOf(next.settled, 'cost-settle').actualUsd).toBeCloseTo(costAt(edited), 12);
  expect(meter.governor.status().spentUsd).toBeCloseTo(costAt(shipped) + costAt(edited), 12);
  route.withdraw();

  // A new choice estimates at the edited price, and no record of it carries the price.
  const again = chooseRoute(meter, request, readiness);
  if (!again.ok) throw new Error(again.message);
  const arm = meter.chooser
    .router('balanced')
    .arms()
    .find((entry) => (entry.model ?? entry.id) === model);
  expect([arm?.inputPricePerMillion, arm?.outputPricePerMillion]).toEqual([edited.input, edited.output]);
  if (again.route.choice.model === model) expect(again.route.choice.inputPricePerMillion).toBe(edited.input);
  expect(JSON.stringify(again.events)).not.toContain('route-arm-set');
});
