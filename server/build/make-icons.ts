/** Writes the app's icons into web/public/icons/ from the geometry in ./icons/draw.ts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { drawIcon, iconFiles, iconSvg } from './icons/draw.ts';
import { encodePng } from './icons/png.ts';

const folder = join(import.meta.dirname, '..', '..', 'web', 'public', 'icons');
mkdirSync(folder, { recursive: true });
for (const [name, shape] of Object.entries(iconFiles)) {
  writeFileSync(join(folder, name), encodePng(drawIcon(shape)));
}
writeFileSync(join(folder, 'favicon.svg'), iconSvg());
process.stdout.write(`icons written to ${folder}\n`);
