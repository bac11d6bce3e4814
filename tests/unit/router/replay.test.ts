import { expect, test } from 'vitest';
import { defaultCatalog } from '../../../worker/router/catalog.ts';
import { type RouteRecord, routeRecordSchema } from '../../../worker/router/records.ts';
import { createRouter, restoreRouter } from '../../../worker/router/router.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';
import { createPerformanceTracker } from '../../../worker/router/tracker.ts';

const types = ['plan', 'backend-code', 'ui-code', 'tests', 'review', 'fix', 'something-new'];

/** A busy history: parallel calls, cancellations, a catalog change and a quality drop. */
function history(seed: number) {
  const records: RouteRecord[] = [];
  const router = createRouter({
    arms: defaultCatalog,
    random: mulberry32(seed),
    preference: 'balanced',
    onRecord: (record) => records.push(record),
  });
  const random = mulberry32(seed + 1);
  const open: ReturnType<typeof router.choose>[] = [];
  for (let i = 0; i < 600; i++) {
    if (i === 300)
      router.setArm({ ...(defaultCatalog[4] as (typeof defaultCatalog)[number]), outputPricePerMillion: 6 });
    open.push(
      router.choose({
        taskType: types[Math.floor(random() * types.length)] as string,
        features: {
          inputTokens: Math.floor(random() * 60_000),
          outputTokens: Math.floor(random() * 6_000),
          language: random() < 0.5 ? 'python' : 'rust',
          attempt: random() < 0.2 ? 2 : 1,
          ...(random() < 0.5 ? { signals: random() < 0.5 ? ['word:sql', 'ext:ts'] : ['word:css'] } : {}),
        },
        budgetRemainingUsd: 50,
      }),
    );
    while (open.length > 3 || (open.length > 0 && random() < 0.5)) {
      const decision = open.shift() as ReturnType<typeof router.choose>;
      if (random() < 0.05) router.cancel(decision);
      else {
        const drop = i > 400 && decision.armId === 'gpt-5' ? 0.4 : 0;
        router.observe(decision, {
          quality: Math.max(0, random() - drop),
          costUsd: random() / 50,
          latencyMs: random() * 9000,
        });
      }
    }
  }
  return { router, records };
}

test('replaying the records into a fresh router rebuilds exactly the same posteriors', () => {
  for (const seed of [1, 2, 3]) {
    const { router, records } = history(seed);
    let emitted = 0;
    const replayed = createRouter({
      arms: defaultCatalog,
      random: mulberry32(999),
      preference: 'balanced',
      onRecord: () => (emitted += 1),
    });
    for (const record of records) replayed.apply(routeRecordSchema.parse(JSON.parse(JSON.stringify(record))));
    expect(replayed.toJSON()).toEqual(router.toJSON());
    expect(JSON.stringify(replayed.toJSON())).toBe(JSON.stringify(router.toJSON()));
    expect(emitted).toBe(0);
  }
}, 30_000); // three 600-task histories: generous on a loaded two-core machine

test('a change in the history changes the fold, so replay equality is not vacuous', () => {
  const { router, records } = history(4);
  const replayed = createRouter({ arms: defaultCatalog, preference: 'balanced' });
  const tampered = records.map((record) =>
    record.type === 'route-observe' ? { ...record, outcome: { ...record.outcome, quality: 1 } } : record,
  );
  for (const record of tampered) replayed.apply(record);
  expect(replayed.toJSON()).not.toEqual(router.toJSON());
});

test('a snapshot restores a router that decides exactly as the original would', () => {
  const { router } = history(5);
  const snapshot = JSON.parse(JSON.stringify(router.toJSON())) as ReturnType<typeof router.toJSON>;
  const restored = createRouter.restore(snapshot, { random: mulberry32(77) });
  const original = restoreRouter(router.toJSON(), { random: mulberry32(77) });
  expect(restored.toJSON()).toEqual(router.toJSON());
  const context = { taskType: 'tests', features: { inputTokens: 5000, outputTokens: 900 }, budgetRemainingUsd: 5 };
  for (let i = 0; i < 20; i++) {
    const a = restored.choose(context);
    const b = original.choose(context);
    expect(a).toEqual(b);
    restored.observe(a, { quality: 0.7, costUsd: 0.01, latencyMs: 1200 });
    original.observe(b, { quality: 0.7, costUsd: 0.01, latencyMs: 1200 });
  }
});

// Decisions read copies of the posteriors laid out by arm index, written through as the
// router learns; a restored router builds them afresh from its snapshot's cells. Every
// figure a decision derives without a random draw must come out the same in both.
test("what a live router's decisions read of its posteriors is what a restored router reads", () => {
  const { router } = history(7);
  const restored = restoreRouter(router.toJSON(), { random: mulberry32(77) });
  const deterministic = (decision: ReturnType<typeof router.choose>) =>
    decision.candidates.map(({ armId, expectedQuality, listCostUsd, expectedCostUsd, expectedLatencyMs }) => ({
      armId,
      expectedQuality,
      listCostUsd,
      expectedCostUsd,
      expectedLatencyMs,
    }));
  for (const taskType of types)
    for (const language of ['python', 'rust', 'go'])
      for (const [inputTokens, outputTokens, attempt] of [
        [1_000, 500, 1],
        [50_000, 5_000, 2],
      ] as const) {
        const context = {
          taskType,
          features: { inputTokens, outputTokens, language, attempt },
          budgetRemainingUsd: 50,
        };
        expect(deterministic(router.choose(context))).toEqual(deterministic(restored.choose(context)));
        expect(router.expectedQuality('gpt-5', taskType)).toBe(restored.expectedQuality('gpt-5', taskType));
      }
});

test('the performance tracker is a fold of the same records', () => {
  const { records } = history(6);
  const observations = records.filter((record) => record.type === 'route-observe');
  const live = createPerformanceTracker({ window: 10 });
  for (const record of observations) live.apply(record);
  const replayed = createPerformanceTracker({ window: 10 });
  for (const record of observations) replayed.apply(JSON.parse(JSON.stringify(record)) as typeof record);
  expect(replayed.toJSON()).toEqual(live.toJSON());
  expect(createPerformanceTracker({}, live.toJSON()).toJSON()).toEqual(live.toJSON());
});
