/**
 * Makes the Python runtime's start-up snapshot (`sandbox/python/python-snapshot.bin`):
 * Pyodide started under Node exactly as the sandbox starts it (`sandbox/python/load.ts`,
 * from the same package files), the harness's standard-library modules imported, and its
 * memory written out. The sandbox restores Python from it instead of initialising it,
 * which is most of Python's cold start (about 17 s against 2 s under Node on a loaded
 * two-core machine).
 *
 * Run as its own process (`node --import tsx server/build/python-snapshot.ts <out>`):
 * Pyodide under Node sets globals (`require`) that a build process should not get.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pythonAssets, snapshotModules } from '../../sandbox/python/assets.ts';
import { startPyodide } from '../../sandbox/python/load.ts';
import { pyodideFolder } from './python-assets.ts';

function bytes(path: string): ArrayBuffer {
  const buffer = readFileSync(path);
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
}

/** Starts Python for a snapshot and returns its memory image. */
export async function makeSnapshot(): Promise<Uint8Array> {
  const folder = pyodideFolder();
  const assets = new Map<string, ArrayBuffer | string>([
    [pythonAssets.glue, readFileSync(join(folder, pythonAssets.glue), 'utf8')],
    [pythonAssets.wasm, bytes(join(folder, pythonAssets.wasm))],
    [pythonAssets.stdlib, bytes(join(folder, pythonAssets.stdlib))],
    [pythonAssets.lock, readFileSync(join(folder, pythonAssets.lock), 'utf8')],
  ]);
  const pyodide = await startPyodide(assets, { makeSnapshot: true });
  pyodide.runPython(snapshotModules.map((name) => `import ${name}`).join('\n'));
  return pyodide.makeMemorySnapshot();
}

const out = process.argv[2];
if (out !== undefined && process.argv[1]?.endsWith('python-snapshot.ts')) {
  writeFileSync(out, await makeSnapshot());
}
