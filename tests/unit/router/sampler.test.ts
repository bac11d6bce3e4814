import { expect, test } from 'vitest';
import { makeSampler, mulberry32 } from '../../../worker/router/sampler.ts';

test('mulberry32 repeats its sequence for a seed and stays in [0, 1)', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  for (let i = 0; i < 1000; i++) {
    const x = a();
    expect(x).toBe(b());
    expect(x).toBeGreaterThanOrEqual(0);
    expect(x).toBeLessThan(1);
  }
});

test.each([
  [2, 5],
  [0.5, 0.5],
  [30, 3],
])('Beta(%d, %d) draws have the right mean and variance', (a, b) => {
  const sampler = makeSampler(mulberry32(7));
  const draws = Array.from({ length: 40_000 }, () => sampler.beta(a, b));
  const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
  const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / draws.length;
  expect(mean).toBeCloseTo(a / (a + b), 2);
  expect(variance).toBeCloseTo((a * b) / ((a + b) ** 2 * (a + b + 1)), 2);
  expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...draws)).toBeLessThanOrEqual(1);
});
