import 'fake-indexeddb/auto';
import { ulid } from 'ulid';
import { expect, test } from 'vitest';
import { type WorkerApi, createWorkerApi } from '../../../worker/api.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import { craftedBundle } from '../../sim/crafted-bundle.ts';

/*
 * Prices are the person's alone: an imported project cannot carry a price edit. A bundle
 * with an event shaped like one (as an event of its own, or as a router record) is refused
 * whole; the bundle crafted like finding 1 imports, and the device's prices — the person's
 * edit among them — are exactly what they were.
 */

const edited = { input: 0.3, output: 2.4, cachedInput: 0.03, cacheWrite: 0.3 };
const free = { input: 0, output: 0, cachedInput: 0, cacheWrite: 0 };

interface BundleJson {
  events: { id: string; seq: number; type: string; payload: Record<string, unknown> }[];
}

/** The crafted bundle with `make(last)` appended as its next event. */
async function withEvent(make: (last: BundleJson['events'][number]) => Record<string, unknown>): Promise<string> {
  const bundle = JSON.parse(await craftedBundle()) as BundleJson;
  const last = bundle.events.at(-1);
  if (!last) throw new Error('empty bundle');
  bundle.events.push({ ...last, id: ulid(), seq: last.seq + 1, ...make(last) });
  return JSON.stringify(bundle);
}

const priceEdit = {
  id: ulid(),
  at: Date.now(),
  actor: { kind: 'user' },
  provider: 'openai',
  model: 'gpt-5-mini',
  prices: free,
};

async function prices(api: WorkerApi) {
  const listed = await api.getPrices();
  if (!listed.ok) throw new Error(listed.message);
  return listed.value.map((row) => [row.provider, row.model, row.prices, row.editedAt]);
}

test('no imported event can carry a price edit: such bundles are refused, and an accepted one changes no price', async () => {
  const db = new OrchestraDb(`imported-prices-${ulid()}`);
  const api = createWorkerApi({ db, engine: createEngine(db), storage: undefined });
  await api.setPrice({ provider: 'openai', model: 'gpt-5-mini', prices: edited });
  const before = await prices(api);

  const hostile = [
    await withEvent(() => ({ type: 'price-set', payload: { type: 'price-set', ...priceEdit } })),
    await withEvent(() => ({ type: 'price-reset', payload: { type: 'price-reset', ...priceEdit } })),
    await withEvent((last) => ({
      type: 'route-record',
      payload: { ...last.payload, record: { type: 'price-set', ...priceEdit } },
    })),
    await withEvent(() => ({ type: 'settings-update', payload: { prices: { 'openai\u0000gpt-5-mini': free } } })),
  ];
  for (const text of hostile) {
    for (const learnRouting of [false, true]) {
      const imported = await api.importProject(text, { asCopy: true, learnRouting });
      expect(imported).toMatchObject({ ok: false, kind: 'bad_input' });
      expect(!imported.ok && imported.message).toMatch(/^Event \d+ of this project is damaged/);
    }
  }
  // The same bundle with a well-formed event in that place is taken: the refusals were for the edits.
  expect(await api.importProject(await withEvent(() => ({})), { asCopy: true })).toMatchObject({ ok: true });
  expect(await db.deviceEvents.count()).toBe(1);
  expect(await prices(api)).toEqual(before);

  const accepted = await api.importProject(await craftedBundle(), { asCopy: false, learnRouting: true });
  expect(accepted.ok).toBe(true);
  expect(await db.deviceEvents.count()).toBe(1);
  expect(await prices(api)).toEqual(before);
  // A fresh engine on this device, its routers rebuilt from every project's records, too.
  const reloaded = createWorkerApi({ db, engine: createEngine(db), storage: undefined });
  expect(await reloaded.getRouterReport()).toMatchObject({ ok: true });
  expect(await prices(reloaded)).toEqual(before);
});
