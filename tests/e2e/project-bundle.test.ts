import { readFile } from 'node:fs/promises';
import { expect, test } from './harness/fixtures.ts';

test('a project is exported, deleted and imported back from its file; a damaged file is refused', async ({
  server,
  profile,
}) => {
  const { page } = profile;
  await page.goto(`${server.url}/new`);
  await page.getByLabel('Name').fill('Portable project');
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(/\/run\?project=/);
  await page.getByLabel('Message to the team').fill('Travel well');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect.poll(() => page.getByTestId('feed').textContent()).toContain('You: Travel well');

  await page.goto(`${server.url}/data`);
  const usage = page.getByTestId('project-usage');
  await expect.poll(() => usage.textContent()).toContain('Portable project');
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('portable-project.orchestra.json');
  const file = await download.path();
  const bundle = JSON.parse(await readFile(file, 'utf8')) as { format: string; events: { type: string }[] };
  expect(bundle.format).toBe('orchestra-project-bundle');
  expect(bundle.events.map((event) => event.type)).toEqual(['project-create', 'user-message']);

  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Really delete?' }).click();
  await expect.poll(() => page.getByTestId('storage-notice').textContent()).toContain('Deleted “Portable project”');
  expect(await usage.count()).toBe(0);

  const picker = page.getByLabel('Import a project (.orchestra.json)');
  await picker.setInputFiles({
    name: 'broken.orchestra.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"format":"orchestra-project-bun'),
  });
  await expect.poll(() => page.getByTestId('storage-notice').textContent()).toContain('not valid JSON');
  expect(await usage.count()).toBe(0);

  await picker.setInputFiles(file);
  await expect.poll(() => page.getByTestId('storage-notice').textContent()).toBe('Imported a project with 2 events.');
  await expect.poll(() => usage.textContent()).toContain('Portable project');

  // The same file again: refused as a duplicate, then kept as a copy on request.
  await picker.setInputFiles(file);
  await expect.poll(() => page.getByTestId('storage-notice').textContent()).toContain('already on this device');
  await page.getByRole('button', { name: 'Import as a copy' }).click();
  await expect.poll(() => usage.locator('tbody tr').count()).toBe(2);

  // The imported run is browsable: its feed replays from the log.
  await page.goto(server.url);
  await page.getByTestId('project-list').getByRole('link').first().click();
  await expect.poll(() => page.getByTestId('feed').textContent()).toContain('You: Travel well');
});
