import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CheckAssets } from '../../../../worker/checks/contract.ts';
import { pythonAssets } from '../../../../sandbox/python/assets.ts';
import { pytestArchive } from '../../../../server/build/python-assets.ts';

/** The Python runtime's assets as the page would hand them over, read from node_modules. */
export function pyodideAssets(): Map<string, ArrayBuffer | string> {
  const folder = dirname(createRequire(import.meta.url).resolve('pyodide/package.json'));
  const bytes = (name: string): ArrayBuffer => {
    const buffer = readFileSync(join(folder, name));
    return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  };
  return new Map<string, ArrayBuffer | string>([
    [pythonAssets.glue, readFileSync(join(folder, pythonAssets.glue), 'utf8')],
    [pythonAssets.wasm, bytes(pythonAssets.wasm)],
    [pythonAssets.stdlib, bytes(pythonAssets.stdlib)],
    [pythonAssets.lock, readFileSync(join(folder, pythonAssets.lock), 'utf8')],
  ]);
}

export type { CheckAssets };

/** The assets with pytest packed as the build packs it (from Debian's python3-pytest). */
export async function pyodideAssetsWithPytest(): Promise<Map<string, ArrayBuffer | string>> {
  const archive = await pytestArchive();
  if (archive === undefined)
    throw new Error(
      "No pytest to pack: install Debian's python3-pytest (apt-get install python3-pytest), as .ci/run does.",
    );
  const assets = pyodideAssets();
  assets.set(
    pythonAssets.pytest,
    archive.buffer.slice(archive.byteOffset, archive.byteOffset + archive.byteLength) as ArrayBuffer,
  );
  return assets;
}
