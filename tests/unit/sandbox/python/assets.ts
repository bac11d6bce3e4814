import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CheckAssets } from '../../../../worker/checks/contract.ts';
import { pythonAssets } from '../../../../sandbox/python/assets.ts';

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
