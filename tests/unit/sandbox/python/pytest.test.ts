import { beforeAll, describe, expect, test } from 'vitest';
import python from '../../../../sandbox/python/index.ts';
import type { CheckFile, CheckProgress, CheckReport } from '../../../../worker/checks/contract.ts';
import { pyodideAssetsWithPytest } from './assets.ts';

let assets: Map<string, ArrayBuffer | string>;

async function check(files: CheckFile[]): Promise<{ report: CheckReport; progress: CheckProgress[] }> {
  const progress: CheckProgress[] = [];
  const report = await python.run({ runtime: 'python', files, timeoutMs: 60_000, allowNetwork: false }, assets, (one) =>
    progress.push(one),
  );
  return { report, progress };
}

beforeAll(async () => {
  assets = await pyodideAssetsWithPytest();
}, 60_000);

describe('pytest suites', () => {
  test('fixtures, conftest, parametrize, classes, raises, approx, skip and xfail, with exact counts', async () => {
    const { report, progress } = await check([
      { path: 'calc.py', content: 'def add(a, b):\n    return a + b\n\n\ndef div(a, b):\n    return a / b\n' },
      { path: 'conftest.py', content: 'import pytest\n\n\n@pytest.fixture\ndef two():\n    return 2\n' },
      {
        path: 'tests/test_calc.py',
        content: [
          'import pytest',
          'from calc import add, div',
          '',
          '@pytest.fixture',
          'def numbers():',
          '    yield [1, 2, 3]',
          '',
          'def test_add(two):',
          '    assert add(two, 1) == 3',
          '',
          'def test_sum(numbers):',
          '    assert sum(numbers) == 6',
          '',
          '@pytest.mark.parametrize("a, b, total", [(1, 1, 2), (2, 3, 5), (-1, 1, 0)])',
          'def test_param(a, b, total):',
          '    assert add(a, b) == total',
          '',
          'class TestDiv:',
          '    def test_half(self):',
          '        assert div(1, 3) == pytest.approx(0.3333333)',
          '',
          '    def test_by_zero(self):',
          '        with pytest.raises(ZeroDivisionError):',
          '            div(1, 0)',
          '',
          '@pytest.mark.skip(reason="later")',
          'def test_later():',
          '    assert False',
          '',
          '@pytest.mark.xfail(reason="known bug")',
          'def test_known():',
          '    assert add(1, 1) == 3',
          '',
          'def test_tmp(tmp_path, capsys):',
          '    (tmp_path / "f.txt").write_text("x")',
          '    print("said")',
          '    assert capsys.readouterr().out == "said\\n"',
          '    assert (tmp_path / "f.txt").read_text() == "x"',
          '',
        ].join('\n'),
      },
      {
        path: 'tests/test_plain_unittest.py',
        content:
          'import unittest\n\nclass U(unittest.TestCase):\n    def test_u(self):\n        self.assertEqual(1, 1)\n',
      },
    ]);
    expect(report.outcome).toBe('completed');
    expect(report.command).toBe('python -m pytest');
    expect(report.counts).toEqual({ pass: 9, fail: 0, error: 0, skip: 1, todo: 1 });
    expect(report.cases.map((one) => one.name.join('::'))).toEqual([
      'test_add',
      'test_sum',
      'test_param[1-1-2]',
      'test_param[2-3-5]',
      'test_param[-1-1-0]',
      'TestDiv::test_half',
      'TestDiv::test_by_zero',
      'test_later',
      'test_known',
      'test_tmp',
      'U::test_u',
    ]);
    expect(report.cases.find((one) => one.status === 'skip')?.message).toBe('later');
    expect(report.cases.find((one) => one.status === 'todo')?.message).toContain('known bug');
    expect(report.files.map((one) => [one.file, one.status])).toEqual([
      ['tests/test_calc.py', 'pass'],
      ['tests/test_plain_unittest.py', 'pass'],
    ]);
    expect(progress.filter((one) => one.type === 'file-end')).toHaveLength(2);
  });

  test("a failing assert reports pytest's explanation and the line of the assert", async () => {
    const { report } = await check([
      {
        path: 'test_lists.py',
        content:
          'def helper():\n    return [1, 2]\n\n\ndef test_lists():\n    got = helper()\n    assert got == [1, 3]\n',
      },
    ]);
    expect(report.counts).toMatchObject({ pass: 0, fail: 1, error: 0 });
    const [failed] = report.cases;
    expect(failed?.message?.split('\n')[0]).toBe('assert [1, 2] == [1, 3]');
    expect(failed?.message).toContain('At index 1 diff: 2 != 3');
    expect(failed?.location).toMatchObject({ path: 'test_lists.py', line: 7 });
    expect(failed?.stack).toContain('test_lists.py:7: AssertionError');
    expect(failed?.stack).not.toContain('/home/pyodide');
  });

  test('an exception in a fixture is an error, not a failure', async () => {
    const { report } = await check([
      {
        path: 'test_fx.py',
        content:
          'import pytest\n\n@pytest.fixture\ndef broken():\n    raise RuntimeError("no db")\n\ndef test_uses(broken):\n    pass\n',
      },
    ]);
    expect(report.counts).toMatchObject({ pass: 0, fail: 0, error: 1 });
    expect(report.cases[0]?.message).toContain('RuntimeError: no db');
    expect(report.cases[0]?.location).toMatchObject({ path: 'test_fx.py', line: 5 });
  });

  test('a syntax error fails its file to collect, with its line; other files run', async () => {
    const { report } = await check([
      { path: 'test_bad.py', content: 'import pytest\n\ndef test_x(:\n    pass\n' },
      { path: 'test_good.py', content: 'def test_fine():\n    assert True\n' },
    ]);
    expect(report.outcome).toBe('completed');
    const bad = report.files.find((one) => one.file === 'test_bad.py');
    expect(bad?.status).toBe('error');
    expect(bad?.message).toContain('SyntaxError');
    expect(bad?.location).toMatchObject({ path: 'test_bad.py', line: 3 });
    expect(report.counts).toMatchObject({ pass: 1 });
  });

  test('a missing third-party module is not runnable, naming it', async () => {
    const { report } = await check([
      { path: 'test_np.py', content: 'import numpy_not_here as np\n\ndef test_np():\n    assert np\n' },
    ]);
    expect(report.outcome).toBe('not-runnable');
    expect(report.reason).toContain("'numpy_not_here'");
    expect(report.files[0]).toMatchObject({ file: 'test_np.py', status: 'error' });
  });
});
