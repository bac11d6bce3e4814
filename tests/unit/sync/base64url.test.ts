import { expect, test } from 'vitest';
import { fromBase64, fromBase64Url, toBase64, toBase64Url } from '../../../worker/sync/base64url.ts';

const bytesOf = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 7919 + seed * 31) & 255);

test('base64 and base64url by table match Node for every length remainder, up to 256 KiB', () => {
  for (const length of [0, 1, 2, 3, 4, 5, 31, 32, 33, 1000, 256 * 1024 + 1]) {
    const bytes = bytesOf(length, length);
    const buffer = Buffer.from(bytes);
    expect(toBase64(bytes)).toBe(buffer.toString('base64'));
    expect(toBase64Url(bytes)).toBe(buffer.toString('base64url'));
    expect(Buffer.from(fromBase64Url(buffer.toString('base64url'))!).equals(buffer)).toBe(true);
    expect(Buffer.from(fromBase64(buffer.toString('base64'))).equals(buffer)).toBe(true);
  }
});

test('text that is not base64url is refused, not half-read', () => {
  expect(fromBase64Url('abc+')).toBeUndefined();
  expect(fromBase64Url('abc=')).toBeUndefined();
  expect(fromBase64Url('abcde')).toBeUndefined();
  expect(fromBase64Url('ab€d')).toBeUndefined();
  expect(fromBase64Url('')).toEqual(new Uint8Array(0));
});
