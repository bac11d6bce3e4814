import { describe, expect, test } from 'vitest';
import { formatArgs, frameOf, lineCap } from '../../../sandbox/preview/console-format.ts';

describe('formatArgs', () => {
  test('fills in format directives and joins the rest with spaces', () => {
    expect(formatArgs(['%s has %d items (%i%%)', 'cart', 3.7, 50, 'extra'])).toBe('cart has 3 items (50%) extra');
    expect(formatArgs(['%cstyled', 'color: red'])).toBe('styled');
    expect(formatArgs(['a', 1, true, null, undefined])).toBe('a 1 true null undefined');
  });

  test('shows objects, arrays, errors and functions the way a console does', () => {
    expect(formatArgs([{ answer: 42, nested: { list: [1, 'two'] } }])).toBe('{answer: 42, nested: {list: [1, "two"]}}');
    expect(formatArgs([new RangeError('too far')])).toBe('RangeError: too far');
    expect(formatArgs([function named() {}])).toBe('ƒ named()');
  });

  test('survives hostile values: cycles, throwing getters, huge text', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(formatArgs([cyclic])).toContain('self: {self: {self: {…}}}');
    const throwing = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(formatArgs([throwing])).toBe('[object Object]');
    const long = formatArgs(['x'.repeat(lineCap + 10)]);
    expect(long.length).toBeLessThan(lineCap + 40);
    expect(long).toContain('10 more characters');
  });
});

describe('frameOf', () => {
  test('finds the first stack frame in a known file', () => {
    const stack = `Error\n    at console.log (blob:null/boot:1:200)\n    at report (blob:null/app:9:13)\n    at blob:null/app:12:1`;
    expect(frameOf(stack, (url) => url === 'blob:null/app')).toEqual({ url: 'blob:null/app', line: 9, column: 13 });
    expect(frameOf(stack, () => false)).toBeUndefined();
  });
});
