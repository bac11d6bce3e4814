import { expect, test } from 'vitest';
import { bucketOf } from '../../../worker/router/features.ts';
import { createRouter } from '../../../worker/router/router.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';
import { asExpected, bareArm, share, task, train } from './helpers.ts';

test('the bucket separates input size, output size, retries and language', () => {
  expect(bucketOf({ inputTokens: 20_000, outputTokens: 500, attempt: 2, language: 'TypeScript' })).toBe(
    'msr:typescript',
  );
  expect(bucketOf({ inputTokens: 100, outputTokens: 9000 })).toBe('slf:');
});

// The router learns a context effect where it explores: here both models are worth
// trying on average. (A model that is poor on average is rarely tried in the one context
// where it shines: see "Known limits" in the README.)
test('context features: a model that fails on large inputs is avoided there and kept for small ones', () => {
  const router = createRouter({
    arms: [bareArm('short-context', 'medium', 1, 4), bareArm('long-context', 'medium', 1, 4)],
    random: mulberry32(11),
    preference: 'best quality',
  });
  const small = task('backend-code', 2_000);
  const large = task('backend-code', 80_000);
  const quality = (id: string, inputTokens: number) =>
    id === 'short-context' ? (inputTokens > 32_000 ? 0.55 : 0.92) : 0.75;
  for (let i = 0; i < 400; i++) {
    const context = i % 2 === 0 ? small : large;
    const decision = router.choose(context);
    router.observe(decision, {
      quality: quality(decision.armId as string, context.features.inputTokens),
      ...asExpected(decision),
    });
  }
  const onSmall = train(router, 100, (id) => quality(id, 2_000), small);
  const onLarge = train(router, 100, (id) => quality(id, 80_000), large);
  expect(share(onSmall, 'short-context')).toBeGreaterThan(0.8);
  expect(share(onLarge, 'long-context')).toBeGreaterThan(0.8);
});
