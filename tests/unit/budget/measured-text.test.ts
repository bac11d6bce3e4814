import { expect, test } from 'vitest';
import {
  emptyMeasured,
  joinMeasured,
  measure,
  type MeasuredText,
  trimEndMeasured,
  utf8LengthOfParts,
} from '../../../worker/budget/utf8-length.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';
import { randomText } from '../agents/random-input.ts';

const encoded = (text: string) => new TextEncoder().encode(text).length;

/** What `measure` must say of a text, worked out the plain way. */
const plain = (text: string): MeasuredText => ({
  text,
  utf8Bytes: encoded(text),
  startsLow: /^[\udc00-\udfff]/.test(text),
  endsHigh: /[\ud800-\udbff]$/.test(text),
});

/** Short parts, often nothing but a lone surrogate, so pairs are split over part boundaries. */
function randomParts(random: () => number): (string | MeasuredText)[] {
  return Array.from({ length: Math.floor(random() * 8) }, () => {
    const shape = random();
    const text =
      shape < 0.15
        ? ''
        : shape < 0.3
          ? random() < 0.5
            ? '\ud83d'
            : '\ude00'
          : randomText(random, Math.floor(random() * 12));
    return random() < 0.5 ? text : measure(text);
  });
}

const textOf = (part: string | MeasuredText) => (typeof part === 'string' ? part : part.text);

test('measure counts what TextEncoder writes and sees the surrogates at either end', () => {
  expect(measure('naïve — ok')).toEqual(plain('naïve — ok'));
  expect(measure('\ude00x\ud83d')).toEqual({ text: '\ude00x\ud83d', utf8Bytes: 7, startsLow: true, endsHigh: true });
  expect(emptyMeasured).toEqual({ text: '', utf8Bytes: 0, startsLow: false, endsHigh: false });
  const random = mulberry32(3);
  for (let run = 0; run < 300; run++) {
    const text = randomText(random, Math.floor(random() * 200));
    expect(measure(text)).toEqual(plain(text));
  }
});

test('property: joined measured texts are the joined text, counted exactly, pairs split over parts included', () => {
  expect(joinMeasured(['x\ud83d', measure('\ude00y')])).toEqual(plain('x😀y'));
  expect(joinMeasured([measure('\ud83d'), '', emptyMeasured, '\ude00'])).toEqual(plain('😀'));
  expect(utf8LengthOfParts([measure('\ud83d'), '', '\ude00'])).toBe(4);
  const random = mulberry32(17);
  for (let run = 0; run < 2000; run++) {
    const parts = randomParts(random);
    const text = parts.map(textOf).join('');
    expect(utf8LengthOfParts(parts), `run ${run}`).toBe(encoded(text));
    expect(joinMeasured(parts), `run ${run}`).toEqual(plain(text));
  }
});

test('property: a join of joins is counted as the whole text', () => {
  const random = mulberry32(23);
  for (let run = 0; run < 500; run++) {
    const groups = Array.from({ length: Math.floor(random() * 5) }, () => joinMeasured(randomParts(random)));
    const mixed = groups.map((group) => (random() < 0.3 ? group.text : group));
    const text = groups.map((group) => group.text).join('');
    expect(joinMeasured(mixed), `run ${run}`).toEqual(plain(text));
    expect(utf8LengthOfParts(mixed)).toBe(encoded(text));
  }
});

test('property: trimming the end of a measured text is measuring the trimmed text', () => {
  expect(trimEndMeasured(measure('é \n'))).toEqual(plain('é'));
  expect(trimEndMeasured(measure('x\ud83d\u3000\n'))).toEqual(plain('x\ud83d'));
  expect(trimEndMeasured(measure(' \u2028\ufeff'))).toEqual(plain(''));
  const random = mulberry32(29);
  for (let run = 0; run < 1000; run++) {
    const text = randomText(random, Math.floor(random() * 60)) + (random() < 0.5 ? ' \n\u00a0' : '');
    expect(trimEndMeasured(measure(text)), `run ${run}`).toEqual(plain(text.trimEnd()));
  }
});
