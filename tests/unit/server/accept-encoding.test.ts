import { expect, test } from 'vitest';
import { acceptedEncodings } from '../../../server/static/accept-encoding.ts';

test('ranks brotli before gzip at equal quality, and honours q-values and q=0', () => {
  expect(acceptedEncodings('gzip, deflate, br')).toEqual(['br', 'gzip']);
  expect(acceptedEncodings('br;q=0.5, gzip;q=0.8')).toEqual(['gzip', 'br']);
  expect(acceptedEncodings('gzip, br;q=0')).toEqual(['gzip']);
  expect(acceptedEncodings('*')).toEqual(['br', 'gzip']);
  expect(acceptedEncodings('*, gzip;q=0')).toEqual(['br']);
  expect(acceptedEncodings('identity')).toEqual([]);
  expect(acceptedEncodings(undefined)).toEqual([]);
});
