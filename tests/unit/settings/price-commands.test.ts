import 'fake-indexeddb/auto';
import { afterEach, expect, test } from 'vitest';
import { type WorkerApi, createWorkerApi } from '../../../worker/api.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import { shippedPrices } from '../../../worker/settings/price-book.ts';
import { prototypeNames } from '../hardening/hostile-names.ts';

/*
 * Settings › Model prices through the engine's door: the edit is an event of the device's
 * own settings, kept across a reload (a new engine on the same database), shared with the
 * other tabs, and never in a project's log or export.
 */

let counter = 0;
const channels: BroadcastChannel[] = [];
afterEach(() => {
  for (const channel of channels.splice(0)) channel.close();
});

function engineOn(db: OrchestraDb, channelName?: string): WorkerApi {
  const settingsChannel = channelName ? new BroadcastChannel(channelName) : undefined;
  if (settingsChannel) channels.push(settingsChannel);
  return createWorkerApi({ db, engine: createEngine(db), storage: undefined, settingsChannel });
}

const edited = { input: 0.5, output: 4, cachedInput: 0.05, cacheWrite: 0.5 };

test('Settings lists every model with its shipped price and retirement date', async () => {
  const api = engineOn(new OrchestraDb(`prices-${++counter}`));
  const listed = await api.getPrices();
  if (!listed.ok) throw new Error(listed.message);
  const rows = new Map(listed.value.map((row) => [`${row.provider}/${row.model}`, row]));
  expect(rows.get('openai/gpt-5-mini')).toEqual({
    provider: 'openai',
    model: 'gpt-5-mini',
    label: 'GPT-5 mini',
    shipped: shippedPrices('openai', 'gpt-5-mini'),
    prices: shippedPrices('openai', 'gpt-5-mini'),
  });
  expect(rows.get('anthropic/claude-sonnet-4-5')?.retiresOn).toBe('2026-11-30');
  // The router's models and the provider catalog's, never the offline Template.
  expect(rows.has('anthropic/claude-opus-4-5')).toBe(true);
  expect(rows.has('gemini/gemini-2.5-flash-lite')).toBe(true);
  expect(rows.has('openai/gpt-4.1-nano')).toBe(true);
  expect(listed.value.some((row) => (row.provider as string) === 'template')).toBe(false);
});

test('an edit is kept across a reload, a reset goes back to shipped, and bad input changes nothing', async () => {
  const db = new OrchestraDb(`prices-${++counter}`);
  const api = engineOn(db);
  const saved = await api.setPrice({ provider: 'openai', model: 'gpt-5-mini', prices: edited });
  expect(saved).toMatchObject({ ok: true, value: { prices: edited, shipped: shippedPrices('openai', 'gpt-5-mini') } });
  expect(saved.ok && saved.value.editedAt).toBeGreaterThan(0);

  const refused = await api.setPrice({ provider: 'openai', model: 'gpt-5-mini', prices: { ...edited, output: -2 } });
  expect(refused).toMatchObject({ ok: false, kind: 'bad_input' });
  expect(!refused.ok && refused.message).toBe(
    'These prices cannot be saved: The output price must be a number of dollars per million tokens from 0 to 10,000.',
  );
  const unknown = await api.setPrice({ provider: 'openai', model: 'o1-pro', prices: edited });
  expect(unknown).toMatchObject({ ok: false, kind: 'not_found' });
  expect(await db.deviceEvents.count()).toBe(1);

  // A new engine on the same database: the edit is still in force.
  const reloaded = engineOn(db);
  const after = await reloaded.getPrices();
  const row = after.ok ? after.value.find((entry) => entry.model === 'gpt-5-mini') : undefined;
  expect(row?.prices).toEqual(edited);
  expect(row?.editedAt).toBe(saved.ok ? saved.value.editedAt : -1);

  const reset = await reloaded.resetPrice({ provider: 'openai', model: 'gpt-5-mini' });
  expect(reset).toMatchObject({ ok: true, value: { prices: shippedPrices('openai', 'gpt-5-mini') } });
  expect(reset.ok && 'editedAt' in reset.value).toBe(false);
  const stored = (await db.deviceEvents.toArray()).map((entry) => entry.event as { type: string; actor: unknown });
  expect(stored.map((event) => [event.type, event.actor])).toEqual([
    ['price-set', { kind: 'user' }],
    ['price-reset', { kind: 'user' }],
  ]);
});

test('a model named like a prototype key, chosen for an endpoint, is priced like any other', async () => {
  const db = new OrchestraDb(`prices-${++counter}`);
  const api = engineOn(db);
  for (const [index, model] of prototypeNames.slice(0, 4).entries()) {
    await db.providerConfigs.put({ provider: 'openai-compatible', useProxy: false, model });
    const prices = { ...edited, input: index + 1 };
    expect(await api.setPrice({ provider: 'openai-compatible', model, prices })).toMatchObject({
      ok: true,
      value: { model, prices },
    });
  }
  const listed = await engineOn(db).getPrices();
  const compatible = listed.ok ? listed.value.filter((row) => row.provider === 'openai-compatible') : [];
  // The model chosen last, and the ones priced before it (still listed, so they can be reset).
  expect(new Map(compatible.map((row) => [row.model, row.prices.input]))).toEqual(
    new Map(prototypeNames.slice(0, 4).map((model, index) => [model, index + 1])),
  );
});

test('a price edit is never in a project: not in its log, not in its export', async () => {
  const db = new OrchestraDb(`prices-${++counter}`);
  const api = engineOn(db);
  const created = await api.createProject({ name: 'Priced', description: 'Notes.' });
  if (!created.ok) throw new Error(created.message);
  await api.setPrice({ provider: 'openai', model: 'gpt-5-mini', prices: { ...edited, input: 0.123456 } });
  await api.resetPrice({ provider: 'openai', model: 'gpt-5' });
  const logged = JSON.stringify(await db.commits.toArray());
  expect(logged).not.toMatch(/price-set|price-reset|0\.123456/);
  const exported = await api.exportProject(created.value.projectId);
  if (!exported.ok) throw new Error(exported.message);
  expect(exported.value.text).not.toMatch(/price-set|price-reset|0\.123456/);
});

test("another tab's edit reaches this tab's prices", async () => {
  const db = new OrchestraDb(`prices-${++counter}`);
  const name = `orchestra-settings-${counter}`;
  const here = engineOn(db, name);
  const there = engineOn(db, name);
  const priceThere = async () => {
    const listed = await there.getPrices();
    return listed.ok ? listed.value.find((row) => row.model === 'claude-haiku-4-5')?.prices.input : undefined;
  };
  expect(await priceThere()).toBe(1);
  await here.setPrice({ provider: 'anthropic', model: 'claude-haiku-4-5', prices: edited });
  await expect.poll(priceThere).toBe(0.5);
});
