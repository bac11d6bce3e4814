import { ESLint } from 'eslint';
import { join } from 'node:path';
import { expect, test, vi } from 'vitest';

const repoRoot = join(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: repoRoot });
// The first lint builds the TypeScript program for type-aware rules: seconds, not milliseconds.
vi.setConfig({ testTimeout: 60_000 });

/** Lints `code` as if it were the contents of `file` (an existing file, so type-aware rules run). */
async function rulesBroken(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? 'parse'}: ${message.message}`);
}

test('web/ may not import Dexie, nor values from worker internals', async () => {
  const broken = await rulesBroken(
    'web/main.tsx',
    [
      "import Dexie from 'dexie';",
      "import { OrchestraDb } from '../worker/db/database.ts';",
      'export const both = [Dexie, OrchestraDb];',
    ].join('\n'),
  );
  expect(broken).toEqual([
    expect.stringContaining("@typescript-eslint/no-restricted-imports: 'dexie' import is restricted"),
    expect.stringContaining(
      "@typescript-eslint/no-restricted-imports: '../worker/db/database.ts' import is restricted",
    ),
  ]);
});

test('web/ may import types from the worker API, and values from the read-only query module', async () => {
  const broken = await rulesBroken(
    'web/main.tsx',
    [
      "import type { WorkerApi } from '../worker/api.ts';",
      "import { describeEvent } from '../worker/query/index.ts';",
      'export type Api = WorkerApi;',
      'export const describe = describeEvent;',
    ].join('\n'),
  );
  expect(broken).toEqual([]);
});

test('floating promises, `any` and stray console calls are errors everywhere', async () => {
  const broken = await rulesBroken(
    'worker/api.ts',
    ['export const loose: any = 1;', 'console.log(loose);', 'Promise.resolve(loose);'].join('\n'),
  );
  expect(broken).toEqual([
    expect.stringContaining('@typescript-eslint/no-explicit-any'),
    expect.stringContaining('no-console'),
    expect.stringContaining('@typescript-eslint/no-floating-promises'),
  ]);
});

test('a string-keyed plain object used as a table is an error: model text would reach Object.prototype', async () => {
  const broken = await rulesBroken(
    'worker/api.ts',
    [
      "const byName: Readonly<Record<string, string>> = { ts: 'typescript' };",
      'const indexed: { [name: string]: number } = { a: 1 };',
      "const closed: Record<'a' | 'b', number> = { a: 1, b: 2 };",
      "const map: ReadonlyMap<string, string> = new Map([['ts', 'typescript']]);",
      "export const all = [byName['constructor'], indexed['__proto__'], closed.a, map.get('ts')];",
    ].join('\n'),
  );
  expect(broken).toEqual([
    expect.stringContaining('no-restricted-syntax: A string-keyed plain object'),
    expect.stringContaining('no-restricted-syntax: A string-indexed plain object'),
  ]);
});
