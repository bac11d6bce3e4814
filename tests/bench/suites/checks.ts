/**
 * `npm run bench -- checks`: running a project's tests in the tab against running them on
 * this machine. For each Template project, the suite runs in real Chromium through the
 * code-running frame exactly as the app runs it (sandbox/frame.html with its policy, a
 * fresh worker per run from the runtime bundle the build makes), cold (a fresh browser
 * profile: fetching the runtime included) and warm (later runs in the same page), and
 * against `node --test` of the same files written to a temporary directory, in the same
 * run, as ratios.
 *
 * Other runtimes add their cases to {@link languageCases} (a name, the projects, and the
 * native command that is their baseline) and get the same metrics.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { buildSandbox, frameHeaderPolicy } from '../../../server/build/sandbox-plugin.ts';
import type { CheckFile, CheckReport, CheckRequest, CheckRuntimeName } from '../../../worker/checks/contract.ts';
import { apiService } from '../../../worker/providers/template/templates/api-service.ts';
import { dataPipeline } from '../../../worker/providers/template/templates/data-pipeline.ts';
import { webApp } from '../../../worker/providers/template/templates/web-app.ts';
import { launchProfile } from '../../e2e/harness/browser.ts';
import { pythonChecks } from '../checks/python.ts';
import { type BenchResult, median, withBaseline } from '../result.ts';

const warmRuns = 5;
const nativeRuns = 5;

export interface LanguageCase {
  /** Metric prefix: `checks_<language>_…`. */
  language: string;
  runtime: CheckRuntimeName;
  /** What the baseline is called in the results ("node_test", "cpython_unittest"). */
  baselineName: string;
  /** The name of the warm ratio metric and its target. */
  warmMetric: string;
  warmTarget: string;
  coldMetric: string;
  projects: { name: string; files: CheckFile[]; tests: number }[];
  /** Runs the same suite natively in `dir`; throws if it fails. */
  native(dir: string): void;
}

export const languageCases: LanguageCase[] = [
  {
    language: 'js',
    runtime: 'node',
    baselineName: 'node_test',
    warmMetric: 'checks_js_warm_vs_node',
    warmTarget: '<= 2.0 of baseline (node --test of the same files, same machine)',
    coldMetric: 'checks_js_cold_start_ms',
    projects: [
      { name: 'web_app', files: webApp.files('bench'), tests: 2 },
      { name: 'api_service', files: apiService.files('bench'), tests: 3 },
      { name: 'data_pipeline', files: dataPipeline.files('bench'), tests: 4 },
    ],
    native: (dir) => {
      execFileSync(process.execPath, ['--test'], { cwd: dir, stdio: 'pipe' });
    },
  },
];

interface SandboxHost {
  url: string;
  code: Map<string, string>;
  close(): Promise<void>;
}

const hostPage = `<!doctype html><html><head><meta charset="utf-8"><title>checks bench</title></head><body>
<script type="module">
const frame = document.createElement('iframe');
frame.setAttribute('sandbox', 'allow-scripts');
frame.src = '/sandbox/frame.html';
// The frame hands over a port to its supervisor worker; every run goes over it.
let port;
const ready = new Promise((resolve) => {
  window.addEventListener('message', (event) => {
    if (event.source !== frame.contentWindow || event.data.type !== 'connect') return;
    port = event.ports[0];
    port.onmessage = ({ data }) => {
      if (data.type === 'ready') resolve();
      else if (data.type === 'prepared') window.__prepared = true;
      else if (data.type === 'progress' && data.progress.type === 'done') window.__done?.(data.progress.report);
    };
  });
});
document.body.append(frame);
let runs = 0;
window.runCheck = async (runtime, request) => {
  await ready;
  const started = performance.now();
  window.__prepared = false;
  // The frame keeps the runtime it was handed: only the first run sends it.
  const bundle = window.__sent ? undefined : { runtime, code: await (await fetch('/sandbox/runtime-' + runtime + '.js')).text(), assets: [] };
  window.__sent = true;
  const report = await new Promise((resolve) => {
    window.__done = resolve;
    port.postMessage({ type: 'run', runId: String(++runs), request, bundle });
  });
  return { report, ms: performance.now() - started };
};
// What opening a project does (prepareRuntime): hand the runtime over before any run and
// wait until the frame has a worker with it loaded.
window.warmUp = async (runtime) => {
  await ready;
  window.__prepared = false;
  const code = await (await fetch('/sandbox/runtime-' + runtime + '.js')).text();
  port.postMessage({ type: 'load', runtime, code, assets: [] });
  window.__sent = true;
  await window.untilPrepared();
};
// A warm run is one whose worker the frame prepared after the last run ended.
window.untilPrepared = async () => {
  const started = performance.now();
  while (!window.__prepared && performance.now() - started < 30000) await new Promise((r) => setTimeout(r, 10));
};
</script></body></html>`;

/** Serves a page that embeds the frame as the app does, the frame, and the runtime bundles. */
export async function startSandboxHost(): Promise<SandboxHost & { sizes: Map<string, { raw: number; gzip: number }> }> {
  const built = await buildSandbox();
  const code = new Map([...built.runtimes].map(([name, runtime]) => [name, runtime.code]));
  const sizes = new Map(
    [...code].map(([name, text]) => [
      name,
      { raw: Buffer.byteLength(text), gzip: gzipSync(text, { level: 9 }).length },
    ]),
  );
  const framePolicy = frameHeaderPolicy(built.frameHtml) ?? "default-src 'none'";
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(hostPage);
    } else if (path === '/sandbox/frame.html') {
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `sandbox allow-scripts; ${framePolicy}`,
      });
      response.end(built.frameHtml);
    } else {
      const runtime = /^\/sandbox\/runtime-(\w+)\.js$/.exec(path)?.[1];
      const text = runtime === undefined ? undefined : code.get(runtime);
      if (text === undefined) {
        response.writeHead(404);
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      response.end(text);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    code,
    sizes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Runs one check in the page's frame; resolves with the report and the time it took there. */
export async function runInTab(
  page: Page,
  runtime: CheckRuntimeName,
  files: CheckFile[],
): Promise<{ report: CheckReport; ms: number }> {
  const request: CheckRequest = { runtime, files, timeoutMs: 60_000, allowNetwork: false };
  return page.evaluate(
    ([name, body]) =>
      (
        window as unknown as {
          runCheck(runtime: string, request: unknown): Promise<{ report: CheckReport; ms: number }>;
        }
      ).runCheck(name, body),
    [runtime, request] as const,
  );
}

function writeProject(files: CheckFile[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'orchestra-checks-bench-'));
  for (const file of files) {
    const path = join(dir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
  return dir;
}

function timeNative(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

function assertPassed(report: CheckReport, tests: number, where: string): void {
  if (report.outcome !== 'completed' || report.counts.pass !== tests) {
    throw new Error(
      `${where}: expected ${tests} passing tests, got ${JSON.stringify({ outcome: report.outcome, reason: report.reason, counts: report.counts })}`,
    );
  }
}

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * The first Run tests of a page, with the runtime warmed when the project opened (handed
 * to the frame, a worker loaded) against without (fetched, handed over and started by the
 * run): fresh profiles, alternating, in this one process.
 * @example const result = await firstRunWarmedVsNot(host, languageCases[0], project, 4);
 */
export async function firstRunWarmedVsNot(
  host: SandboxHost,
  language: LanguageCase,
  project: LanguageCase['projects'][number],
  pairs: number,
): Promise<BenchResult> {
  const warmed: number[] = [];
  const unwarmed: number[] = [];
  for (let index = 0; index < pairs; index += 1) {
    for (const warm of index % 2 === 0 ? [true, false] : [false, true]) {
      const profile = await launchProfile();
      try {
        await profile.page.goto(host.url);
        if (warm)
          await profile.page.evaluate(
            (runtime) => (window as unknown as { warmUp(runtime: string): Promise<void> }).warmUp(runtime),
            language.runtime,
          );
        const first = await runInTab(profile.page, language.runtime, project.files);
        assertPassed(first.report, project.tests, `${project.name}'s first run in the tab`);
        (warm ? warmed : unwarmed).push(first.ms);
      } finally {
        await profile.close();
      }
    }
  }
  return withBaseline({
    metric: `checks_${language.language}_first_run_warmed_ms`,
    value: round(median(warmed)),
    unit: 'ms',
    baseline: { name: 'first_run_not_warmed', value: round(median(unwarmed)) },
    target: `informational: ${project.name}'s first run in a fresh profile after the runtime was warmed on opening, against one that loads it itself (median of ${pairs} each)`,
  });
}

export async function checksSuite(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const host = await startSandboxHost();
  try {
    for (const language of languageCases) {
      const size = host.sizes.get(language.runtime);
      if (size) {
        results.push({
          metric: `checks_${language.language}_runtime_gzip_bytes`,
          value: size.gzip,
          unit: 'bytes',
          target: `loaded on first use, never in the app shell (${size.raw} bytes raw)`,
        });
      }
      let warmTotal = 0;
      let nativeTotal = 0;
      let coldWorst = 0;
      for (const project of language.projects) {
        // Cold: a fresh browser profile; the runtime is fetched, a worker starts, it runs.
        const profile = await launchProfile();
        let cold: number;
        const warm: number[] = [];
        try {
          await profile.page.goto(host.url);
          const first = await runInTab(profile.page, language.runtime, project.files);
          assertPassed(first.report, project.tests, `${project.name} in the tab`);
          cold = first.ms;
          for (let index = 0; index < warmRuns; index += 1) {
            await profile.page.evaluate(() =>
              (window as unknown as { untilPrepared(): Promise<void> }).untilPrepared(),
            );
            const next = await runInTab(profile.page, language.runtime, project.files);
            assertPassed(next.report, project.tests, `${project.name} in the tab`);
            warm.push(next.ms);
          }
        } finally {
          await profile.close();
        }
        const dir = writeProject(project.files);
        const native: number[] = [];
        try {
          language.native(dir);
          for (let index = 0; index < nativeRuns; index += 1) native.push(timeNative(() => language.native(dir)));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        const warmMedian = median(warm);
        const nativeMedian = median(native);
        warmTotal += warmMedian;
        nativeTotal += nativeMedian;
        coldWorst = Math.max(coldWorst, cold);
        results.push(
          withBaseline({
            metric: `checks_${language.language}_${project.name}_warm_ms`,
            value: round(warmMedian),
            unit: 'ms',
            baseline: { name: language.baselineName, value: round(nativeMedian) },
            target: `median of ${warmRuns} runs in the tab after a first; ${project.tests} tests`,
          }),
          {
            metric: `checks_${language.language}_${project.name}_cold_ms`,
            value: round(cold),
            unit: 'ms',
            target: 'first run in a fresh profile, runtime fetch included',
          },
        );
      }
      const firstProject = language.projects[0];
      if (firstProject) results.push(await firstRunWarmedVsNot(host, language, firstProject, 4));
      results.push(
        withBaseline({
          metric: language.warmMetric,
          value: round(warmTotal),
          unit: 'ms',
          baseline: { name: `${language.baselineName}_same_projects`, value: round(nativeTotal) },
          target: language.warmTarget,
        }),
        {
          metric: language.coldMetric,
          value: round(coldWorst),
          unit: 'ms',
          target: "<= 4000 ms (the slowest project's first run in a fresh profile, runtime fetch and start included)",
        },
      );
    }
  } finally {
    await host.close();
  }
  // The Python runtime needs its assets (Pyodide, pytest) and so runs through the built app.
  results.push(...(await pythonChecks()));
  return results;
}
