/**
 * Changing a project after it is built, from a real page: a project brought in from a
 * ZIP exports the same bytes; a change that edited two files and added one shows exactly
 * those lines in the diff view, and reverting the project to the first version brings its
 * files back and its tests pass again — once from a hand-made log, once asked for on the
 * Live run screen of a Template project and made by the scripted team on the simulator
 * (the real OpenAI SDK in the worker).
 */
import 'fake-indexeddb/auto';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { ulid } from 'ulid';
import { OrchestraDb } from '../../worker/db/database.ts';
import { createEngine } from '../../worker/engine.ts';
import type { EventDraft } from '../../worker/events/catalog.ts';
import { sha256Hex } from '../../worker/events/hash.ts';
import { createHousekeeping } from '../../worker/projects/housekeeping.ts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { scriptTeam } from '../sim/agent-script.ts';
import {
  changeRequestText,
  clearCompletedSource,
  clearTestSource,
  testImportAfter,
  testImportBefore,
  webAppChangeTeam,
} from '../sim/change-answers.ts';
import type { Simulator } from '../sim/simulator.ts';
import { type ScreenFinding, auditScreen, axeReport } from './harness/axe.ts';
import { expect, test } from './harness/fixtures.ts';
import { createProject } from './harness/new-project.ts';
import { configureProvider } from './harness/provider-settings.ts';
import type { RunningServer } from './harness/server.ts';
import { startSimulatedServer, stopSimulatedServer } from './harness/simulated-server.ts';

let simulated: { sim: Simulator; server: RunningServer } | undefined;
beforeAll(async () => {
  simulated = await startSimulatedServer();
});
afterAll(async () => {
  if (simulated) await stopSimulatedServer(simulated);
});

/** A file in the project's tree (not the deleted files' list). */
const treeFile = (page: Page, path: string) =>
  page.locator(`[data-testid="file-tree"] button.file[data-path="${path}"]`);

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe, 0x80]);

test('a ZIP brought in becomes a project whose exported files match byte for byte', async ({ server, profile }) => {
  const { page } = profile;
  const originals = new Map<string, Uint8Array>([
    ['README.md', new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('# Notes\r\n\r\nCafé 👋\r\n')])],
    ['src/notes.js', utf8('export const notes = [];\n')],
    ['assets/icon.png', png],
    ['.gitignore', utf8('dist/\n')],
  ]);
  const zip = new JSZip();
  for (const [path, bytes] of originals) zip.file(`notes/${path}`, bytes);
  zip.file('notes/dist/bundle.js', 'built');
  zip.file('notes/C:\\evil.txt', 'x');
  const bytes = Buffer.from(await zip.generateAsync({ type: 'uint8array' }));

  await page.goto(`${server.url}/`);
  await page.getByLabel('ZIP file').setInputFiles({ name: 'notes.zip', mimeType: 'application/zip', buffer: bytes });
  await expect.poll(() => page.getByLabel('Project name').inputValue()).toBe('notes');
  await page.getByRole('button', { name: 'Bring the project in' }).click();
  const result = page.getByTestId('bring-in-result');
  await expect.poll(() => result.textContent()).toContain('Brought in 4 files (1 binary).');
  await result.locator('summary').click();
  await expect.poll(() => result.textContent()).toMatch(/dist\/bundle\.js is ignored by \.gitignore/);
  await expect.poll(() => result.textContent()).toMatch(/names a Windows drive/);

  await result.getByRole('link', { name: 'Open its files' }).click();
  await page.waitForURL(/\/artifacts\?project=/);
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export ZIP' }).click();
  const exported = await JSZip.loadAsync(await readFile(await (await downloading).path()));
  for (const [path, original] of originals) {
    const entry = exported.file(`notes/${path}`);
    expect(entry, path).not.toBeNull();
    expect(Buffer.from((await entry?.async('uint8array')) ?? []).equals(Buffer.from(original)), path).toBe(true);
  }
  expect(exported.file('notes/dist/bundle.js')).toBeNull();
});

/** A project's log, made in this process: a first version, then a change that edits two files and adds one. */
async function changedProjectBundle(): Promise<{ file: string; projectId: string; changeSeq: number }> {
  const engine = createEngine(new OrchestraDb(`e2e-changes-${Date.now()}`));
  const projectId = ulid();
  await engine.locks.claim(projectId);
  const sumV1 =
    'export function sum(values) {\n  let total = 0;\n  for (const value of values) total += value;\n  return total;\n}\n';
  const testV1 = [
    "import { test } from 'node:test';",
    "import assert from 'node:assert/strict';",
    "import { sum } from '../src/sum.js';",
    '',
    "test('sum adds numbers', () => {",
    '  assert.equal(sum([1, 2, 3]), 6);',
    '});',
    '',
  ].join('\n');
  const sumV2 = sumV1.replace(
    '  let total = 0;\n',
    '  let total = 0;\n  if (!Array.isArray(values)) throw new TypeError("values must be an array");\n',
  );
  const testV2 = testV1.replace('  assert.equal(sum([1, 2, 3]), 6);\n', '  assert.equal(sum([1, 2, 3]), 7);\n');
  const format = 'export const format = (total) => `Total: ${total}`;\n';
  const pkg = '{ "name": "sums", "type": "module", "scripts": { "test": "node --test" } }\n';
  const write = async (
    path: string,
    content: string,
    created: boolean,
  ): Promise<EventDraft & { blob: { hash: string; content: string } }> => {
    const contentHash = await sha256Hex(content);
    return {
      type: created ? 'artifact-create' : 'artifact-version',
      actor: { kind: 'agent', role: 'code-generator' },
      payload: {
        path,
        kind: 'source',
        language: 'javascript',
        contentHash,
        size: content.length,
        provenance: { source: 'ai', role: 'code-generator' },
      },
      blob: { hash: contentHash, content },
    };
  };
  const append = async (drafts: (EventDraft & { blob?: { hash: string; content: string } })[]) => {
    const events = await engine.store.append(
      projectId,
      drafts.map(({ blob: _blob, ...draft }) => draft),
      { blobs: drafts.flatMap((draft) => (draft.blob ? [draft.blob] : [])) },
    );
    return events.at(-1)?.seq ?? 0;
  };
  await append([
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: { name: 'Sums', description: 'Adds numbers.', template: null, budgetUsd: null },
    },
    await write('package.json', pkg, true),
    await write('src/sum.js', sumV1, true),
    await write('test/sum.test.js', testV1, true),
  ]);
  const changeSeq = await append([
    await write('src/sum.js', sumV2, false),
    await write('test/sum.test.js', testV2, false),
    await write('src/format.js', format, true),
  ]);
  const exported = await createHousekeeping(engine).exportProject(projectId);
  if (!exported.ok) throw new Error(exported.message);
  const file = join(tmpdir(), `changes-${projectId}.orchestra.json`);
  await writeFile(file, exported.value.text);
  return { file, projectId, changeSeq };
}

test('a change that edited two files and added one: the diff shows exactly those lines, and a revert brings the first version back with its tests passing', async ({
  server,
  profile,
}) => {
  const { page } = profile;
  const { file, projectId } = await changedProjectBundle();
  await page.goto(`${server.url}/data`);
  await page.getByLabel('Import a project (.orchestra.json)').setInputFiles(file);
  await expect.poll(() => page.getByTestId('storage-notice').textContent()).toMatch(/^Imported a project/);

  // The Live run screen sums up the change.
  await page.goto(`${server.url}/run?project=${projectId}`);
  await expect
    .poll(() => page.getByTestId('change-sentence').textContent())
    .toMatch(/^4 files changed, \+\d+ \u22120$/);
  await page.goto(`${server.url}/artifacts?project=${projectId}&path=src%2Fsum.js`);
  const changes = page.getByTestId('file-changes');
  await expect.poll(() => changes.getByTestId('diff-stat').textContent()).toMatch(/^\+1 \u22120/);
  const rows = changes.getByTestId('diff-unified').locator('tr[data-kind="add"], tr[data-kind="remove"]');
  await expect
    .poll(() => rows.allTextContents())
    .toEqual([expect.stringContaining('if (!Array.isArray(values)) throw new TypeError("values must be an array");')]);
  await page.getByRole('button', { name: 'Side by side' }).click();
  await expect.poll(() => changes.getByTestId('diff-split').locator('td[data-kind="add"]').count()).toBe(1);

  await page.goto(`${server.url}/artifacts?project=${projectId}&path=test%2Fsum.test.js`);
  const testRows = page.getByTestId('diff-unified').locator('tr[data-kind="add"], tr[data-kind="remove"]');
  await expect
    .poll(() => testRows.allTextContents())
    .toEqual([
      expect.stringContaining('assert.equal(sum([1, 2, 3]), 6);'),
      expect.stringContaining('assert.equal(sum([1, 2, 3]), 7);'),
    ]);

  // The tests fail after the change…
  const checks = page.getByTestId('checks-panel');
  await page.getByRole('button', { name: 'Run tests', exact: true }).click();
  await expect
    .poll(() => checks.getByTestId('checks-summary').getAttribute('data-outcome'), { timeout: 60_000 })
    .toBe('completed');
  await expect.poll(() => checks.textContent()).toMatch(/0 of 1 tests? pass/);

  // …and pass again once the project is back at its first version.
  await page.getByLabel('Version').selectOption('1');
  await page.getByRole('button', { name: 'Revert the whole project to this point' }).click();
  await expect
    .poll(() => page.getByRole('status').filter({ hasText: 'went back' }).textContent())
    .toBe('2 files went back to this point; 1 made later was deleted (src/format.js).');
  // The tree is the tree at that point: the file the change added is gone, kept in its history.
  // (The tree follows the log live, so it may change a moment after the command's sentence.)
  await expect.poll(() => treeFile(page, 'src/sum.js').count()).toBe(1);
  await expect.poll(() => treeFile(page, 'src/format.js').count()).toBe(0);
  await expect
    .poll(() => page.getByTestId('deleted-files').locator('button.file').allTextContents())
    .toEqual(['src/format.js']);
  await page.getByRole('button', { name: 'Run tests', exact: true }).click();
  await expect.poll(() => checks.textContent(), { timeout: 60_000 }).toMatch(/1 of 1 tests? pass/);
  await page.getByLabel('Version').selectOption('3');
  await expect.poll(() => page.getByTestId('code-view').textContent()).toContain('assert.equal(sum([1, 2, 3]), 6);');
  await expect.poll(() => page.getByTestId('version-details').textContent()).toContain('brings back v1');

  // "Compare with" follows the version shown: a choice no longer earlier than it falls back to the previous one.
  const compare = page.getByLabel('Compare with');
  await compare.selectOption('2');
  await expect.poll(() => page.getByTestId('diff-stat').textContent()).toContain('v2 → v3');
  await page.getByLabel('Version').selectOption('2');
  await expect.poll(() => page.getByTestId('diff-stat').textContent()).toContain('v1 → v2');
  await expect.poll(() => compare.inputValue()).toBe('1');
  await page.getByLabel('Version').selectOption('3');
  await expect.poll(() => page.getByTestId('diff-stat').textContent()).toContain('v2 → v3');

  // The revert is reverted like any change: back to the point the deleted file was made, it returns.
  await page.getByTestId('deleted-files').locator('summary').click();
  await page.getByTestId('deleted-files').getByRole('button', { name: 'src/format.js' }).click();
  await expect
    .poll(() => page.getByTestId('deleted-notice').textContent())
    .toContain('Reverted the project to a point before this file was made');
  await page.getByLabel('Version').selectOption('1');
  await page.getByRole('button', { name: 'Revert the whole project to this point' }).click();
  await expect
    .poll(() => page.getByRole('status').filter({ hasText: 'went back' }).textContent())
    .toBe('3 files went back to this point.');
  await treeFile(page, 'src/format.js').waitFor();
  expect(await page.getByTestId('deleted-files').count()).toBe(0);
});

test("the version shown and the one compared with hold while the project's log grows under them", async ({
  server,
  profile,
}) => {
  const { page } = profile;
  const { file, projectId } = await changedProjectBundle();
  await page.goto(`${server.url}/data`);
  await page.getByLabel('Import a project (.orchestra.json)').setInputFiles(file);
  await expect.poll(() => page.getByTestId('storage-notice').textContent()).toMatch(/^Imported a project/);
  await page.goto(`${server.url}/artifacts?project=${projectId}&path=src%2Fsum.js&version=1`);
  const version = page.getByLabel('Version');
  const compare = page.getByLabel('Compare with');
  await version.selectOption('2');
  await expect.poll(() => page.getByTestId('diff-stat').textContent()).toContain('v1 → v2');
  expect(await compare.inputValue()).toBe('1');

  // Running the tests writes to the log: the screen reads the project again (new rows for the
  // same versions). Before, both lists were built anew and lost their choice: "Compare with"
  // said "nothing" while the diff was still v1 → v2.
  await page.getByRole('button', { name: 'Run tests', exact: true }).click();
  await expect
    .poll(() => page.getByTestId('checks-panel').getByTestId('checks-summary').getAttribute('data-outcome'), {
      timeout: 60_000,
    })
    .toBe('completed');
  await expect.poll(() => page.getByTestId('checks-panel').textContent()).toMatch(/0 of 1 tests? pass/);
  expect(await version.inputValue()).toBe('2');
  expect(await compare.inputValue()).toBe('1');
  expect(await page.getByTestId('diff-stat').textContent()).toContain('v1 → v2');
});

const runStatus = (page: Page) => page.getByTestId('run-status').getAttribute('data-status');
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
/**
 * The lines a diff view marks as added or removed, as "add <code>" / "remove <code>", sorted:
 * which lines changed, whichever way the line diff aligns a moved closing brace.
 */
const changedLines = (page: Page) =>
  page
    .getByTestId('diff-unified')
    .locator('tr[data-kind="add"], tr[data-kind="remove"]')
    .evaluateAll((rows) =>
      rows
        .map((row) => `${row.getAttribute('data-kind')} ${row.querySelector('.diff-code')?.textContent ?? ''}`)
        .sort(),
    );
const marked = (kind: 'add' | 'remove', lines: readonly string[]) => lines.map((line) => `${kind} ${line}`);

test(
  'a Template project, then a change asked for on the Live run screen: the team edits two files and adds one, the diff shows exactly that, and a revert brings the first version back with its tests passing',
  { timeout: 180_000 },
  async ({ profile }) => {
    const { page } = profile;
    if (!simulated) throw new Error('The simulator did not start.');
    const { sim, server } = simulated;
    await createProject(page, server.url, { name: 'Chores', description: 'A chores list', template: 'web-app' });
    const runUrl = page.url();
    // No key: the Template provider builds the starter, whose tests pass.
    await button(page, 'Start').click();
    await page.getByTestId('plan-review').waitFor();
    await button(page, 'Approve plan').click();
    await expect.poll(() => runStatus(page), { timeout: 60_000 }).toBe('stopped');
    await expect
      .poll(() => page.getByTestId('run-message').textContent(), { timeout: 60_000 })
      .toBe('Every task is done. 2 of 2 tests pass.');

    // A key (the simulator's), and the scripted team's answers to the change.
    scriptTeam(sim, 'openai', webAppChangeTeam({ firstTokenMs: 20, tokensPerSecond: 4000 }));
    await page.goto(`${server.url}/settings`);
    await configureProvider(page, 'openai', sim.baseUrl('openai'), 'sk-proj-AskForChange-0123456789abcdef');
    await page.goto(runUrl);

    const ask = page.getByRole('region', { name: 'Ask for a change' });
    await ask.getByLabel('What should change?').fill(changeRequestText);
    await ask.getByRole('button', { name: 'Ask for a change' }).click();
    const review = page.getByTestId('plan-review');
    await expect.poll(() => review.getByRole('heading').first().textContent()).toBe('Change plan to approve');
    expect(await review.getByTestId('change-request').textContent()).toBe(`You asked: “${changeRequestText}”`);
    expect(await review.getByTestId('plan-task-files').allTextContents()).toEqual([
      'Modifies src/tasks.js · Adds src/summary.js',
      'Modifies test/tasks.test.js',
    ]);
    const findings: ScreenFinding[] = [];
    await auditScreen(page, 'run-change-plan-review', findings);
    expect(axeReport(findings)).toEqual([]);
    await button(page, 'Approve plan').click();
    await expect.poll(() => runStatus(page), { timeout: 120_000 }).toBe('stopped');
    await expect
      .poll(() => page.getByTestId('run-message').textContent(), { timeout: 60_000 })
      .toBe('Every task is done. 3 of 3 tests pass.');
    // The change, summed up: two files edited, one added, nothing else touched.
    await expect.poll(() => page.getByTestId('change-sentence').textContent()).toBe('3 files changed, +14 \u22121');
    expect(await page.getByTestId('change-summary').locator('li a').allTextContents()).toEqual(
      expect.arrayContaining(['src/tasks.js', 'test/tasks.test.js', 'src/summary.js']),
    );
    expect(await page.getByTestId('change-summary').locator('li').count()).toBe(3);

    // The diff view shows exactly the lines the edit blocks changed.
    await page.getByTestId('change-summary').getByRole('link', { name: 'src/tasks.js' }).click();
    await page.waitForURL(/\/artifacts\?project=/);
    await expect
      .poll(() => changedLines(page))
      .toEqual(marked('add', clearCompletedSource.split('\n').slice(0, -1)).sort());
    const projectUrl = page.url().replace(/&path=.*$/, '');
    await page.goto(`${projectUrl}&path=${encodeURIComponent('test/tasks.test.js')}`);
    await expect
      .poll(() => changedLines(page))
      .toEqual(
        [
          ...marked('remove', [testImportBefore]),
          ...marked('add', [testImportAfter, ...clearTestSource.split('\n').slice(0, -1)]),
        ].sort(),
      );

    // Back to the first version: the change's files return, its tests pass again.
    await page.getByLabel('Version').selectOption('1');
    await page.getByRole('button', { name: 'Revert the whole project to this point' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'went back' }).textContent())
      .toBe('2 files went back to this point; 1 made later was deleted (src/summary.js).');
    expect(await treeFile(page, 'src/summary.js').count()).toBe(0);
    const checks = page.getByTestId('checks-panel');
    await page.getByRole('button', { name: 'Run tests', exact: true }).click();
    await expect.poll(() => checks.textContent(), { timeout: 60_000 }).toMatch(/2 of 2 tests pass/);
  },
);
