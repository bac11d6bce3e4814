import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';
import {
  type TemplateOutput,
  chooseTemplate,
  createTemplateAdapter,
} from '../../../worker/providers/template/template-adapter.ts';
import { collect, textOf } from './collect.ts';

async function generate(description: string): Promise<TemplateOutput> {
  const adapter = createTemplateAdapter({ chunkChars: 50 });
  const parts = await collect(
    adapter.stream(
      { model: 'template', messages: [{ role: 'user', content: description }], maxOutputTokens: 0 },
      new AbortController().signal,
    ),
  );
  expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(10);
  expect(parts.slice(-2)).toEqual([
    { type: 'usage', usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, estimated: false } },
    { type: 'finish', reason: 'stop' },
  ]);
  return JSON.parse(textOf(parts)) as TemplateOutput;
}

/** Writes the generated files to a fresh folder and runs the project's own `node --test`. */
function runOwnTests(output: TemplateOutput): { status: number | null; out: string } {
  const root = mkdtempSync(join(tmpdir(), `template-${output.template}-`));
  for (const file of output.files) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.content);
  }
  const result = spawnSync(process.execPath, ['--test'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

test.each([
  ['Build a data pipeline that imports a CSV of expenses and reports totals', 'data-pipeline'],
  ['A REST API service for a backend of items', 'api-service'],
  ['A todo web app page', 'web-app'],
] as const)(
  '“%s” becomes a %s project that passes its own generated tests',
  async (description, id) => {
    const output = await generate(description);
    expect(output.template).toBe(id);
    expect(output.label).toBe('Template (no AI)');
    expect(output.files.some((file) => file.path.startsWith('test/'))).toBe(true);
    const { status, out } = runOwnTests(output);
    expect(out).toMatch(/# pass [1-9]/);
    expect(out).toMatch(/# fail 0/);
    expect(status).toBe(0);
  },
  60_000,
);

test('a generated project whose code is broken fails its own tests (the check can fail)', async () => {
  const output = await generate('data pipeline for csv');
  const broken = {
    ...output,
    files: output.files.map((file) =>
      file.path === 'src/transform.js'
        ? { ...file, content: file.content.replace('b.total - a.total', 'a.total - b.total') }
        : file,
    ),
  };
  expect(runOwnTests(broken).status).not.toBe(0);
}, 60_000);

test('an explicit template id wins over keywords, and a vague description gets the web app', () => {
  expect(chooseTemplate('a website', 'template:api-service').id).toBe('api-service');
  expect(chooseTemplate('something nice').id).toBe('web-app');
});

test('aborting stops the stream with cancelled', async () => {
  const controller = new AbortController();
  const adapter = createTemplateAdapter({ chunkChars: 10 });
  const seen: string[] = [];
  for await (const part of adapter.stream(
    { model: 'template', messages: [{ role: 'user', content: 'api' }], maxOutputTokens: 0 },
    controller.signal,
  )) {
    seen.push(part.type === 'error' ? part.error.kind : part.type);
    if (seen.length === 3) controller.abort();
  }
  expect(seen.at(-1)).toBe('cancelled');
  expect(seen.length).toBe(4);
});
