/** Writes `.br` and `.gz` beside every compressible file of a build, for the server to send as they are. */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { isCompressible } from '../static/content-types.ts';

const minimumBytes = 512;
/** Past this size brotli's best quality costs minutes (Pyodide's 9.6 MB wasm: 121 s at 11,
 *  4 s at 6, for 2.74 vs 3.15 MB); such files get quality 6. */
const largeBytes = 1024 * 1024;

function* files(folder: string): Generator<string> {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

const folder = process.argv[2] ?? 'dist';
let count = 0;
for (const file of files(folder)) {
  if (!isCompressible(extname(file)) || statSync(file).size < minimumBytes) continue;
  const content = readFileSync(file);
  writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
  writeFileSync(
    `${file}.br`,
    brotliCompressSync(content, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: content.length > largeBytes ? 6 : 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    }),
  );
  count += 1;
}
process.stdout.write(`precompressed ${count} files in ${folder}\n`);
