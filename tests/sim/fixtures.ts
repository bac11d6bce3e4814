import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const directory = fileURLToPath(new URL('../fixtures/providers/', import.meta.url));

/** The `data:` payloads of a recorded stream, one per server-sent event. */
export function readChunks(name: string): string[] {
  return readFileSync(`${directory}${name}.chunks.txt`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

export function readJson(name: string): string {
  return readFileSync(`${directory}${name}.json`, 'utf8');
}
