import { expect, test } from 'vitest';
import { toFixed } from '../../../worker/router/explain.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';

test("the reason's numbers read exactly as toFixed writes them, ties and signs included", () => {
  const random = mulberry32(5);
  const values = [0, -0, 0.0005, -0.0005, 1.0005, 0.125, 2.675, 1.005, 0.995, 0.9995, -0.9995, 9.995, 0.045, -0.045];
  values.push(Number.NaN, Number.POSITIVE_INFINITY, -1e-10, 1e9, 1e21, 5e-324);
  for (let i = 0; i < 20_000; i++) {
    values.push((random() - 0.5) * 4);
    values.push((random() - 0.5) * 10 ** Math.floor(random() * 12 - 4));
    // Exactly halfway at the last printed digit, as decimals go: the hard cases.
    values.push(Math.round((random() - 0.5) * 1e5) / 1e3 + 0.0005);
    values.push(Math.round((random() - 0.5) * 1e5) / 1e2 + 0.005);
  }
  for (const x of values) {
    expect(toFixed(x, 3)).toBe(x.toFixed(3));
    expect(toFixed(x, 2)).toBe(x.toFixed(2));
  }
});
