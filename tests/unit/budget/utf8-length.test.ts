import { expect, test } from 'vitest';
import { utf8Length, utf8LengthOfParts } from '../../../worker/budget/utf8-length.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';

const encoded = (text: string) => new TextEncoder().encode(text).length;

test('utf8Length counts what TextEncoder writes: 1 to 4 bytes a character, 3 for a lone surrogate', () => {
  expect(utf8Length('')).toBe(0);
  expect(utf8Length('naïve — ok')).toBe(13);
  expect(utf8Length('😀')).toBe(4);
  expect(utf8Length('\ud800')).toBe(3);
  expect(utf8Length('\udc00\ud800')).toBe(6);
  expect(utf8Length('a\ud800b')).toBe(5);
});

/** Mostly ASCII, with Latin-1, BMP, astral and lone-surrogate characters sprinkled in. */
function randomText(random: () => number, length: number): string {
  const pool = ['é', '—', '漢', '😀', '\ud800', '\udc00', '\u00ff', '\u07ff', '\u0800'];
  const parts: string[] = [];
  for (let size = 0; size < length;) {
    const part =
      random() < 0.9 ? 'abc\n'.charAt(Math.floor(random() * 4)) : (pool[Math.floor(random() * pool.length)] ?? '');
    parts.push(part);
    size += part.length;
  }
  return parts.join('');
}

test('property: utf8Length equals TextEncoder on long texts', () => {
  const random = mulberry32(7);
  for (let run = 0; run < 40; run++) {
    const text = randomText(random, Math.floor(random() * 70_000));
    expect(utf8Length(text)).toBe(encoded(text));
  }
  // Surrogates at the ends of a run of non-ASCII characters.
  expect(utf8Length('ab\ud800')).toBe(5);
  expect(utf8Length('\udc00ab')).toBe(5);
  expect(utf8Length('é😀')).toBe(6);
  expect(utf8Length('é\ud83d')).toBe(5);
});

test('property: utf8LengthOfParts equals the length of the joined text, surrogate pairs split over parts included', () => {
  const random = mulberry32(11);
  expect(utf8LengthOfParts(['x\ud83d', '\ude00y'])).toBe(encoded('x😀y'));
  expect(utf8LengthOfParts(['\ud83d', '', '\ude00'])).toBe(4);
  for (let run = 0; run < 300; run++) {
    const parts = Array.from({ length: Math.floor(random() * 6) }, () => randomText(random, Math.floor(random() * 8)));
    expect(utf8LengthOfParts(parts)).toBe(encoded(parts.join('')));
  }
});
