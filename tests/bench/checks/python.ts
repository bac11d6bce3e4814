import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { distDir } from '../../../server/build/build-stamp.ts';
import type { CheckFile, CheckReport, CheckRequest } from '../../../worker/checks/contract.ts';
import { launchProfile } from '../../e2e/harness/browser.ts';
import { startServer } from '../../e2e/harness/server.ts';
import { type BenchResult, median, withBaseline } from '../result.ts';

/**
 * The Python runtime in real Chromium, through the app's real sandbox frame: a small
 * unittest project (12 cases), cold (a fresh profile: the runtime and Pyodide fetched,
 * the frame made, Pyodide started) and warm (the runs after), against `python3 -m
 * unittest` of the same files on this machine, in the same run.
 */

const runs = 5;

function project(): CheckFile[] {
  const lines = ['import unittest', 'from shop.cart import Cart, total', '', '', 'class CartTest(unittest.TestCase):'];
  for (let i = 0; i < 12; i++) {
    lines.push(`    def test_case_${i}(self):`, '        cart = Cart()', `        cart.add("item", ${i + 1}, 2)`);
    lines.push(`        self.assertEqual(total(cart), ${(i + 1) * 2})`, '');
  }
  return [
    { path: 'shop/__init__.py', content: '' },
    {
      path: 'shop/cart.py',
      content:
        'class Cart:\n    def __init__(self):\n        self.lines = []\n\n    def add(self, name, price, quantity):\n        self.lines.append((name, price, quantity))\n\n\ndef total(cart):\n    return sum(price * quantity for _, price, quantity in cart.lines)\n',
    },
    { path: 'tests/__init__.py', content: '' },
    { path: 'tests/test_cart.py', content: lines.join('\n') },
  ];
}

function cpythonMs(files: CheckFile[]): number[] {
  const folder = mkdtempSync(join(tmpdir(), 'orchestra-py-bench-'));
  try {
    for (const file of files) {
      mkdirSync(dirname(join(folder, file.path)), { recursive: true });
      writeFileSync(join(folder, file.path), file.content);
    }
    const times: number[] = [];
    for (let i = 0; i < runs + 1; i++) {
      const started = performance.now();
      const result = spawnSync('python3', ['-B', '-m', 'unittest', 'tests.test_cart'], {
        cwd: folder,
        encoding: 'utf8',
      });
      const elapsed = performance.now() - started;
      if (result.status !== 0) throw new Error(`python3 -m unittest failed:\n${result.stderr}`);
      if (i > 0) times.push(elapsed); // the first warms the disk cache, as the tab's first run warms its own
    }
    return times;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Runs one check through the app's sandbox frame as web/checks/sandbox-host.ts does (the
 * runtime and its files handed over with the frame's first run only); ms and report.
 */
async function runInFrame(
  page: Page,
  request: CheckRequest,
  runtimeUrl: string,
): Promise<{ ms: number; report: CheckReport }> {
  return page.evaluate(
    async ({ request, runtimeUrl }) => {
      const started = performance.now();
      const w = window as unknown as {
        __frame?: Promise<MessagePort>;
        __handedOver?: boolean;
        __prepared?: boolean;
      };
      w.__prepared = false;
      // The frame hands over a port to its supervisor worker; every run goes over it.
      w.__frame ??= new Promise<MessagePort>((resolve) => {
        const element = document.createElement('iframe');
        element.setAttribute('sandbox', 'allow-scripts');
        element.hidden = true;
        const connect = (event: MessageEvent) => {
          const port = event.ports[0];
          if (event.source !== element.contentWindow || !port) return;
          window.removeEventListener('message', connect);
          port.addEventListener('message', (message: MessageEvent) => {
            const type = (message.data as { type?: string }).type;
            if (type === 'ready') resolve(port);
            else if (type === 'prepared') w.__prepared = true;
          });
          port.start();
        };
        window.addEventListener('message', connect);
        element.src = '/sandbox/frame.html';
        document.body.append(element);
      });
      let bundle: { runtime: string; code: string; assets: [string, Blob][] } | undefined;
      if (!w.__handedOver) {
        const [code, names] = await Promise.all([
          fetch(runtimeUrl).then((r) => r.text()),
          fetch('/sandbox/python/assets.json').then((r) => r.json() as Promise<string[]>),
        ]);
        const assets = await Promise.all(
          names.map(async (name) => [name, await (await fetch(`/sandbox/python/${name}`)).blob()] as [string, Blob]),
        );
        bundle = { runtime: 'python', code, assets };
        w.__handedOver = true;
      }
      const port = await w.__frame;
      const runId = `bench-${Math.random()}`;
      const report = await new Promise<CheckReport>((resolve) => {
        const listen = (event: MessageEvent) => {
          const data = event.data as {
            type?: string;
            runId?: string;
            progress?: { type: string; report?: CheckReport };
          };
          if (
            data.type === 'progress' &&
            data.runId === runId &&
            data.progress?.type === 'done' &&
            data.progress.report
          ) {
            port.removeEventListener('message', listen);
            resolve(data.progress.report);
          }
        };
        port.addEventListener('message', listen);
        port.postMessage({ type: 'run', runId, request, bundle });
      });
      return { ms: performance.now() - started, report };
    },
    { request, runtimeUrl },
  );
}

/** Waits (up to `limitMs`) until the frame says its next Python worker is prepared; ms waited. */
async function untilPrepared(page: Page, limitMs: number): Promise<number> {
  return page.evaluate(async (limit) => {
    const started = performance.now();
    const w = window as unknown as { __prepared?: boolean };
    while (!w.__prepared && performance.now() - started < limit)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return performance.now() - started;
  }, limitMs);
}

export async function pythonChecks(): Promise<BenchResult[]> {
  const files = project();
  const request: CheckRequest = { runtime: 'python', files, timeoutMs: 120_000, allowNetwork: false };
  const runtimeFile = readdirSync(join(distDir, 'sandbox')).find((name) => /^runtime-python-.*\.js$/.test(name));
  if (!runtimeFile) throw new Error('The build has no Python runtime (dist/sandbox/runtime-python-*.js).');
  const cpython = cpythonMs(files);
  const server = await startServer();
  const profile = await launchProfile();
  const cold: number[] = [];
  const warm: number[] = [];
  const prepareMs: number[] = [];
  try {
    const { page } = profile;
    // tsx names the functions it compiles through a helper that the page does not have.
    await page.addInitScript('globalThis.__name = (target) => target;');
    await page.goto(server.url);
    const first = await runInFrame(page, request, `/sandbox/${runtimeFile}`);
    if (first.report.outcome !== 'completed' || first.report.counts.pass !== 12)
      throw new Error(`The Python suite did not pass in the tab: ${JSON.stringify(first.report).slice(0, 2000)}`);
    cold.push(first.ms);
    process.stdout.write(
      `cold: page ${Math.round(first.ms)} ms, in the worker ${Math.round(first.report.durationMs)} ms\n`,
    );
    for (let i = 0; i < runs; i++) {
      // A warm run is one the frame's next worker was prepared for (Python started), as
      // it is for a run asked for seconds after the last; back-to-back runs wait for it.
      prepareMs.push(await untilPrepared(page, 120_000));
      const next = await runInFrame(page, request, `/sandbox/${runtimeFile}`);
      if (next.report.counts.pass !== 12) throw new Error('A warm Python run did not pass.');
      warm.push(next.ms);
    }
  } finally {
    await profile.close();
    await server.stop();
  }
  const cpythonMedian = Math.round(median(cpython) * 10) / 10;
  return [
    withBaseline({
      metric: 'checks_python_warm_vs_cpython',
      value: Math.round(median(warm) * 10) / 10,
      unit: 'ms',
      baseline: { name: 'python3_m_unittest_ms', value: cpythonMedian },
      target: '<= 3 of baseline (12 unittest cases; median of 5 runs after the first, in the same tab)',
    }),
    {
      metric: 'checks_python_next_worker_prepare_ms',
      value: Math.round(median(prepareMs)),
      unit: 'ms',
      target: 'informational: after a run, how long until the next Python worker is ready (from the snapshot)',
    },
    {
      metric: 'checks_python_cold_start_ms',
      value: Math.round(cold[0] ?? 0),
      unit: 'ms',
      target: '<= 4000 ms (fresh profile: runtime and Pyodide fetched, frame made, Python started, suite run)',
    },
  ];
}
