import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createWorkerApi } from '../../../worker/api.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { KeyStore } from '../../../worker/providers/keys/key-store.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { createEngine } from '../../../worker/engine.ts';
import { currentGeneration, dumpDevice } from '../hardening/key-dump.ts';
import { workerApiWithProviders } from './worker-api.ts';

let sim: Simulator;
let counter = 0;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const secret = 'sk-proj-VerySecretKey-0123456789abcdef';

const engine = workerApiWithProviders;

test('without a passphrase a key is stored in its own table, sealed, never in settings', async () => {
  const db = new OrchestraDb(`keys-${++counter}`);
  const store = new KeyStore(db);
  await store.set('openai', secret);
  expect(await store.get('openai')).toBe(secret);
  expect(JSON.stringify(await db.settings.toArray())).not.toContain(secret);
  expect(await dumpDevice(db.name)).not.toContain(secret);
  const { keys } = await currentGeneration(db);
  expect(await keys.keys.get('openai')).toMatchObject({ provider: 'openai', by: 'device' });
  keys.close();
});

test('with a passphrase no key is left in clear anywhere in the database', async () => {
  const db = new OrchestraDb(`keys-${++counter}`);
  const store = new KeyStore(db);
  await store.set('openai', secret);
  await store.set('anthropic', 'sk-ant-another-secret-key-xyz');
  await store.setPassphrase('correct horse battery');
  const raw = await dumpDevice(db.name);
  expect(raw).not.toContain(secret);
  expect(raw).not.toContain('sk-ant-another-secret-key-xyz');
  expect(raw).not.toContain('correct horse battery');
  // Still usable in this session, and keys added now are sealed too.
  expect(await store.get('openai')).toBe(secret);
  await store.set('gemini', 'AIzaNewGeminiKeyAddedAfter000000');
  expect(await dumpDevice(db.name)).not.toContain('AIzaNewGeminiKeyAddedAfter000000');
});

test('after a reload the keys are locked until the right passphrase is entered', async () => {
  const name = `keys-${++counter}`;
  const first = new KeyStore(new OrchestraDb(name));
  await first.set('openai', secret);
  await first.setPassphrase('correct horse battery');

  const reloaded = new KeyStore(new OrchestraDb(name));
  expect(await reloaded.status()).toEqual({ encrypted: true, unlocked: false, stored: ['openai'] });
  await expect(reloaded.get('openai')).rejects.toMatchObject({ problem: 'locked' });
  await expect(reloaded.unlock('wrong horse battery')).rejects.toMatchObject({ problem: 'wrong_passphrase' });
  await reloaded.unlock('correct horse battery');
  expect(await reloaded.get('openai')).toBe(secret);

  await reloaded.removePassphrase('correct horse battery');
  expect((await reloaded.status()).encrypted).toBe(false);
  expect(await reloaded.get('openai')).toBe(secret);
});

test('through the API: a stored key is used for the test call and never comes back', async () => {
  const api = engine(new OrchestraDb(`keys-${++counter}`));
  expect((await api.updateProvider('openai', { baseUrl: sim.baseUrl('openai') })).ok).toBe(true);
  const stored = await api.setKey('openai', secret);
  expect(stored).toEqual({ ok: true, value: { encrypted: false, unlocked: true, stored: ['openai'] } });

  const tested = await api.testKey('openai');
  expect(tested.ok && tested.value.models).toBe(2);
  const received = sim.requests.at(-1);
  expect(received?.path).toBe('/v1/models');
  expect(received?.headers.authorization).toBe(`Bearer ${secret}`);
  expect(JSON.stringify(await api.getProviders())).not.toContain(secret);
});

test('through the API: a rejected key is reported as data, with an action and no key in it', async () => {
  const api = engine(new OrchestraDb(`keys-${++counter}`));
  await api.updateProvider('anthropic', { baseUrl: 'http://127.0.0.1:9/' });
  await api.setKey('anthropic', 'sk-ant-api03-unreachable-key-000');
  const unreachable = await api.testKey('anthropic');
  expect(unreachable).toMatchObject({ ok: false, kind: 'provider', retryable: true });
  expect(!unreachable.ok && unreachable.message).toMatch(/the key was rejected or the network blocked the call/);
  expect(JSON.stringify(unreachable)).not.toContain('sk-ant-api03-unreachable-key-000');

  const missing = await api.testKey('gemini');
  expect(missing).toMatchObject({ ok: false, kind: 'provider' });
  expect(!missing.ok && missing.message).toMatch(/Check your Google Gemini key in Settings/);
});

test('through the API: locked keys say so, and bad input is refused', async () => {
  const db = new OrchestraDb(`keys-${++counter}`);
  const api = engine(db);
  await api.updateProvider('openai', { baseUrl: sim.baseUrl('openai') });
  await api.setKey('openai', secret);
  expect((await api.setPassphrase('short')).ok).toBe(false);
  expect((await api.setPassphrase('a long enough passphrase')).ok).toBe(true);
  await api.lockKeys();
  expect(await api.testKey('openai')).toMatchObject({ ok: false, kind: 'locked' });
  expect(await api.setKey('openai', 'sk-other-key-00000')).toMatchObject({ ok: false, kind: 'locked' });
  expect(await api.unlockKeys('a long enough passphrase')).toMatchObject({ ok: true });
  expect((await api.testKey('openai')).ok).toBe(true);
  expect(await api.setKey('openai', 'has spaces in it')).toMatchObject({ ok: false, kind: 'bad_input' });
  expect(await api.updateProvider('openai', { baseUrl: 'javascript:alert(1)' })).toMatchObject({
    ok: false,
    kind: 'bad_input',
  });
  expect(await api.testKey('nonsense' as 'openai')).toMatchObject({ ok: false, kind: 'bad_input' });
});

test('an engine built without the provider service answers provider commands as unavailable', async () => {
  const bare = new OrchestraDb(`keys-${++counter}`);
  const api = createWorkerApi({ db: bare, engine: createEngine(bare), storage: undefined });
  expect(await api.getProviders()).toMatchObject({ ok: false, kind: 'unavailable' });
});
