import { expect, test } from 'vitest';
import { formatElapsed, formatPerMillion, formatUsd } from '../../../web/format/money.ts';

test('dollars: cents from a dollar up, four decimals below, and a tiny cost never reads as free', () => {
  expect(formatUsd(0)).toBe('$0.00');
  expect(formatUsd(12.5)).toBe('$12.50');
  expect(formatUsd(0.0123)).toBe('$0.0123');
  expect(formatUsd(0.00005)).toBe('$0.0001');
  // 79 tokens on a nano model: a real cost, too small for four decimals.
  expect(formatUsd(0.0000079)).toBe('< $0.0001');
  expect(formatUsd(-0.00001)).toBe('> −$0.0001');
});

test('elapsed time as a clock', () => {
  expect(formatElapsed(7_000)).toBe('0:07');
  expect(formatElapsed(75_000)).toBe('1:15');
  expect(formatElapsed(3_723_000)).toBe('1:02:03');
});

test('a price per million tokens: six significant digits, with or without the dollar sign', () => {
  expect(formatPerMillion(0.075)).toBe('$0.075');
  expect(formatPerMillion(0.1 + 0.2)).toBe('$0.3');
  expect(formatPerMillion(3)).toBe('$3');
  expect(formatPerMillion(0.3 - 0.225, { dollar: false })).toBe('0.075');
  expect(formatPerMillion(1234.5678, { dollar: false })).toBe('1234.57');
});
