/**
 * Keys never in clear at rest, on the real disk: keys are entered in Settings, used,
 * some removed, the rest encrypted with a passphrase, the browser restarted; then every
 * file of the profile directory is scanned for each key, in UTF-8 and UTF-16. Chromium
 * keeps overwritten and deleted IndexedDB values in its on-disk log (which it reuses
 * across restarts) until LevelDB compacts, so a key written in clear once stays on disk
 * unless the database holding it is deleted whole or a compaction is made to happen.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import type { Simulator } from '../sim/simulator.ts';
import { chromiumArgs, chromiumPath } from './harness/browser.ts';
import { leveldbTableText } from './harness/leveldb-text.ts';
import { configureProvider } from './harness/provider-settings.ts';
import type { RunningServer } from './harness/server.ts';
import { startSimulatedServer, stopSimulatedServer } from './harness/simulated-server.ts';

let sim: Simulator;
let server: RunningServer;
let profileDir: string;
beforeAll(async () => {
  ({ sim, server } = await startSimulatedServer());
});
beforeEach(async () => {
  profileDir = await mkdtemp(join(tmpdir(), 'orchestra-keys-profile-'));
});
afterEach(async () => {
  await rm(profileDir, { recursive: true, force: true });
});
afterAll(async () => {
  await stopSimulatedServer({ sim, server });
});

const keys = {
  openai: 'sk-proj-DiskScanOpenai-0123456789abcdef',
  anthropic: 'sk-ant-DiskScanAnthropic-0123456789',
  gemini: 'AIzaDiskScanGemini0123456789abcdef',
} as const;
const removedBeforeEncrypting = 'sk-proj-DiskScanRemoved-fedcba9876543210';
const passphrase = 'correct horse battery staple disk';

function launch(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1200, height: 800 },
  });
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Every file of the profile (IndexedDB's LevelDB tables, decompressed, and logs included)
 * that holds a secret, in UTF-8 or UTF-16.
 */
async function scanProfile(secrets: readonly string[]): Promise<string[]> {
  const needles = secrets.flatMap((secret) => [
    { secret, encoding: 'utf8', bytes: Buffer.from(secret, 'utf8') },
    { secret, encoding: 'utf16le', bytes: Buffer.from(secret, 'utf16le') },
  ]);
  const files = await filesUnder(profileDir);
  expect(files.some((file) => file.includes('IndexedDB'))).toBe(true);
  const hits: string[] = [];
  for (const file of files) {
    const raw = await readFile(file).catch(() => Buffer.alloc(0));
    // LevelDB tables are Snappy-compressed block by block: read them decompressed too.
    const tables = leveldbTableText(raw);
    for (const needle of needles) {
      if (raw.includes(needle.bytes)) hits.push(`${needle.secret} (${needle.encoding}) in ${file}`);
      else if (tables?.includes(needle.bytes))
        hits.push(`${needle.secret} (${needle.encoding}, compressed) in ${file}`);
    }
  }
  return hits;
}

test('after entering, removing and encrypting keys and restarting, no file of the profile holds a key', async () => {
  let context = await launch();
  let page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.url}/settings`);
  // A key saved, used and removed again before anything was encrypted.
  await configureProvider(page, 'openai', sim.baseUrl('openai'), removedBeforeEncrypting);
  await page.getByTestId('provider-openai').getByRole('button', { name: 'Remove key' }).click();
  await expect.poll(() => page.getByTestId('provider-openai-status').textContent()).toBe('Key removed.');
  const openai = page.getByTestId('provider-openai');
  await openai.locator('input[name="key"]').fill(keys.openai);
  await openai.getByRole('button', { name: 'Save key' }).click();
  await expect.poll(() => page.getByTestId('provider-openai-status').textContent()).toBe('Key saved on this device.');
  await configureProvider(page, 'anthropic', sim.baseUrl('anthropic'), keys.anthropic);
  await configureProvider(page, 'gemini', sim.baseUrl('gemini'), keys.gemini);
  await page.getByTestId('provider-gemini').getByRole('button', { name: 'Remove key' }).click();
  await expect.poll(() => page.getByTestId('provider-gemini-status').textContent()).toBe('Key removed.');

  const settings = page.getByTestId('passphrase');
  await settings.locator('input[name="passphrase"]').fill(passphrase);
  await settings.getByRole('button', { name: 'Encrypt keys' }).click();
  await expect
    .poll(() => page.getByTestId('key-status').textContent())
    .toBe('Keys are encrypted and unlocked for this session.');
  await page.getByTestId('provider-anthropic').getByRole('button', { name: 'Remove key' }).click();
  await expect.poll(() => page.getByTestId('provider-anthropic-status').textContent()).toBe('Key removed.');
  await context.close();

  // Restart: the keys are still there, encrypted and locked.
  context = await launch();
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.url}/settings`);
  await expect.poll(() => page.getByTestId('key-status').textContent()).toBe('Keys are encrypted and locked.');
  await page.reload();
  await expect.poll(() => page.getByTestId('key-status').textContent()).toBe('Keys are encrypted and locked.');
  await context.close();

  expect(await scanProfile([...Object.values(keys), removedBeforeEncrypting, passphrase])).toEqual([]);
}, 120_000);
