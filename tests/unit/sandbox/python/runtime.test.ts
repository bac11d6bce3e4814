import { beforeAll, describe, expect, test } from 'vitest';
import python from '../../../../sandbox/python/index.ts';
import type { CheckFile, CheckProgress, CheckReport } from '../../../../worker/checks/contract.ts';
import { pyodideAssets } from './assets.ts';

/**
 * The Python runtime under Node, with Pyodide's files handed over as the page would.
 * Pyodide loads once for this file (the first run, in beforeAll); every test after it
 * runs in the same interpreter, so they also prove that one run leaves nothing behind.
 */

const assets = pyodideAssets();

async function check(
  files: CheckFile[],
  testFiles?: string[],
): Promise<{ report: CheckReport; progress: CheckProgress[] }> {
  const progress: CheckProgress[] = [];
  const report = await python.run(
    { runtime: 'python', files, testFiles, timeoutMs: 60_000, allowNetwork: false },
    assets,
    (one) => progress.push(one),
  );
  return { report, progress };
}

const calc = {
  path: 'calc/__init__.py',
  content: 'def add(a, b):\n    return a + b\n\n\ndef div(a, b):\n    return a / b\n',
};

beforeAll(async () => {
  const { report } = await check([{ path: 'test_warmup.py', content: 'import unittest\n' }]);
  expect(report.outcome).toBe('completed');
}, 120_000);

describe('unittest suites', () => {
  test('a passing suite reports every case by class and method, and the command', async () => {
    const { report, progress } = await check([
      calc,
      {
        path: 'tests/test_calc.py',
        content: [
          'import unittest',
          'from calc import add, div',
          '',
          'class AddTest(unittest.TestCase):',
          '    def test_small(self):',
          '        self.assertEqual(add(1, 2), 3)',
          '',
          '    def test_negative(self):',
          '        self.assertEqual(add(-1, -2), -3)',
          '',
          'class DivTest(unittest.TestCase):',
          '    def test_half(self):',
          '        self.assertAlmostEqual(div(1, 2), 0.5)',
          '',
          '    @unittest.skip("not today")',
          '    def test_skipped(self):',
          '        pass',
          '',
          '    def test_by_zero(self):',
          '        with self.assertRaises(ZeroDivisionError):',
          '            div(1, 0)',
          '',
        ].join('\n'),
      },
      {
        path: 'tests/test_more.py',
        content:
          'import unittest\n\nclass More(unittest.TestCase):\n    def test_one(self):\n        self.assertTrue(True)\n',
      },
      { path: 'README.md', content: '# calc\n' },
    ]);
    expect(report.outcome).toBe('completed');
    expect(report.command).toBe('python -m unittest');
    expect(report.counts).toEqual({ pass: 5, fail: 0, error: 0, skip: 1, todo: 0 });
    expect(report.cases.map((one) => one.name.join('.')).sort()).toEqual([
      'AddTest.test_negative',
      'AddTest.test_small',
      'DivTest.test_by_zero',
      'DivTest.test_half',
      'DivTest.test_skipped',
      'More.test_one',
    ]);
    expect(report.cases.find((one) => one.status === 'skip')?.message).toBe('not today');
    expect(report.files.map((one) => [one.file, one.status])).toEqual([
      ['tests/test_calc.py', 'pass'],
      ['tests/test_more.py', 'pass'],
    ]);
    expect(
      progress.filter((one) => one.type === 'file-start').map((one) => one.type === 'file-start' && one.file),
    ).toEqual(['tests/test_calc.py', 'tests/test_more.py']);
    expect(progress.filter((one) => one.type === 'case')).toHaveLength(6);
  });

  test('a failing assertion names its message and the line in the test file', async () => {
    const { report } = await check([
      calc,
      {
        path: 'tests/test_calc.py',
        content:
          'import unittest\nfrom calc import add\n\n\nclass AddTest(unittest.TestCase):\n    def test_off(self):\n        self.assertEqual(add(2, 2), 5)\n',
      },
    ]);
    expect(report.counts).toMatchObject({ pass: 0, fail: 1, error: 0 });
    const [failed] = report.cases;
    expect(failed?.message).toBe('AssertionError: 4 != 5');
    expect(failed?.location).toEqual({ path: 'tests/test_calc.py', line: 7, column: 9 });
    expect(failed?.stack).toContain('File "tests/test_calc.py", line 7, in test_off');
    expect(failed?.stack).not.toContain('/home/pyodide');
    expect(report.files[0]?.status).toBe('fail');
  });

  test('an exception in the code under test is an error located in that code', async () => {
    const { report } = await check([
      calc,
      {
        path: 'test_div.py',
        content:
          'import unittest\nfrom calc import div\n\nclass D(unittest.TestCase):\n    def test_zero(self):\n        div(1, 0)\n',
      },
    ]);
    expect(report.counts).toMatchObject({ error: 1 });
    expect(report.cases[0]?.message).toBe('ZeroDivisionError: division by zero');
    expect(report.cases[0]?.location).toMatchObject({ path: 'calc/__init__.py', line: 6 });
  });

  test('a file with a syntax error fails to load, with its line; the other files still run', async () => {
    const { report } = await check([
      { path: 'test_broken.py', content: 'import unittest\n\ndef oops(:\n    pass\n' },
      {
        path: 'test_fine.py',
        content: 'import unittest\n\nclass F(unittest.TestCase):\n    def test_ok(self):\n        pass\n',
      },
    ]);
    expect(report.outcome).toBe('completed');
    const broken = report.files.find((one) => one.file === 'test_broken.py');
    expect(broken?.status).toBe('error');
    expect(broken?.message).toContain('SyntaxError');
    expect(broken?.location).toMatchObject({ path: 'test_broken.py', line: 3 });
    expect(report.counts).toMatchObject({ pass: 1 });
  });

  test('a third-party module Pyodide lacks makes the run not runnable, naming the module', async () => {
    const { report } = await check([
      { path: 'app.py', content: 'import requests\n\ndef get():\n    return requests.get("x")\n' },
      {
        path: 'test_app.py',
        content: 'import unittest\nimport app\n\nclass A(unittest.TestCase):\n    def test_get(self):\n        pass\n',
      },
    ]);
    expect(report.outcome).toBe('not-runnable');
    expect(report.reason).toContain("'requests'");
    expect(report.files[0]).toMatchObject({ file: 'test_app.py', status: 'error' });
    expect(report.counts.pass).toBe(0);
  });

  test("a missing module of the project itself is the project's error, not a missing dependency", async () => {
    const { report } = await check([
      { path: 'pkg/__init__.py', content: '' },
      { path: 'test_pkg.py', content: 'import unittest\nfrom pkg import nothing_here\n' },
    ]);
    expect(report.outcome).toBe('completed');
    expect(report.files[0]).toMatchObject({ status: 'error' });
    expect(report.files[0]?.message).toContain('ImportError');
  });

  test('stdout and stderr are captured in order, and sent as output progress', async () => {
    const { report, progress } = await check([
      {
        path: 'test_out.py',
        content:
          'import sys, unittest\n\nclass O(unittest.TestCase):\n    def test_says(self):\n        print("to stdout")\n        print("to stderr", file=sys.stderr)\n        print("again")\n',
      },
    ]);
    expect(report.output).toBe('to stdout\nto stderr\nagain\n');
    const streamed = progress.flatMap((one) => (one.type === 'output' ? [one.stream, one.text] : []));
    expect(streamed).toEqual(['stdout', 'to stdout\n', 'stderr', 'to stderr\n', 'stdout', 'again\n']);
  });

  test('output past the cap is cut and says so', async () => {
    const { report } = await check([
      {
        path: 'test_loud.py',
        content:
          'import unittest\n\nclass L(unittest.TestCase):\n    def test_loud(self):\n        for i in range(20000):\n            print("line", i)\n',
      },
    ]);
    expect(report.counts.pass).toBe(1);
    expect(report.output.length).toBeLessThan(66 * 1024);
    expect(report.output).toContain('[output cut at 64 KB]');
  });

  test('hostile names stay data', async () => {
    const { report } = await check([
      {
        path: 'test___proto__.py',
        content: [
          'import unittest',
          '',
          'class constructor(unittest.TestCase):',
          '    def test___proto__(self):',
          '        pass',
          '',
          '    def test_toString(self):',
          '        self.fail("__proto__")',
          '',
          'class __proto__(unittest.TestCase):',
          '    def test_hasOwnProperty(self):',
          '        pass',
          '',
        ].join('\n'),
      },
    ]);
    expect(report.counts).toMatchObject({ pass: 2, fail: 1 });
    expect(report.cases.map((one) => one.name)).toEqual([
      ['__proto__', 'test_hasOwnProperty'],
      ['constructor', 'test___proto__'],
      ['constructor', 'test_toString'],
    ]);
    expect(report.cases[2]?.message).toBe('AssertionError: __proto__');
    expect(Object.getPrototypeOf(report.cases[0])).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['test___proto__']).toBeUndefined();
  });

  test('one run leaves nothing for the next: modules, files and builtins are fresh', async () => {
    const first = await check([
      { path: 'shared.py', content: 'VALUE = 1\n' },
      {
        path: 'test_a.py',
        content:
          'import builtins, unittest, shared\nbuiltins.leak = True\n\nclass A(unittest.TestCase):\n    def test_v(self):\n        self.assertEqual(shared.VALUE, 1)\n',
      },
    ]);
    expect(first.report.counts.pass).toBe(1);
    const second = await check([
      { path: 'shared.py', content: 'VALUE = 2\n' },
      {
        path: 'test_b.py',
        content:
          'import builtins, os, unittest, shared\n\nclass B(unittest.TestCase):\n    def test_v(self):\n        self.assertEqual(shared.VALUE, 2)\n    def test_clean(self):\n        self.assertFalse(hasattr(builtins, "leak"))\n        self.assertFalse(os.path.exists("test_a.py"))\n',
      },
    ]);
    expect(second.report.counts).toMatchObject({ pass: 2, fail: 0 });
  });

  test('only the requested test files run when the request names them', async () => {
    const { report } = await check(
      [
        {
          path: 'test_one.py',
          content: 'import unittest\n\nclass One(unittest.TestCase):\n    def test_x(self):\n        pass\n',
        },
        {
          path: 'test_two.py',
          content: 'import unittest\n\nclass Two(unittest.TestCase):\n    def test_x(self):\n        pass\n',
        },
      ],
      ['test_two.py'],
    );
    expect(report.cases.map((one) => one.name[0])).toEqual(['Two']);
  });

  test('a project without test files is not runnable, and says so', async () => {
    const { report } = await check([calc]);
    expect(report.outcome).toBe('not-runnable');
    expect(report.reason).toMatch(/no Python test files/);
  });

  test('a pytest suite, in a build without pytest, is not runnable and says why (never passed)', async () => {
    const { report } = await check([{ path: 'test_p.py', content: 'def test_p():\n    assert True\n' }]);
    expect(report.outcome).toBe('not-runnable');
    expect(report.reason).toMatch(/needs pytest .*test_p\.py has test functions/);
    expect(report.command).toBe('python -m pytest');
    expect(report.counts.pass).toBe(0);
  });
});

describe('the memory bound', () => {
  test('an allocation past the limit ends the run as out of memory, with the cases before it', async () => {
    const { report } = await check([
      {
        path: 'test_big.py',
        content: [
          'import unittest',
          '',
          '',
          'class Big(unittest.TestCase):',
          '    def test_a_small(self):',
          '        self.assertEqual(len(bytearray(1024)), 1024)',
          '',
          '    def test_b_huge(self):',
          '        block = bytearray(1024 * 1024 * 1024)',
          '        self.assertEqual(len(block), 1024 * 1024 * 1024)',
          '',
        ].join('\n'),
      },
    ]);
    expect(report.outcome).toBe('out-of-memory');
    expect(report.reason).toMatch(/^Ran out of memory: the run asked for \d+ MB, more than the 512 MB/);
    expect(report.cases.map((one) => [one.name.at(-1), one.status])).toEqual([
      ['test_a_small', 'pass'],
      ['test_b_huge', 'error'],
    ]);
    expect(report.cases[1]?.message).toContain('MemoryError');
  });

  test('the next run is not marked by the last one: it completes', async () => {
    const { report } = await check([
      calc,
      {
        path: 'test_ok.py',
        content:
          'import unittest\nfrom calc import add\n\n\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(1, 1), 2)\n',
      },
    ]);
    expect(report.outcome).toBe('completed');
    expect(report.counts.pass).toBe(1);
  });
});
