/**
 * `npm run profile`: where the orchestration overhead goes. Builds the engine benchmark
 * page unminified, runs the zero-latency 200-task plan of `npm run bench -- engine`
 * under Chromium's CPU profiler, and prints:
 * - the run's wall time per task,
 * - IndexedDB requests per task, by object store and kind,
 * - the functions with the most self time, and the files they are in.
 *
 * `npm run profile -- --runs 3` samples three runs; `--top 40` prints more functions;
 * `--keep` keeps the unminified page, so the printed line numbers can be looked up;
 * `--plain` only times the runs, on the minified page with no profiler or counters.
 * `PROFILE_INIT='globalThis.flag = true'` runs a script in the page before its own, for
 * experiments that read a flag.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { serve } from '@hono/node-server';
import { build } from 'vite';
import { createApp } from '../../server/app.ts';
import { launchProfile } from '../e2e/harness/browser.ts';
import type { EngineBench } from './engine/page.ts';
import type { RunShape } from './engine/orchestration.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const argument = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? Number.NaN : Number(process.argv[at + 1]);
  return Number.isFinite(value) ? value : fallback;
};
const runs = argument('runs', 1);
const top = argument('top', 25);
const keep = process.argv.includes('--keep');
const plain = process.argv.includes('--plain');

/**
 * Counts IndexedDB requests by store and method. Given as a string: the page runs it
 * before its own scripts, and tsx's helpers must not leak into it.
 */
const countRequests = `
  window.idbCounts = {};
  window.idbMs = {};
  for (const method of ['put', 'add', 'get', 'getAll', 'getAllKeys', 'delete', 'count', 'openCursor', 'clear']) {
    const original = IDBObjectStore.prototype[method];
    IDBObjectStore.prototype[method] = function (...args) {
      const key = this.name + ' ' + method;
      window.idbCounts[key] = (window.idbCounts[key] ?? 0) + 1;
      const start = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        window.idbMs[key] = (window.idbMs[key] ?? 0) + performance.now() - start;
      }
    };
    const index = IDBIndex.prototype[method];
    if (index) IDBIndex.prototype[method] = function (...args) {
      const key = this.objectStore.name + '[' + this.name + '] ' + method;
      window.idbCounts[key] = (window.idbCounts[key] ?? 0) + 1;
      return index.apply(this, args);
    };
  }
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (...args) {
    window.idbCounts['(transactions)'] = (window.idbCounts['(transactions)'] ?? 0) + 1;
    return transaction.apply(this, args);
  };
`;

async function main(): Promise<void> {
  const outDir = await mkdtemp(join(tmpdir(), 'orchestra-profile-page-'));
  await build({
    configFile: false,
    logLevel: 'warn',
    root: join(import.meta.dirname, 'engine'),
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: plain, sourcemap: false },
  });
  const app = createApp({ distDir: outDir, version: 'profile' });
  let server: ReturnType<typeof serve> | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
  const profile = await launchProfile();
  try {
    const { page, context } = profile;
    if (!plain) await page.addInitScript({ content: countRequests });
    const init = process.env['PROFILE_INIT'];
    if (init) await page.addInitScript({ content: init });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => document.body.dataset['ready'] === 'true');
    const api = await page.evaluateHandle(() => (window as unknown as { engineBench: EngineBench }).engineBench);
    const shape: RunShape = { plan: { kind: 'layered', layers: 20, width: 10 }, maxParallel: 8, latency: false };

    // Warm up as the bench does, then profile.
    await api.evaluate((b, given) => b.runProject(given), shape);
    await page.evaluate(() => {
      Object.assign(window, { idbCounts: {}, idbMs: {} });
    });
    const out = (line: string) => process.stdout.write(`${line}\n`);
    const perTask: number[] = [];
    let tasks = 0;
    const timeRuns = async () => {
      for (let round = 0; round < runs; round++) {
        const figures = await api.evaluate((b, given) => b.runProject(given), shape);
        perTask.push(figures.wallMs / figures.tasks);

        tasks += figures.tasks;
      }
    };
    if (plain) {
      await timeRuns();
      out(`wall per task: ${perTask.map((value) => value.toFixed(2)).join(', ')} ms`);
      const sorted = [...perTask].sort((a, b) => a - b);
      out(`median: ${sorted[Math.floor(sorted.length / 2)]?.toFixed(2)} ms`);
      return;
    }
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    await timeRuns();
    const { profile: cpu } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    const [counts, times] = await page.evaluate(() => {
      const counted = window as unknown as { idbCounts: Record<string, number>; idbMs: Record<string, number> };
      return [counted.idbCounts, counted.idbMs];
    });

    out(`wall per task: ${perTask.map((value) => value.toFixed(2)).join(', ')} ms`);
    out(
      `\nIndexedDB requests per task (the plan proposal before approval excluded), and the main thread's ms in the calls:`,
    );
    for (const [key, count] of Object.entries(counts).sort((a, b) => b[1] - a[1])) {
      const ms = times[key];
      out(
        `  ${(count / tasks).toFixed(2).padStart(7)}  ${ms === undefined ? '' : `${(ms / tasks).toFixed(3)} ms`.padEnd(9)}  ${key}`,
      );
    }

    // Self time per function: each sample's delta goes to the node it landed in.
    const self = new Map<number, number>();
    cpu.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (cpu.timeDeltas[index] ?? 0)));
    const byFunction = new Map<string, number>();
    const byFile = new Map<string, number>();
    let total = 0;
    for (const node of cpu.nodes) {
      const micros = self.get(node.id) ?? 0;
      total += micros;
      const { functionName, url, lineNumber } = node.callFrame;
      const file = url ? relative(outDir, new URL(url).pathname.replace(/^\//, `${outDir}/`)) : '(native)';
      const name = `${functionName || '(anonymous)'}  ${file}:${lineNumber + 1}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
      const kind = functionName.startsWith('(') ? functionName : file;
      byFile.set(kind, (byFile.get(kind) ?? 0) + micros);
    }
    const perTaskMs = (micros: number) => (micros / 1000 / tasks).toFixed(3).padStart(7);
    out(`\nSampled ${(total / 1000).toFixed(0)} ms over ${tasks} tasks; self time per task (ms):`);
    for (const [name, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      out(`  ${perTaskMs(micros)}  ${name}`);
    }
    // Inclusive time: each sample counts once for every distinct function on its stack.
    const parent = new Map<number, number>();
    for (const node of cpu.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const nodes = new Map(cpu.nodes.map((node) => [node.id, node]));
    const label = (node: ProfileNode) =>
      `${node.callFrame.functionName || '(anonymous)'}:${node.callFrame.lineNumber + 1}`;
    const inclusive = new Map<string, number>();
    for (const [id, micros] of self) {
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const node = nodes.get(at) as ProfileNode;
        if (!node.callFrame.url) continue;
        seen.add(label(node));
      }
      for (const name of seen) inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
    }
    // Phases: a sample belongs to the innermost function on its stack that names one.
    const phases: [string, RegExp][] = [
      ['utf-8 counting', /^utf8Length/],
      ['hashing', /^sha256Hex|^digest$/],
      ['validation (zod)', /^safeParse$|^parseDraft|^validate/],
      ['snapshot', /^writeSnapshot$/],
      ['log row (commits add)', /^commit$/],
      ['read-model rows', /^writeChanges$|^putRows$/],
      ['fold', /^foldAhead$|^reduce$/],
      ['context and prompt', /^agentInputFor$|^renderContext$|^buildContext$|^prompt$/],
      ['answer to files and events', /^fileCompletion$|^reviewCompletion$|^writeCompletion$/],
      ['router', /^choose$|^learn$|^route/],
      ['governor', /^reserve$|^settle$/],
      ['bench model', /^answerFor$|^stream$/],
      ['append (queue, ids)', /^append$/],
      ['run loop', /^tick$|^launch$|^runTaskAttempt$|^chooseDestination$|^execute$/],
    ];
    const byPhase = new Map<string, number>();
    for (const [id, micros] of self) {
      let phase: string | undefined;
      for (let at: number | undefined = id; at !== undefined && phase === undefined; at = parent.get(at)) {
        const name = (nodes.get(at) as ProfileNode).callFrame.functionName;
        phase = phases.find(([, pattern]) => pattern.test(name))?.[0];
      }
      if (phase === undefined) {
        const leaf = (nodes.get(id) as ProfileNode).callFrame;
        phase = leaf.functionName.startsWith('(') ? leaf.functionName : 'other';
      }
      byPhase.set(phase, (byPhase.get(phase) ?? 0) + micros);
    }
    out('\nBy phase (ms per task; a sample counts for the innermost phase on its stack):');
    for (const [name, micros] of [...byPhase].sort((a, b) => b[1] - a[1])) out(`  ${perTaskMs(micros)}  ${name}`);

    out(`\nInclusive time per task (ms), functions of the page:`);
    for (const [name, micros] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      out(`  ${perTaskMs(micros)}  ${name}`);
    }
    out('\nBy file (ms per task):');
    for (const [name, micros] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      out(`  ${perTaskMs(micros)}  ${name}`);
    }
    if (keep) out(`\nLine numbers refer to the page kept in ${outDir}.`);
  } finally {
    await profile.close();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    if (!keep) await rm(outDir, { recursive: true, force: true });
  }
}

await main();
