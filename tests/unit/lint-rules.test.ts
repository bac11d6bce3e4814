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

test('tables built by Object.fromEntries or read by JSON.parse are errors: their keys reach Object.prototype too', async () => {
  const broken = await rulesBroken(
    'worker/api.ts',
    [
      'declare const entries: [string, number][];',
      'declare const text: string;',
      'declare const name: string;',
      'const built = Object.fromEntries(entries);',
      'const typed: Record<string, number> = Object.fromEntries(entries);',
      'const indexed: { [name: string]: number } = Object.fromEntries(entries);',
      'const cast = Object.fromEntries(entries) as Record<string, number>;',
      'const parsed = JSON.parse(text) as Record<string, string>;',
      'const twice = JSON.parse(text) as unknown as Record<string, string>;',
      'const parsedIndexed = JSON.parse(text) as { [name: string]: string };',
      'const parsedTyped: Record<string, string> = JSON.parse(text);',
      'const straight = Object.fromEntries(entries)[name];',
      'const inline = JSON.parse(text)[name];',
      'export const all = [built, typed, indexed, cast, parsed, twice, parsedIndexed, parsedTyped, straight, inline];',
    ].join('\n'),
  );
  const ours = broken.filter((message) => message.startsWith('no-restricted-syntax'));
  expect(ours).toEqual([
    expect.stringContaining('A table built by Object.fromEntries'),
    expect.stringContaining('A string-keyed plain object used as a table'),
    expect.stringContaining('A string-indexed plain object used as a table'),
    expect.stringContaining('Object.fromEntries or JSON.parse cast to a string-keyed Record'),
    expect.stringContaining('Object.fromEntries or JSON.parse cast to a string-keyed Record'),
    expect.stringContaining('Object.fromEntries or JSON.parse cast to a string-keyed Record'),
    expect.stringContaining('Object.fromEntries or JSON.parse cast to a string-indexed object'),
    expect.stringContaining('A string-keyed plain object used as a table'),
    expect.stringContaining('A lookup straight into Object.fromEntries or JSON.parse'),
    expect.stringContaining('A lookup straight into Object.fromEntries or JSON.parse'),
  ]);
});

test('Maps, closed-key Records and schema-checked JSON built the same ways pass', async () => {
  const broken = await rulesBroken(
    'worker/api.ts',
    [
      'declare const entries: [string, number][];',
      "declare const closedEntries: ['a' | 'b', number][];",
      'declare const text: string;',
      'const map = new Map(entries);',
      "const closed: Record<'a' | 'b', number> = Object.fromEntries(closedEntries) as Record<'a' | 'b', number>;",
      'const value: unknown = JSON.parse(text);',
      'const list = JSON.parse(text) as string[];',
      'export const all = [map, closed, value, list, { nested: Object.fromEntries(entries) }];',
    ].join('\n'),
  );
  expect(broken.filter((message) => message.startsWith('no-restricted-syntax'))).toEqual([]);
});
