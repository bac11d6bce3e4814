import { latestVersion } from '../../worker/db/schema.ts';
import { expect, test } from './harness/fixtures.ts';

test('the app loads, the worker answers over Comlink, and a setting it stored survives a reload', async ({
  server,
  profile,
}) => {
  const { page } = profile;
  await page.goto(`${server.url}/settings`);
  await expect.poll(() => page.getByTestId('engine-status').textContent()).toBe('Engine ready');

  await page.getByLabel('Dark').check();
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');

  await page.reload();
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
  expect(await page.getByLabel('Dark').isChecked()).toBe(true);

  // The value really is in IndexedDB, written by the worker: read it without the app.
  const stored = await page.evaluate(
    () =>
      new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open('orchestra');
        open.onerror = () => reject(new Error(open.error?.message));
        open.onsuccess = () => {
          const read = open.result.transaction('settings').objectStore('settings').get('theme');
          read.onsuccess = () => resolve(read.result);
          read.onerror = () => reject(new Error(read.error?.message));
        };
      }),
  );
  expect(stored).toMatchObject({ key: 'theme', value: 'dark' });
});

test('the Data view shows the engine, its database version and the storage figures', async ({ server, profile }) => {
  const { page } = profile;
  await page.goto(`${server.url}/data`);
  await expect.poll(() => page.getByTestId('health-status').textContent()).toBe('Ready');
  expect(await page.getByTestId('health-database').textContent()).toMatch(
    new RegExp(`^orchestra, schema version ${latestVersion} \\(.*commits.*meta.*providerKeys.*settings.*\\)$`),
  );
  expect(await page.getByTestId('health-storage').textContent()).toMatch(/ of .* available to this site$/);
  const persisted = await page.getByTestId('health-persisted').textContent();
  expect(['Yes', 'No']).toContain(persisted);
  if (persisted === 'No') {
    // Headless Chromium answers persist() at once; either answer must show.
    await page.getByRole('button', { name: 'Keep my data' }).click();
    await expect
      .poll(
        async () =>
          (await page.getByTestId('health-persisted').textContent()) === 'Yes' ||
          (await page.getByTestId('persist-refused').count()) > 0,
      )
      .toBe(true);
  }
});

test('every view is reachable from the keyboard alone, and the theme follows the system', async ({
  server,
  profile,
}) => {
  const { page } = profile;
  await page.goto(server.url);
  await expect.poll(() => page.getByTestId('engine-status').textContent()).toBe('Engine ready');

  const reached: string[] = [];
  for (let i = 0; i < 15; i++) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => {
      const active = document.activeElement;
      return active?.closest('nav') ? active.textContent : null;
    });
    if (label) reached.push(label);
  }
  expect(reached).toEqual([
    'Projects',
    'New project',
    'Live run',
    'Artifacts',
    'Replay',
    'Router & costs',
    'Data',
    'Settings',
  ]);

  // Enter on a focused link navigates and moves focus to the view.
  await page.getByRole('link', { name: 'Settings' }).focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Settings');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(await background()).toBe('rgb(247, 247, 251)');
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await background()).toBe('rgb(21, 21, 31)');
});
