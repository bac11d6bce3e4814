import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { distDir } from '../../server/build/build-stamp.ts';
import { latestVersion } from '../../worker/db/schema.ts';
import { expect, test } from './harness/fixtures.ts';
import { startServer } from './harness/server.ts';

async function waitForServiceWorkerControl(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise((resolve) =>
      navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
    );
  });
}

test('with the network off and the server gone, a reload still opens the app and its database', async ({ profile }) => {
  // A server of this test's own, so stopping it does not affect the other tests.
  const server = await startServer();
  const { page, context } = profile;
  try {
    await page.goto(`${server.url}/data`);
    await expect.poll(() => page.getByTestId('health-status').textContent()).toBe('Ready');
    // First visit: the service worker installs, precaches the shell, and the app says so.
    await expect.poll(() => page.getByTestId('offline-ready').count(), { timeout: 20_000 }).toBe(1);
    // It is news, not a question: it goes by itself rather than covering the view's corner.
    await expect.poll(() => page.getByTestId('offline-ready').count(), { timeout: 20_000 }).toBe(0);
    await page.reload();
    await waitForServiceWorkerControl(page);
  } finally {
    await server.stop();
  }

  await context.setOffline(true);
  await page.reload();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Data');
  await expect.poll(() => page.getByTestId('health-status').textContent()).toBe('Ready');
  expect(await page.getByTestId('health-database').textContent()).toContain(`schema version ${latestVersion}`);
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  // Deep links work offline too: the service worker answers app routes with the shell.
  await page.goto(`${server.url}/settings`);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Settings');
});

test('a new deployment shows "update available", and Reload switches to it', async ({ profile }) => {
  const copy = await mkdtemp(join(tmpdir(), 'orchestra-dist-'));
  await cp(distDir, copy, { recursive: true });
  const server = await startServer({ distDir: copy });
  const { page } = profile;
  try {
    await page.goto(server.url);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await waitForServiceWorkerControl(page);
    const cachedShell = () =>
      page.evaluate(async () => {
        const urls: string[] = [];
        for (const name of await caches.keys()) {
          for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
        }
        return urls.filter((url) => url.includes('index.html'));
      });
    expect(await cachedShell()).not.toContainEqual(expect.stringContaining('a-new-deploy'));
    expect(await page.getByTestId('update-prompt').count()).toBe(0);

    // Deploy a new version: a service worker whose precache list names a new revision of the shell.
    const swPath = join(copy, 'sw.js');
    const sw = await readFile(swPath, 'utf8');
    // Minified or not: {url:"index.html",revision:"…"} or {"url": "index.html", "revision": "…"}.
    const shellEntry = /("?url"?:\s*"index\.html",\s*"?revision"?:\s*")[^"]+"/;
    expect(sw).toMatch(shellEntry);
    await writeFile(swPath, sw.replace(shellEntry, '$1a-new-deploy"'));
    for (const variant of ['sw.js.br', 'sw.js.gz']) await rm(join(copy, variant), { force: true });

    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await expect.poll(() => page.getByTestId('update-prompt').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId('update-prompt').textContent()).toContain('A new version of Orchestra is available.');

    const reloaded = page.waitForEvent('framenavigated');
    await page.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await waitForServiceWorkerControl(page);
    await expect.poll(() => page.getByTestId('engine-status').textContent()).toBe('Engine ready');
    expect(await page.getByTestId('update-prompt').count()).toBe(0);
    // The new version took over: nothing waits, and the shell it precached is the new one.
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBe(
      null,
    );
    expect(await cachedShell()).toContainEqual(expect.stringContaining('__WB_REVISION__=a-new-deploy'));
  } finally {
    await server.stop();
    await rm(copy, { recursive: true, force: true });
  }
});
