import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { distDir } from '../../../server/build/build-stamp.ts';
import { launchProfile } from '../../e2e/harness/browser.ts';
import { startServer } from '../../e2e/harness/server.ts';
import { type BenchResult, median, percentile, withBaseline } from '../result.ts';

const shellBudgetBytes = 60 * 1024;
const reloads = 20;

const gzipBytes = (file: string) => gzipSync(readFileSync(join(distDir, file)), { level: 9 }).length;

/**
 * The code-running runtimes' sizes (gzip, as sent): each loads with the first test run in
 * its language, is cached by the service worker then, and is never part of the shell.
 */
function runtimeSizes(): BenchResult[] {
  const sandbox = join(distDir, 'sandbox');
  const files = readdirSync(sandbox).filter((file) => /^runtime-\w+-.*\.js$/.test(file));
  const results: BenchResult[] = files.map((file) => ({
    metric: `checks_runtime_${/^runtime-(\w+)-/.exec(file)?.[1] ?? file}_js_gzip_bytes`,
    value: gzipBytes(`sandbox/${file}`),
    unit: 'bytes',
    target: 'loaded with the first test run, never in the app shell',
  }));
  const python = readdirSync(join(sandbox, 'python')).filter((file) => !/\.(br|gz)$/.test(file));
  results.push({
    metric: 'checks_python_assets_gzip_bytes',
    value: python.reduce((sum, file) => sum + gzipBytes(`sandbox/python/${file}`), 0),
    unit: 'bytes',
    target: `Pyodide, its standard library, pytest and the start-up snapshot (${python.length} files), fetched with the first Python run`,
  });
  return results;
}

export async function uiSuite(): Promise<BenchResult[]> {
  const workerFiles = readdirSync(join(distDir, 'assets')).filter((file) => /^engine-.*\.js$/.test(file));
  // The engine proper, and the model SDKs it loads only when a provider is first called.
  // The ZIP writer likewise loads with the first export.
  const engineFiles = workerFiles.filter((file) => !file.startsWith('engine-sdk-') && !file.startsWith('engine-zip-'));
  const sdkFiles = workerFiles.filter((file) => file.startsWith('engine-sdk-'));
  const zipFiles = workerFiles.filter((file) => file.startsWith('engine-zip-'));
  const gzipOf = (files: string[]) => files.reduce((sum, file) => sum + gzipBytes(`assets/${file}`), 0);
  const engineGzip = gzipOf(engineFiles);
  const engineRaw = engineFiles.reduce((sum, file) => sum + readFileSync(join(distDir, 'assets', file)).length, 0);
  const sdkGzip = gzipOf(sdkFiles);

  const server = await startServer();
  const profile = await launchProfile();
  const { page } = profile;
  const firstView: number[] = [];
  const htmlDelivered: number[] = [];
  let coldFirstView = 0;
  let shellGzip = 0;
  try {
    await page.goto(server.url);
    coldFirstView = await firstViewAt();
    // The initial JS: every script the page itself fetched up to its first view (the
    // engine runs in its worker and is counted apart), at its gzip size.
    const startupScripts = await page.evaluate(() => {
      const shown = performance.getEntriesByName('orchestra:first-view')[0]?.startTime ?? 0;
      return performance
        .getEntriesByType('resource')
        .filter((entry) => entry.startTime <= shown && new URL(entry.name).pathname.endsWith('.js'))
        .map((entry) => new URL(entry.name).pathname.slice(1));
    });
    shellGzip = startupScripts
      .filter((file) => !file.includes('engine-'))
      .reduce((sum, file) => sum + gzipBytes(file), 0);
    // The code-running runtimes load with the first test run, never with the shell.
    const runtimeAtStart = startupScripts.filter((file) => file.startsWith('sandbox/'));
    if (runtimeAtStart.length > 0) throw new Error(`The app shell loaded a runtime: ${runtimeAtStart.join(', ')}`);
    // Let the service worker install and take control, then measure warm loads.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    for (let i = 0; i < reloads; i++) {
      await page.reload();
      firstView.push(await firstViewAt());
      htmlDelivered.push(
        await page.evaluate(
          () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).responseEnd,
        ),
      );
    }
  } finally {
    await profile.close();
    await server.stop();
  }

  async function firstViewAt(): Promise<number> {
    await page.waitForFunction(() => performance.getEntriesByName('orchestra:first-view').length > 0);
    return page.evaluate(() => performance.getEntriesByName('orchestra:first-view')[0]?.startTime ?? 0);
  }

  const round = (value: number) => Math.round(value * 10) / 10;
  return [
    withBaseline({
      metric: 'shell_js_gzip_bytes',
      value: shellGzip,
      unit: 'bytes',
      baseline: { name: 'shell_js_budget', value: shellBudgetBytes },
      target: '<= 1.0 of budget (60 KB gzip)',
    }),
    { metric: 'worker_js_gzip_bytes', value: engineGzip, unit: 'bytes', target: 'the engine without the model SDKs' },
    { metric: 'worker_js_raw_bytes', value: engineRaw, unit: 'bytes' },
    { metric: 'model_sdks_js_gzip_bytes', value: sdkGzip, unit: 'bytes', target: 'loaded on first use, not precached' },
    {
      metric: 'export_zip_js_gzip_bytes',
      value: gzipOf(zipFiles),
      unit: 'bytes',
      target: 'loaded with the first Export ZIP',
    },
    withBaseline({
      metric: 'first_view_warm_sw_median_ms',
      value: round(median(firstView)),
      unit: 'ms',
      baseline: { name: 'shell_html_from_sw_median_ms', value: round(median(htmlDelivered)) },
      target: 'the view follows the HTML closely; no absolute target on noisy machines',
    }),
    { metric: 'first_view_warm_sw_p95_ms', value: round(percentile(firstView, 95)), unit: 'ms' },
    { metric: 'first_view_cold_network_ms', value: round(coldFirstView), unit: 'ms' },
    ...runtimeSizes(),
  ];
}
