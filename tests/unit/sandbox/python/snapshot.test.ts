import { describe, expect, test } from 'vitest';
import { pythonAssets } from '../../../../sandbox/python/assets.ts';
import python from '../../../../sandbox/python/index.ts';
import * as load from '../../../../sandbox/python/load.ts';
import { pythonSnapshot } from '../../../../server/build/python-assets.ts';
import type { CheckProgress } from '../../../../worker/checks/contract.ts';
import { pyodideAssets } from './assets.ts';

/**
 * Python's start-up snapshot: made as the build makes it (a child process running
 * server/build/python-snapshot.ts), then the runtime starts from it and runs a suite as
 * it does from scratch; a snapshot that does not fit falls back to the ordinary start.
 */

const suite = [
  { path: 'calc.py', content: 'def add(a, b):\n    return a + b\n' },
  {
    path: 'test_calc.py',
    content:
      'import unittest\nfrom calc import add\n\n\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(2, 3), 5)\n\n    def test_wrong(self):\n        self.assertEqual(add(2, 2), 5)\n',
  },
];

describe('the start-up snapshot', () => {
  test('the runtime starts from the build snapshot, handed over as Blobs, and reports the suite exactly', async () => {
    const logged: string[] = [];
    const snapshot = pythonSnapshot((line) => logged.push(line));
    expect(logged).toEqual([]);
    expect(snapshot?.byteLength).toBeGreaterThan(1_000_000);
    // As the page hands them over: every file a Blob, read by the runtime when it needs it.
    const assets = new Map<string, Blob>();
    for (const [name, content] of pyodideAssets()) assets.set(name, new Blob([content]));
    assets.set(pythonAssets.snapshot, new Blob([new Uint8Array(snapshot!)]));
    const prepared = python.prepare?.(assets);
    await prepared;
    expect(load.startedFrom).toBe('snapshot');
    const progress: CheckProgress[] = [];
    const report = await python.run(
      { runtime: 'python', files: suite, timeoutMs: 60_000, allowNetwork: false },
      assets,
      (one) => progress.push(one),
    );
    expect(report.outcome).toBe('completed');
    expect(report.counts).toMatchObject({ pass: 1, fail: 1 });
    expect(report.cases.find((one) => one.status === 'fail')?.message).toContain('4 != 5');
  }, 300_000);

  test('a snapshot that does not fit the interpreter falls back to starting from scratch', async () => {
    const assets = pyodideAssets();
    assets.set(pythonAssets.snapshot, new Uint8Array(4096).fill(7).buffer);
    const pyodide = await load.startPyodide(assets);
    expect(load.startedFrom).toBe('scratch');
    expect(pyodide.runPython('6 * 7')).toBe(42);
  }, 300_000);
});
