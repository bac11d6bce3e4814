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

/** A caller that meters a call by hand: reserve, settle and release with the governor, choose and learn with the chooser. */
const byHand = [
  "import type { CostGovernor, CostReservation } from '../../budget/index.ts';",
  "import type { Usage } from '../../providers/contract/usage.ts';",
  "import type { ModelChooser, RouteRequest } from '../model-choice.ts';",
  'declare const deps: { governor: CostGovernor; chooser: ModelChooser };',
  'declare const governor: CostGovernor;',
  'declare const reservation: CostReservation;',
  'declare const usage: Usage;',
  'declare const request: RouteRequest;',
  "const reserved = deps.governor.reserve({ armId: 'a', inputPricePerMillion: 1, outputPricePerMillion: 1, input: { utf8Bytes: 1 }, maxOutputTokens: 1 });",
  'const settled = governor.settle(reservation, usage);',
  'governor.release(reservation);',
  'const chosen = deps.chooser.choose(request, []);',
  'if (chosen.ok) deps.chooser.observe(request.preference, chosen.choice.decision, { quality: 1, costUsd: 0, latencyMs: 1 });',
  'if (chosen.ok) deps.chooser.cancel(request.preference, chosen.choice.decision);',
  'export const all = [reserved, settled, deps.governor.status()];',
].join('\n');

test('only the metered call reserves, settles or releases, or chooses, observes or withdraws a route', async () => {
  const ours = (messages: string[]) => messages.filter((message) => message.startsWith('no-restricted-syntax'));
  expect(ours(await rulesBroken('worker/orchestrator/chat.ts', byHand))).toEqual([
    expect.stringContaining('Only the metered call (orchestrator/calls/metered-call.ts) reserves, settles or releases'),
    expect.stringContaining('Only the metered call (orchestrator/calls/metered-call.ts) reserves, settles or releases'),
    expect.stringContaining('Only the metered call (orchestrator/calls/metered-call.ts) reserves, settles or releases'),
    expect.stringContaining('Only the metered call (orchestrator/calls/metered-call.ts) chooses a model'),
    expect.stringContaining('Only the metered call (orchestrator/calls/metered-call.ts) chooses a model'),
    expect.stringContaining('Only the metered call (orchestrator/calls/metered-call.ts) chooses a model'),
  ]);
  expect(ours(await rulesBroken('worker/orchestrator/calls/metered-call.ts', byHand))).toEqual([]);
});

test('a cast to AgentRole is an error: the team table keeps each answer typed', async () => {
  const broken = await rulesBroken(
    'worker/orchestrator/task-launch.ts',
    [
      "import type { AgentRole } from '../agents/index.ts';",
      'declare const agent: AgentRole<string>;',
      'export const loose = agent as unknown as AgentRole<unknown>;',
      'export const typed: AgentRole<string> = agent;',
    ].join('\n'),
  );
  expect(broken.filter((message) => message.startsWith('no-restricted-syntax'))).toEqual([
    expect.stringContaining('A cast to AgentRole'),
  ]);
});
