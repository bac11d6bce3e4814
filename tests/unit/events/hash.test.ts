import { createHash } from 'node:crypto';
import { expect, test } from 'vitest';
import { sha256Hex, sha256HexSync } from '../../../worker/events/hash.ts';
import { seeded } from './random-history.ts';

const reference = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

test('SHA-256 matches node:crypto on ASCII, non-ASCII, astral and lone-surrogate texts of many lengths', async () => {
  const random = seeded(17);
  const alphabet = ['a', 'Z', '0', '\n', ' ', '{', '~', '\u007f', 'é', 'ß', '—', '中', '🎉', '\ud800', '\udfff'];
  expect(sha256HexSync('')).toBe(reference(''));
  expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  for (let round = 0; round < 400; round++) {
    const length = Math.floor(random() ** 3 * 9000);
    const ascii = random() < 0.5;
    let text = '';
    for (let index = 0; index < length; index++) {
      text += ascii
        ? String.fromCharCode(32 + Math.floor(random() * 95))
        : alphabet[Math.floor(random() * alphabet.length)];
    }
    expect(sha256HexSync(text), `round ${round}`).toBe(reference(text));
  }
  // A long text after a short one: the reused buffer grows and old bytes don't leak in.
  const long = 'x'.repeat(70_000);
  expect(sha256HexSync(long)).toBe(reference(long));
  expect(sha256HexSync('short')).toBe(reference('short'));
});
