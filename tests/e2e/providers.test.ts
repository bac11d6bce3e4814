/**
 * Model providers from a real page: keys entered in Settings are used by the engine's
 * worker, through the real SDKs loaded lazily there, to call the provider simulator —
 * which answers CORS the way each real host does.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Simulator } from '../sim/simulator.ts';
import { expect, test } from './harness/fixtures.ts';
import type { RunningServer } from './harness/server.ts';
import { startSimulatedServer, stopSimulatedServer } from './harness/simulated-server.ts';
import { configureProvider } from './harness/provider-settings.ts';

let sim: Simulator;
let server: RunningServer;
beforeAll(async () => ({ sim, server } = await startSimulatedServer()));
afterAll(() => stopSimulatedServer({ sim, server }));

const openaiKey = 'sk-proj-E2eSecretKey-0123456789abcdef';

const configure = configureProvider;

async function testKey(page: Page, provider: string): Promise<string> {
  const status = page.getByTestId(`provider-${provider}-status`);
  const before = (await status.textContent().catch(() => '')) ?? '';
  await page.getByTestId(`provider-${provider}`).getByRole('button', { name: 'Test key' }).click();
  await expect.poll(async () => (await status.textContent()) !== before).toBe(true);
  return (await status.textContent()) ?? '';
}

/** Every record of every object store in the app's IndexedDB, binary values as text. */
function dumpIndexedDb(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('orchestra');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('open failed'));
    });
    const stores = [...db.objectStoreNames];
    const all = await Promise.all(
      stores.map(
        (name) =>
          new Promise<unknown[]>((resolve, reject) => {
            const request = db.transaction(name).objectStore(name).getAll();
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error ?? new Error('read failed'));
          }),
      ),
    );
    db.close();
    return JSON.stringify(all, (_, value: unknown) =>
      value instanceof Uint8Array || value instanceof ArrayBuffer
        ? String.fromCharCode(...new Uint8Array(value instanceof ArrayBuffer ? value : value.buffer))
        : value,
    );
  });
}

test('a key entered in Settings is used by the worker for a call to the provider, and only there', async ({
  profile,
}) => {
  const { page } = profile;
  await page.goto(`${server.url}/settings`);
  await configure(page, 'openai', sim.baseUrl('openai'), openaiKey);
  expect(await testKey(page, 'openai')).toMatch(/^The key works: 2 models available/);
  const received = sim.requests.at(-1);
  expect(received?.provider).toBe('openai');
  expect(received?.path).toBe('/v1/models');
  expect(received?.headers.authorization).toBe(`Bearer ${openaiKey}`);
  expect(received?.headers.origin).toBe(server.url);

  // Anthropic's preflight passes only with the browser-access header; Gemini's only
  // with its three allowed headers: both calls working proves the SDKs send them.
  await configure(page, 'anthropic', sim.baseUrl('anthropic'), 'sk-ant-e2e-key-000000');
  expect(await testKey(page, 'anthropic')).toMatch(/^The key works/);
  await configure(page, 'gemini', sim.baseUrl('gemini'), 'AIzaE2eGeminiKey0000000000000');
  expect(await testKey(page, 'gemini')).toMatch(/^The key works/);
  const keysSeen = sim.requests.filter((request) => request.method !== 'OPTIONS');
  for (const request of keysSeen) {
    const headers = JSON.stringify(request.headers);
    if (request.provider !== 'openai') expect(headers).not.toContain(openaiKey);
  }
});

test('a rejected OpenAI key (a 401 without CORS headers) is reported as such, not as a bare network error', async ({
  profile,
}) => {
  const { page } = profile;
  await page.goto(`${server.url}/settings`);
  await configure(page, 'openai', sim.baseUrl('openai'), 'sk-proj-rejected-key-000000000');
  sim.enqueue('openai', { kind: 'auth' });
  const message = await testKey(page, 'openai');
  expect(message).toContain('the key was rejected or the network blocked the call');
  expect(message).toContain('Check your OpenAI (GPT) key in Settings');
  expect(message).not.toContain('sk-proj-rejected-key');
});

test('with a passphrase the key is absent from IndexedDB in clear, locked after a reload, and usable once unlocked', async ({
  profile,
}) => {
  const { page } = profile;
  await page.goto(`${server.url}/settings`);
  await configure(page, 'openai', sim.baseUrl('openai'), openaiKey);
  // Sealed with the device key from its first write.
  expect(await dumpIndexedDb(page)).not.toContain(openaiKey);

  const passphrase = page.getByTestId('passphrase');
  await passphrase.locator('input[name="passphrase"]').fill('correct horse battery staple');
  await passphrase.getByRole('button', { name: 'Encrypt keys' }).click();
  await expect
    .poll(() => page.getByTestId('key-status').textContent())
    .toBe('Keys are encrypted and unlocked for this session.');
  const stored = await dumpIndexedDb(page);
  expect(stored).not.toContain(openaiKey);
  expect(stored).not.toContain('correct horse battery staple');

  await page.reload();
  await expect.poll(() => page.getByTestId('key-status').textContent()).toBe('Keys are encrypted and locked.');
  expect(await testKey(page, 'openai')).toContain('Your API keys are locked');

  await passphrase.locator('input[name="passphrase"]').fill('correct horse battery staple');
  await passphrase.getByRole('button', { name: 'Unlock keys' }).click();
  await expect
    .poll(() => page.getByTestId('key-status').textContent())
    .toBe('Keys are encrypted and unlocked for this session.');
  expect(await testKey(page, 'openai')).toMatch(/^The key works/);
  expect(sim.requests.at(-1)?.headers.authorization).toBe(`Bearer ${openaiKey}`);
});

test('a stored key is in no event, no other table and no export of a project', async ({ profile }) => {
  const { page } = profile;
  await page.goto(`${server.url}/settings`);
  await configure(page, 'openai', sim.baseUrl('openai'), openaiKey);

  await page.goto(`${server.url}/new`);
  await page.getByLabel('Name').fill('Keyless export');
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(/\/run\?project=/);
  await page.getByLabel('Message to the team').fill('Ship it');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect.poll(() => page.getByTestId('feed').textContent()).toContain('You: Ship it');

  // Without a passphrase the key is sealed with the device key: in clear nowhere.
  expect(await dumpIndexedDb(page)).not.toContain(openaiKey);

  await page.goto(`${server.url}/data`);
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  const exported = await readFile(await (await downloading).path(), 'utf8');
  expect(exported).toContain('Ship it');
  expect(exported).not.toContain(openaiKey);
  expect(exported).not.toContain('providerKeys');
});
