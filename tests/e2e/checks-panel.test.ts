/**
 * The Checks panel's own controls, from a real page, on projects brought in as a ZIP (no
 * model, no build): a failure's link reaches the code view at its line; a later run does
 * not change what Replay shows at an earlier point; the exported ORCHESTRA.md states the
 * last result and the command; and a run that would go on for ten minutes shows where it
 * is on its progress bar and ends when Stop is pressed.
 */
import { readFile } from 'node:fs/promises';
import JSZip from 'jszip';
import type { Page } from 'playwright-core';
import { expect, test } from './harness/fixtures.ts';

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

async function zipOf(root: string, files: Record<string, string>): Promise<Buffer> {
  const zip = new JSZip();
  for (const [path, content] of Object.entries(files)) zip.file(`${root}/${path}`, content);
  return Buffer.from(await zip.generateAsync({ type: 'uint8array' }));
}

/** Brings a project in from a ZIP on the Projects screen and opens its files; returns its id. */
async function bringIn(page: Page, appUrl: string, name: string, zip: Buffer): Promise<string> {
  await page.goto(appUrl);
  await page.getByLabel('ZIP file').setInputFiles({ name: `${name}.zip`, mimeType: 'application/zip', buffer: zip });
  await button(page, 'Bring the project in').click();
  await page.getByTestId('bring-in-result').getByRole('link', { name: 'Open its files' }).click();
  await page.waitForURL(/\/artifacts\?project=/);
  return new URL(page.url()).searchParams.get('project') ?? '';
}

const packageJson = JSON.stringify({ name: 'ranges', type: 'module', scripts: { test: 'node --test' } });

/** `total` throws on its fourth line for a list with a hole: the failing test's deepest project frame. */
const rangesProject = {
  'package.json': packageJson,
  'src/range.js': [
    'export function total(list) {',
    '  let sum = 0;',
    '  for (const value of list) {',
    "    if (value === undefined) throw new TypeError('a hole in the list');",
    '    sum += value;',
    '  }',
    '  return sum;',
    '}',
    '',
  ].join('\n'),
  'test/range.test.js': [
    "import assert from 'node:assert/strict';",
    "import { test } from 'node:test';",
    "import { total } from '../src/range.js';",
    "test('adds numbers', () => assert.equal(total([1, 2, 3]), 6));",
    "test('is zero for none', () => assert.equal(total([]), 0));",
    '',
  ].join('\n'),
  'test/holes.test.js': [
    "import assert from 'node:assert/strict';",
    "import { test } from 'node:test';",
    "import { total } from '../src/range.js';",
    "test('skips holes', () => assert.equal(total([1, undefined, 3]), 4));",
    '',
  ].join('\n'),
};

test('a failure links to its line, Replay keeps an earlier run, and ORCHESTRA.md states the last one', async ({
  server,
  profile,
}) => {
  const { page } = profile;
  const projectId = await bringIn(page, server.url, 'ranges', await zipOf('ranges', rangesProject));
  const panel = page.getByTestId('checks-panel');
  const summary = panel.getByTestId('checks-summary');

  await button(page, 'Run tests').click();
  await expect.poll(() => summary.getAttribute('data-outcome'), { timeout: 60_000 }).toBe('completed');
  expect(await summary.textContent()).toBe('2 of 3 tests pass; 1 fails.');
  const failing = panel.getByTestId('check-case').filter({ hasText: 'skips holes' });
  expect(await failing.getAttribute('data-outcome')).toBe('fail');
  expect(await failing.textContent()).toContain('a hole in the list');

  // The failure names where it was thrown; its link opens that file with the line marked.
  const where = failing.getByRole('link', { name: 'src/range.js:4' });
  await where.click();
  await expect.poll(() => new URL(page.url()).searchParams.get('path')).toBe('src/range.js');
  expect(new URL(page.url()).searchParams.get('line')).toBe('4');
  const code = page.getByTestId('code-view');
  await expect.poll(() => code.textContent()).toContain("throw new TypeError('a hole in the list')");
  const mark = code.getByTestId('line-mark');
  expect(await mark.getAttribute('aria-label')).toBe('Line 4');
  await expect.poll(() => mark.isVisible()).toBe(true);

  // A later run with the failing file deleted passes.
  await page.goto(`${server.url}/artifacts?project=${projectId}&path=test/holes.test.js`);
  await button(page, 'Delete file').click();
  await button(page, 'Delete test/holes.test.js').click();
  await expect
    .poll(() => page.locator('[data-testid="file-tree"] button.file[data-path="test/holes.test.js"]').count())
    .toBe(0);
  await button(page, 'Run tests').click();
  await expect.poll(() => summary.textContent(), { timeout: 60_000 }).toBe('2 of 2 tests pass.');

  // The exported ZIP's ORCHESTRA.md states that last result and how to run it again.
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-zip').getByRole('button', { name: 'Export ZIP' }).click();
  const zip = await JSZip.loadAsync(await readFile(await (await downloading).path()));
  const record = (await zip.file(/ORCHESTRA\.md$/)[0]?.async('string')) ?? '';
  const tests = record.split('## Tests\n')[1]?.split('\n## ')[0] ?? '';
  expect(tests).toContain('2 of 2 tests pass.');
  expect(tests).toContain("Run them again on your machine, in the project's folder: `node --test`");
  expect(tests).not.toContain('Files changed after this run');

  // Replay, stepped back from the end to before the second run's result, shows what the
  // first run recorded, not the later one, and runs nothing.
  await page.goto(`${server.url}/replay?project=${projectId}`);
  const slider = page.getByTestId('replay-slider');
  const replayed = page.getByTestId('checks-panel');
  const replayedSummary = replayed.getByTestId('checks-summary');
  await expect.poll(() => replayedSummary.textContent()).toBe('2 of 2 tests pass.');
  const head = Number(await slider.getAttribute('max'));
  await slider.focus();
  // The panel follows the slider as it moves (the runs are read once), so each step is read at once.
  for (let step = 0; step < 20 && (await replayedSummary.textContent()) === '2 of 2 tests pass.'; step++) {
    const before = await slider.inputValue();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => slider.inputValue()).not.toBe(before);
  }
  expect(Number(await slider.inputValue())).toBeLessThan(head);
  expect(await replayedSummary.textContent()).toBe('2 of 3 tests pass; 1 fails.');
  expect(await replayed.getByTestId('check-case').count()).toBe(3);
  expect(await replayed.getByTestId('check-case').filter({ hasText: 'skips holes' }).getAttribute('data-outcome')).toBe(
    'fail',
  );
  expect(await replayed.getByRole('button', { name: 'Run tests' }).count()).toBe(0);
  // Its failure links to the line too.
  await replayed.getByRole('link', { name: 'src/range.js:4' }).click();
  await expect.poll(() => page.getByTestId('line-mark').getAttribute('aria-label')).toBe('Line 4');
}, 180_000);

test('a long run shows its progress bar, and Stop ends it at once with the results so far', async ({
  server,
  profile,
}) => {
  const { page } = profile;
  await bringIn(
    page,
    server.url,
    'endless',
    await zipOf('endless', {
      'package.json': packageJson,
      'test/a-quick.test.js': "import { test } from 'node:test';\ntest('is quick', () => {});\n",
      'test/b-endless.test.js':
        "import { test } from 'node:test';\ntest('never ends', () => {\n  while (true) {}\n});\n",
    }),
  );
  const panel = page.getByTestId('checks-panel');
  // Ten minutes: a run that ends well before has been stopped, not timed out.
  const limit = panel.getByLabel('Time limit (seconds)');
  await limit.fill('600');
  await limit.press('Tab');

  await button(page, 'Run tests').click();
  const bar = panel.getByRole('progressbar', { name: 'Test progress' });
  await expect
    .poll(() => panel.getByTestId('checks-progress').textContent(), { timeout: 60_000 })
    .toBe('Running test/b-endless.test.js (2 of 2) · 1 passed, 0 failed so far');
  // The bar stands at the second of two files.
  expect(await bar.getAttribute('max')).toBe('2');
  expect(await bar.getAttribute('value')).toBe('1');

  await panel.getByRole('button', { name: 'Stop' }).click();
  const summary = panel.getByTestId('checks-summary');
  await expect.poll(() => summary.getAttribute('data-outcome'), { timeout: 30_000 }).toBe('stopped');
  expect(await summary.textContent()).toBe('Stopped by you. Before that, 1 of 1 test passed.');
  expect(await bar.count()).toBe(0);
  expect(await panel.getByRole('button', { name: 'Stop' }).count()).toBe(0);
  // Enabled once the page hears that its call ended too (the result may show a moment before).
  await expect.poll(() => button(page, 'Run tests').isEnabled()).toBe(true);
  expect(await panel.getByTestId('check-case').filter({ hasText: 'is quick' }).getAttribute('data-outcome')).toBe(
    'pass',
  );
  // The page answered throughout: the endless test ran in the sandbox's worker.
  expect(await page.evaluate(() => 1 + 1)).toBe(2);
});
