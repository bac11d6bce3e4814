import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const distDir = join(repoRoot, 'dist');
const stampFile = join(distDir, '.build-stamp');
const inputs = [
  'web',
  'worker',
  'sandbox',
  'vite.config.ts',
  'package-lock.json',
  'server/build/precompress.ts',
  'server/build/sandbox-plugin.ts',
  'server/build/python-assets.ts',
  'server/build/python-snapshot.ts',
];

function* walk(path: string): Generator<string> {
  if (!existsSync(path)) return;
  if (statSync(path).isFile()) {
    yield path;
    return;
  }
  for (const entry of readdirSync(path).sort()) yield* walk(join(path, entry));
}

/** A hash of everything the built app is made from. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const input of inputs) {
    for (const file of walk(join(repoRoot, input))) {
      hash.update(relative(repoRoot, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

/** Whether `dist/` was built from the sources as they are now. */
export function isBuildFresh(): boolean {
  return (
    existsSync(join(distDir, 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === sourceHash()
  );
}

export function writeBuildStamp(): void {
  writeFileSync(stampFile, sourceHash());
}
