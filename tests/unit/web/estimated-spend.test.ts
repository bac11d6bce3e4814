import { expect, test } from 'vitest';
import { estimatedSpend } from '../../../web/format/estimated-spend.ts';

test('a spend with a part charged at an estimate says so, with the sign and in words', () => {
  expect(estimatedSpend(0.00042)).toBe(
    '(of which ≈ $0.0004 estimated: calls were cut off before the provider said what they cost)',
  );
  expect(estimatedSpend(1.5)).toMatch(/^\(of which ≈ \$1\.50 estimated: /);
});

test('a spend that is all the providers’ own figures says nothing more', () => {
  expect(estimatedSpend(undefined)).toBeNull();
  expect(estimatedSpend(0)).toBeNull();
});
