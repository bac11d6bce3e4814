/**
 * `npm run bench` runs every suite; `npm run bench -- ui` runs one. Each suite prints
 * a table, writes bench/results/<suite>.json and refreshes its table in README.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { ensureBuild } from '../../server/build/ensure-build.ts';
import { repoRoot } from '../../server/build/build-stamp.ts';
import type { BenchResult } from './result.ts';
import { changesSuite } from './suites/changes.ts';
import { checksSuite } from './suites/checks.ts';
import { costsSuite } from './suites/costs.ts';
import { engineSuite } from './suites/engine.ts';
import { providersSuite } from './suites/providers.ts';
import { routerSuite } from './suites/router.ts';
import { syncSuite } from './suites/sync.ts';
import { uiSuite } from './suites/ui.ts';

const suites: Record<string, () => Promise<BenchResult[]>> = {
  ui: uiSuite,
  engine: engineSuite,
  router: routerSuite,
  providers: providersSuite,
  checks: checksSuite,
  changes: changesSuite,
  sync: syncSuite,
  costs: costsSuite,
};
// Suites that measure the built app; the others build what they need themselves, or are pure code.
const needsBuild = new Set(['ui', 'checks']);

function table(results: BenchResult[]): string {
  const rows = results.map((r) => {
    const baseline = r.baseline ? `${r.baseline.name} = ${r.baseline.value}` : '';
    return `| ${r.metric} | ${r.value} ${r.unit} | ${baseline} | ${r.ratio ?? ''} | ${r.target ?? ''} |`;
  });
  return ['| metric | value | baseline | ratio | target |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

async function updateReadme(suite: string, results: BenchResult[]): Promise<void> {
  const readme = join(repoRoot, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = `<!-- bench:${suite} -->`;
  const end = `<!-- /bench:${suite} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) return;
  const date = new Date().toISOString().slice(0, 10);
  const block = `${start}\nSuite \`${suite}\`, ${date}:\n\n${table(results)}\n${end}`;
  // Formatted as `npm test`'s Prettier check expects, so a bench run never breaks the build.
  const options = { ...(await resolveConfig(readme)), filepath: readme };
  writeFileSync(readme, await format(text.slice(0, from) + block + text.slice(to + end.length), options));
}

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in suites));
if (unknown.length > 0) {
  process.stderr.write(`Unknown suite(s): ${unknown.join(', ')}. Suites: ${Object.keys(suites).join(', ')}.\n`);
  process.exit(2);
}
const selected = requested.length > 0 ? requested : Object.keys(suites);
if (selected.some((name) => needsBuild.has(name))) ensureBuild((line) => process.stdout.write(line));
mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
for (const name of selected) {
  const results = await (suites[name] as () => Promise<BenchResult[]>)();
  writeFileSync(join(repoRoot, 'bench', 'results', `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  await updateReadme(name, results);
  process.stdout.write(`\n${name}\n${table(results)}\n`);
}
