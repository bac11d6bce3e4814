import { expect, test } from 'vitest';
import { detectSuite, isJsTestFile } from '../../../worker/checks/detect.ts';
import { importsOf, reachable } from '../../../worker/checks/import-graph.ts';
import { sanitizeReport } from '../../../worker/checks/sanitize.ts';
import { describeCheck } from '../../../worker/query/describe-check.ts';
import { scoreTested } from '../../../worker/artifacts/quality.ts';

const none = { pass: 0, fail: 0, error: 0, skip: 0, todo: 0 };

test('the runtime is the one most test files are written for, and none without tests', () => {
  expect(detectSuite(['src/a.js', 'test/a.test.js', 'b.spec.ts'])).toEqual({
    runtime: 'node',
    testFiles: ['b.spec.ts', 'test/a.test.js'],
  });
  expect(detectSuite(['notes.py', 'test_notes.py', 'tests/test_api.py', 'conftest.py'])?.runtime).toBe('python');
  expect(detectSuite(['src/a.js', 'index.html', 'node_modules/x/test/a.test.js'])).toBeNull();
});

test('source files whose names end in "test" are not tests; a-test, a_test and a.test are', () => {
  for (const source of ['src/latest.js', 'src/contest.ts', 'greatest.mjs', 'src/attest.jsx'])
    expect(isJsTestFile(source), source).toBe(false);
  for (const test of ['a-test.js', 'a_test.ts', 'src/a.test.mjs', 'b.spec.ts', 'test/x.js'])
    expect(isJsTestFile(test), test).toBe(true);
});

test('a report from the sandbox is read as untrusted data: bounded, typed, never trusted for its shape', () => {
  const hostile = {
    outcome: 'completed',
    counts: { pass: -5, fail: 'many', __proto__: { polluted: true } },
    durationMs: Number.NaN,
    command: 'x'.repeat(1000),
    output: 'y'.repeat(300 * 1024),
    files: [{ file: '../../etc/passwd', status: 'exploded' }, 42, null],
    cases: [
      { file: 'test/a.test.js', name: ['suite', 'case'], status: 'pass', durationMs: 3 },
      {
        file: 'test/a.test.js',
        name: '__proto__',
        status: 'fail',
        message: 'm'.repeat(5000),
        location: { path: 'src/a.js', line: 0 },
      },
      { file: '', name: ['no file'], status: 'pass' },
      { file: 'test/b.test.js', name: [], status: 'pass' },
      'constructor',
    ],
  };
  const { payload, output } = sanitizeReport(hostile, 'node');
  expect(payload.outcome).toBe('completed');
  expect(payload.cases).toHaveLength(2);
  expect(payload.cases[1]).toMatchObject({ name: ['__proto__'], status: 'fail' });
  expect(payload.cases[1]?.message).toHaveLength(2000);
  expect(payload.cases[1]?.location).toBeUndefined();
  expect(payload.counts).toEqual({ pass: 1, fail: 1, error: 1, skip: 0, todo: 0 });
  expect(payload.files).toEqual([{ file: '../../etc/passwd', status: 'error', durationMs: 0 }]);
  expect(payload.command).toHaveLength(200);
  expect(payload.durationMs).toBe(0);
  expect(output).toHaveLength(256 * 1024);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();

  expect(sanitizeReport('not a report', 'python').payload).toMatchObject({ outcome: 'crashed', runtime: 'python' });
  expect(sanitizeReport({ outcome: 'passed-for-sure' }, 'node').payload.outcome).toBe('crashed');
});

test('imports are read from JavaScript, TypeScript and Python sources, only where they reach project files', () => {
  const files = new Set(['src/range.ts', 'src/index.js', 'lib/util/__init__.py', 'lib/util/text.py', 'app.py']);
  expect(
    importsOf('test/a.test.js', "import { range } from '../src/range.js';\nconst x = require('lodash');", files),
  ).toEqual(['src/range.ts']);
  expect(importsOf('test/b.test.js', "const m = await import('../src');", files)).toEqual(['src/index.js']);
  expect(importsOf('tests/test_app.py', 'from lib.util import text\nimport app\nimport os\n', files).sort()).toEqual([
    'app.py',
    'lib/util/__init__.py',
    'lib/util/text.py',
  ]);
  expect(importsOf('test/c.test.js', "import x from '../../../outside.js';", files)).toEqual([]);
  const contents = new Map([
    ['test/a.test.js', "import '../src/a.js';"],
    ['src/a.js', "export * from './b.js';"],
    ['src/b.js', "import './a.js';"],
  ]);
  expect([...(reachable(['test/a.test.js'], contents).get('test/a.test.js') ?? [])].sort()).toEqual([
    'src/a.js',
    'src/b.js',
    'test/a.test.js',
  ]);
});

test('a run is said in one sentence, and a run that did not finish never reads as passed', () => {
  expect(describeCheck('completed', { ...none, pass: 12 }, null)).toBe('12 of 12 tests pass.');
  expect(describeCheck('completed', { ...none, pass: 1 }, null)).toBe('1 of 1 test passes.');
  expect(describeCheck('completed', { ...none, pass: 11, fail: 1, skip: 2 }, null)).toBe(
    '11 of 12 tests pass; 1 fails (2 tests skipped).',
  );
  expect(describeCheck('completed', none, null)).toBe('No tests ran.');
  const timedOut = describeCheck(
    'timed-out',
    { ...none, pass: 3 },
    'Stopped after 5 s: the run reached its time limit.',
  );
  expect(timedOut).toBe('Stopped after 5 s: the run reached its time limit. Before that, 3 of 3 tests passed.');
  expect(describeCheck('not-runnable', none, null)).not.toMatch(/pass/);
});

test('the tests factor of a task is the share of the tests touching its files that pass, in one formula', () => {
  const signals = { validation: 0.7, files: 1, review: 1, tests: 1 };
  const scored = scoreTested(signals, { passed: 11, total: 12 });
  expect(scored.signals['tests']).toBeCloseTo(11 / 12);
  expect(scored.score).toBeCloseTo(0.7 * (11 / 12));
  expect(scoreTested(signals, { passed: 0, total: 3 }).score).toBe(0);
  expect(scoreTested(signals, { passed: 5, total: 0 }).signals['tests']).toBe(1);
});
