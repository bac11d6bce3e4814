import { expect, test } from 'vitest';
import { createRouter, mulberry32, restoreRouter } from '../../../worker/router/index.ts';
import type { RouteDecision } from '../../../worker/router/records.ts';
import { asExpected, bareArm } from './helpers.ts';

const arms = [bareArm('small', 'small', 0.1, 0.4), bareArm('large', 'large', 0.2, 0.8)];
const context = (taskType: string, language: string) => ({
  taskType,
  features: { inputTokens: 2000, outputTokens: 800, language },
  budgetRemainingUsd: Number.POSITIVE_INFINITY,
});
// The large model is the better one, except on Rust, whatever the task.
const quality = (armId: string, language: string) => (armId === 'large' ? (language === 'rust' ? 0.3 : 0.95) : 0.7);
const expected = (decision: RouteDecision, armId: string) =>
  decision.candidates.find((candidate) => candidate.armId === armId)?.expectedQuality ?? Number.NaN;

function trained(sharedContextShrink: number) {
  const router = createRouter({
    arms,
    random: mulberry32(11),
    preference: 'best quality',
    tuning: { forgetting: false, sharedContextShrink },
  });
  // Only backend tasks teach it, half of them in Rust, each model 100 tasks of each language.
  for (let i = 0; i < 400; i++) {
    const language = i % 2 === 0 ? 'rust' : 'typescript';
    const only = [(i >> 1) % 2 === 0 ? 'large' : 'small'];
    const decision = router.choose({ ...context('backend-code', language), candidates: only });
    router.observe(decision, { quality: quality(decision.armId as string, language), ...asExpected(decision) });
  }
  return router;
}

test('a model’s weakness in one context, learned on one task type, is expected on a type it never did', () => {
  const router = trained(8);
  // UI tasks were never routed: what it knows of Rust comes from the backend tasks alone.
  const rust = router.choose(context('ui-code', 'rust'));
  const typescript = router.choose(context('ui-code', 'typescript'));
  expect(expected(rust, 'large')).toBeLessThan(expected(rust, 'small'));
  expect(expected(typescript, 'large')).toBeGreaterThan(expected(typescript, 'small'));
  expect(expected(typescript, 'large') - expected(rust, 'large')).toBeGreaterThan(0.3);
  expect(rust.armId).toBe('small');
  expect(typescript.armId).toBe('large');
  // The shared effects are part of the state: a restored router expects the same.
  const restored = restoreRouter(router.toJSON(), { random: mulberry32(11) });
  expect(expected(restored.choose(context('ui-code', 'rust')), 'large')).toBeCloseTo(expected(rust, 'large'), 12);
});

test('with the shared effects held at nothing, the new task type cannot tell Rust from TypeScript', () => {
  // An effectively infinite shrink keeps every shared effect at zero: the old, per-type-only model.
  const router = trained(1e12);
  const rust = expected(router.choose(context('ui-code', 'rust')), 'large');
  const typescript = expected(router.choose(context('ui-code', 'typescript')), 'large');
  expect(Math.abs(rust - typescript)).toBeLessThan(0.01);
});
