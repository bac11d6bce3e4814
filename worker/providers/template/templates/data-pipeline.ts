import type { ProjectTemplate } from '../project-template.ts';

const parseCsv = `/**
 * Parses CSV text (RFC 4180: quoted fields, doubled quotes, commas and newlines inside
 * quotes) into objects keyed by the header row.
 */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\\n' || char === '\\r') {
      if (char === '\\r' && text[i + 1] === '\\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header = [], ...body] = rows.filter((cells) => cells.some((cell) => cell.trim() !== ''));
  return body.map((cells) => Object.fromEntries(header.map((name, index) => [name.trim(), (cells[index] ?? '').trim()])));
}
`;

const transform = `/**
 * Cleans raw rows (drops rows without a category or with an amount that is not a
 * number) and totals the amounts per category, largest first.
 */
export function cleanRows(rows) {
  const clean = [];
  const rejected = [];
  for (const row of rows) {
    const amount = Number(row.amount);
    if (!row.category || row.amount === '' || !Number.isFinite(amount)) rejected.push(row);
    else clean.push({ ...row, category: row.category.toLowerCase(), amount });
  }
  return { clean, rejected };
}

export function totalsByCategory(rows) {
  const totals = new Map();
  for (const row of rows) {
    const entry = totals.get(row.category) ?? { category: row.category, count: 0, total: 0 };
    entry.count += 1;
    entry.total = Math.round((entry.total + row.amount) * 100) / 100;
    totals.set(row.category, entry);
  }
  return [...totals.values()].sort((a, b) => b.total - a.total || a.category.localeCompare(b.category));
}
`;

const pipeline = `import { readFile, writeFile } from 'node:fs/promises';
import { parseCsv } from './parse-csv.js';
import { cleanRows, totalsByCategory } from './transform.js';

/** Reads a CSV file, cleans it, and returns (and optionally writes) the report. */
export async function runPipeline(inputPath, outputPath) {
  const rows = parseCsv(await readFile(inputPath, 'utf8'));
  const { clean, rejected } = cleanRows(rows);
  const report = { rows: rows.length, rejected: rejected.length, totals: totalsByCategory(clean) };
  if (outputPath) await writeFile(outputPath, JSON.stringify(report, null, 2) + '\\n');
  return report;
}

if (process.argv[1] && import.meta.url === new URL(process.argv[1], 'file://').href) {
  const [input = 'data/sample.csv', output = 'report.json'] = process.argv.slice(2);
  const report = await runPipeline(input, output);
  process.stdout.write(\`\${report.rows} rows, \${report.rejected} rejected, report in \${output}\\n\`);
}
`;

const sample = `date,category,amount,note
2024-01-02,Groceries,54.20,weekly shop
2024-01-03,Transport,2.80,bus
2024-01-05,groceries,23.10,"bread, milk"
2024-01-06,Rent,950,
2024-01-07,Transport,not-a-number,broken row
2024-01-08,,12.00,missing category
2024-01-09,Transport,2.80,bus
`;

const tests = `import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCsv } from '../src/parse-csv.js';
import { runPipeline } from '../src/pipeline.js';
import { cleanRows, totalsByCategory } from '../src/transform.js';

test('parseCsv handles quotes, doubled quotes and commas inside fields', () => {
  const rows = parseCsv('a,b\\n"x, y","say ""hi"""\\n');
  assert.deepEqual(rows, [{ a: 'x, y', b: 'say "hi"' }]);
});

test('cleanRows rejects rows without a category or a numeric amount', () => {
  const { clean, rejected } = cleanRows([
    { category: 'A', amount: '1.5' },
    { category: '', amount: '2' },
    { category: 'B', amount: 'x' },
  ]);
  assert.deepEqual(clean, [{ category: 'a', amount: 1.5 }]);
  assert.equal(rejected.length, 2);
});

test('totalsByCategory sums per category, largest first', () => {
  const totals = totalsByCategory([
    { category: 'a', amount: 1.1 },
    { category: 'b', amount: 5 },
    { category: 'a', amount: 2.2 },
  ]);
  assert.deepEqual(totals, [
    { category: 'b', count: 1, total: 5 },
    { category: 'a', count: 2, total: 3.3 },
  ]);
});

test('the pipeline turns the sample CSV into a report file', async () => {
  const output = join(await mkdtemp(join(tmpdir(), 'pipeline-')), 'report.json');
  const report = await runPipeline(new URL('../data/sample.csv', import.meta.url), output);
  assert.equal(report.rows, 7);
  assert.equal(report.rejected, 2);
  assert.deepEqual(report.totals[0], { category: 'rent', count: 1, total: 950 });
  assert.deepEqual(report.totals.find((entry) => entry.category === 'groceries'), {
    category: 'groceries',
    count: 2,
    total: 77.3,
  });
  assert.deepEqual(JSON.parse(await readFile(output, 'utf8')), report);
});
`;

/** A CSV-to-report data pipeline in plain Node.js, with its tests (`npm test`). */
export const dataPipeline: ProjectTemplate = {
  id: 'data-pipeline',
  title: 'Data pipeline',
  language: 'javascript',
  keywords: ['data', 'pipeline', 'csv', 'etl', 'report', 'analytics', 'transform', 'import'],
  stack: ['Node.js', 'JavaScript'],
  languages: ['javascript'],
  files: (name) => [
    {
      path: 'package.json',
      language: 'json',
      content: `${JSON.stringify(
        {
          name,
          version: '0.1.0',
          private: true,
          type: 'module',
          scripts: { start: 'node src/pipeline.js data/sample.csv report.json', test: 'node --test' },
          engines: { node: '>=20' },
        },
        null,
        2,
      )}\n`,
    },
    { path: 'src/parse-csv.js', language: 'javascript', content: parseCsv },
    { path: 'src/transform.js', language: 'javascript', content: transform },
    { path: 'src/pipeline.js', language: 'javascript', content: pipeline },
    { path: 'data/sample.csv', language: 'csv', content: sample },
    { path: 'test/pipeline.test.js', language: 'javascript', content: tests },
    {
      path: 'README.md',
      language: 'markdown',
      content: `# ${name}\n\nReads a CSV of expenses, drops invalid rows and totals the amounts per category.\n\n- \`npm start\` — writes report.json from data/sample.csv\n- \`npm test\` — runs the tests (Node 20+, no dependencies)\n\nBuilt by Orchestra's Template provider (no AI).\n`,
    },
  ],
};
