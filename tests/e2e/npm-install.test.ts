/**
 * A project that declares npm packages, in real Chromium against the real server and the
 * fixture registry (tests/sim/npm-registry.ts): the Checks panel asks before anything is
 * downloaded; declined, the run names the package that blocked it; allowed, the engine
 * installs the packages (verified, unpacked) and the suite passes in the sandbox; after
 * that, with the network off, the run installs from the device's cache. The generated
 * code's own request to the registry never leaves its frame.
 */
import JSZip from 'jszip';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type NpmRegistry, startNpmRegistry } from '../sim/npm-registry.ts';
import { expect, test } from './harness/fixtures.ts';
import { type RunningServer, startServer } from './harness/server.ts';

let registry: NpmRegistry;
let server: RunningServer;
beforeAll(async () => {
  registry = await startNpmRegistry();
  // The app may reach the fixture registry as it reaches registry.npmjs.org.
  server = await startServer({ env: { ORCHESTRA_CONNECT_SRC: registry.url } });
});
afterAll(async () => {
  await server?.stop();
  await registry?.stop();
});

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

async function projectZip(): Promise<Buffer> {
  const zip = new JSZip();
  const files: Record<string, string> = {
    'package.json': JSON.stringify({
      name: 'greeter',
      type: 'module',
      scripts: { test: 'node --test' },
      dependencies: { 'esm-greet': '^1.2.0' },
      devDependencies: { 'cjs-sum': '^1.0.0' },
    }),
    'src/hello.js': "import { greet } from 'esm-greet';\nexport const hello = () => greet('you');\n",
    'test/hello.test.js': [
      "import test from 'node:test';",
      "import assert from 'node:assert/strict';",
      "import { hello } from '../src/hello.js';",
      "test('greets through an ES module package', () => assert.equal(hello(), '<red>HELLO YOU</red>'));",
    ].join('\n'),
    'test/sum.test.cjs': [
      "const test = require('node:test');",
      "const assert = require('node:assert');",
      "const sum = require('cjs-sum');",
      "test('sums through a CommonJS package', () => assert.equal(sum(2, 3), 5));",
    ].join('\n'),
    'test/network.test.js': [
      "import test from 'node:test';",
      "import assert from 'node:assert/strict';",
      `test('the generated code cannot reach the registry', async () => { await assert.rejects(fetch(${JSON.stringify(`${registry.url}/asked-by-generated-code`)})); });`,
    ].join('\n'),
  };
  for (const [path, content] of Object.entries(files)) zip.file(`greeter/${path}`, content);
  return Buffer.from(await zip.generateAsync({ type: 'uint8array' }));
}

test('the Checks panel asks before downloading, and the packages then work offline', async ({ profile }) => {
  const { page, context } = profile;
  const host = new URL(registry.url).host;

  // This device downloads from the fixture registry (Settings › Test runs).
  await page.goto(`${server.url}/settings`);
  await page.getByLabel('npm registry').fill(registry.url);
  await button(page, 'Save registry').click();
  await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved.' }).count()).toBe(1);

  await page.goto(`${server.url}/`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page
    .getByLabel('ZIP file')
    .setInputFiles({ name: 'greeter.zip', mimeType: 'application/zip', buffer: await projectZip() });
  await button(page, 'Bring the project in').click();
  await page.getByTestId('bring-in-result').getByRole('link', { name: 'Open its files' }).click();
  await page.waitForURL(/\/artifacts\?project=/);

  const panel = page.getByTestId('checks-panel');
  const summary = panel.getByTestId('checks-summary');
  const question = panel.getByRole('group', {
    name: `This project needs 2 packages from ${host}: cjs-sum, esm-greet.`,
  });
  await question.waitFor();
  const allow = question.getByRole('button', { name: 'Allow downloads for this run' });
  expect(await allow.isEnabled()).toBe(true);

  // Declined: Run tests uses only what the device has, and says which package is missing.
  const before = registry.requests.length;
  await button(page, 'Run tests').click();
  await expect.poll(() => summary.getAttribute('data-outcome'), { timeout: 60_000 }).toBe('not-runnable');
  expect(await summary.textContent()).toContain(
    `The tests need the npm package 'cjs-sum', which is not in this device's package cache, and downloads from ${host} were not allowed for this run.`,
  );
  expect(registry.requests.slice(before)).toEqual([]);

  // Allowed for this run: the engine installs them and the suite passes.
  await allow.click();
  await expect.poll(() => summary.getAttribute('data-outcome'), { timeout: 60_000 }).toBe('completed');
  await expect.poll(() => summary.textContent()).toBe('3 of 3 tests pass.');
  const asked = registry.requests.slice(before);
  expect(asked).toContain('/esm-greet');
  expect(asked).toContain('/cjs-sum/-/cjs-sum-1.0.0.tgz');
  // The generated code's own fetch never reached the registry.
  expect(registry.requests).not.toContain('/asked-by-generated-code');
  await expect
    .poll(() => panel.getByTestId('dependency-status').textContent())
    .toBe(`Its 2 packages from ${host} (cjs-sum, esm-greet) are on this device: runs need no network.`);
  expect(await question.count()).toBe(0);

  // Offline: the registry is gone and the browser has no network; the cache installs them.
  registry.setOnline(false);
  await context.setOffline(true);
  try {
    const offlineBefore = registry.requests.length;
    await button(page, 'Run tests').click();
    // The offline run's output says where its packages came from: that is how it is told apart.
    await panel.locator('.checks-output summary').click();
    await expect
      .poll(() => panel.getByLabel('Test output').textContent(), { timeout: 60_000 })
      .toContain(`Installed 5 npm packages from ${host} (all from this device's cache)`);
    expect(await summary.textContent()).toBe('3 of 3 tests pass.');
    expect(registry.requests.length).toBe(offlineBefore);
  } finally {
    await context.setOffline(false);
    registry.setOnline(true);
  }

  // Settings › Test runs shows what the cache holds, and clears it: the panel asks again.
  const projectUrl = page.url();
  await page.goto(`${server.url}/settings`);
  const usage = page.getByTestId('package-cache-usage');
  await expect
    .poll(() => usage.textContent())
    .toMatch(/^The package cache holds 5 packages \(\d+(\.\d)? KB\) on this device\.$/);
  await button(page, 'Clear package cache').click();
  await expect.poll(() => usage.textContent()).toBe('The package cache is empty.');
  expect(await page.getByRole('status').filter({ hasText: 'Cleared' }).count()).toBe(1);
  expect(await button(page, 'Clear package cache').isDisabled()).toBe(true);
  await page.goto(projectUrl);
  await question.waitFor();
  expect(await question.getByRole('button', { name: 'Allow downloads for this run' }).isEnabled()).toBe(true);
});
