import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { drawIcon, iconFiles, iconSvg } from '../../server/build/icons/draw.ts';
import { decodePng, encodePng } from '../../server/build/icons/png.ts';

const folder = join(import.meta.dirname, '..', '..', 'web', 'public', 'icons');

test('the PNG encoder round-trips pixels', () => {
  const image = { width: 3, height: 2, pixels: Uint8Array.from({ length: 24 }, (_, i) => (i * 37) % 256) };
  expect(decodePng(encodePng(image))).toEqual(image);
});

test('the committed icons are exactly what `npm run icons` draws, at their stated sizes', () => {
  for (const [name, shape] of Object.entries(iconFiles)) {
    const committed = decodePng(readFileSync(join(folder, name)));
    expect({ name, width: committed.width, height: committed.height }).toEqual({
      name,
      width: shape.size,
      height: shape.size,
    });
    expect(Buffer.from(committed.pixels).equals(Buffer.from(drawIcon(shape).pixels)), name).toBe(true);
  }
  expect(readFileSync(join(folder, 'favicon.svg'), 'utf8')).toBe(iconSvg());
}, 30_000);

test('maskable and Apple icons are opaque to the edge; the plain icons have transparent corners', () => {
  const alphaAt = (name: string, x: number, y: number) => {
    const image = decodePng(readFileSync(join(folder, name)));
    return image.pixels[(y * image.width + x) * 4 + 3];
  };
  expect(alphaAt('icon-maskable-512.png', 0, 0)).toBe(255);
  expect(alphaAt('apple-touch-icon.png', 0, 0)).toBe(255);
  expect(alphaAt('icon-512.png', 0, 0)).toBe(0);
  expect(alphaAt('icon-192.png', 96, 96)).toBe(255);
});
