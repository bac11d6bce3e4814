import { expect, test } from 'vitest';
import { createRouter, mulberry32 } from '../../../worker/router/index.ts';
import type { RouterTuning } from '../../../worker/router/tuning.ts';
import { asExpected, bareArm, task } from './helpers.ts';

// Five models of one tier (one prior, 0.72, for all), each three times dearer than the last.
const prices = [0.1, 0.3, 1, 3, 10];
const arms = prices.map((price, k) => bareArm(`m${k}`, 'medium', price, 4 * price));
// Quality rises by 0.1 a rung: 0.5, 0.6, 0.7, 0.8 and, for the dearest, 0.9.
const onLadder = (armId: string) => 0.5 + 0.1 * Number(armId.slice(1));

/** The four cheaper models each scored 30 times on the ladder; the dearest never. */
function router(tuning: Partial<RouterTuning>) {
  const r = createRouter({ arms, random: mulberry32(4), tuning: { forgetting: false, ...tuning } });
  for (let i = 0; i < 120; i++) {
    const armId = `m${i % 4}`;
    const decision = r.choose({ ...task('tests'), candidates: [armId] });
    r.observe(decision, { quality: onLadder(armId), ...asExpected(decision) });
  }
  return r;
}

test('a model never tried is expected where the price ladder of the models tried puts it', () => {
  // The line through the four tried models says 0.9 for the dearest; its tier says 0.72.
  expect(router({}).expectedQuality('m4', 'tests')).toBeGreaterThan(0.84);
  expect(router({}).expectedQuality('m4', 'a-type-never-seen')).toBeGreaterThan(0.84);
  // With the ladder off the tier is all it has.
  expect(router({ ladderMaxStrength: 0 }).expectedQuality('m4', 'tests')).toBeLessThan(0.75);
});

test('a model far off the ladder is judged on its own outcomes, not pulled back to its price', () => {
  // Twelve rungs, each 1.5× dearer and 0.04 better; eleven models on the line, 30 scores
  // each. The dearest, which the line puts at 0.89, scores 0.6 ten times: one model among
  // twelve hardly widens the spread, so a Gaussian prior would stay worth its cap of 60
  // outcomes and expect 0.80 of it on a new task type (0.75 with it); the Student-t prior lets go of it.
  const rungs = Array.from({ length: 12 }, (_, k) => bareArm(`r${k}`, 'medium', 0.1 * 1.5 ** k, 0.4 * 1.5 ** k));
  const r = createRouter({ arms: rungs, random: mulberry32(4), tuning: { forgetting: false } });
  for (let i = 0; i < 340; i++) {
    const k = i < 330 ? i % 11 : 11;
    const decision = r.choose({ ...task('tests'), candidates: [`r${k}`] });
    r.observe(decision, { quality: i < 330 ? 0.45 + 0.04 * k : 0.6, ...asExpected(decision) });
  }
  // On a task type it never did, its prior is its mean across types: its ten scores against the ladder.
  expect(r.expectedQuality('r11', 'a-type-never-seen')).toBeLessThan(0.78);
  expect(r.expectedQuality('r11', 'a-type-never-seen')).toBeGreaterThan(0.55);
});

test('where price says little about quality, the ladder is worth little: a model’s own scores soon rule', () => {
  // The four models score 0.8, 0.5, 0.8, 0.5 up the ladder: a wide spread about any line.
  const r = createRouter({ arms, random: mulberry32(4), tuning: { forgetting: false } });
  for (let i = 0; i < 123; i++) {
    const armId = i < 120 ? `m${i % 4}` : 'm4';
    const decision = r.choose({ ...task('tests'), candidates: [armId] });
    r.observe(decision, { quality: i >= 120 ? 0.95 : i % 2 === 0 ? 0.8 : 0.5, ...asExpected(decision) });
  }
  // Three scores of 0.95 outweigh the line; a prior held at its cap of 60 would keep it near 0.55.
  expect(r.expectedQuality('m4', 'tests')).toBeGreaterThan(0.8);
});
