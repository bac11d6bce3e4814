import 'fake-indexeddb/auto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApp } from '../../../server/app.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { workerApiWithProviders } from './worker-api.ts';

let sim: Simulator;
let server: ServerType;
let origin: string;
const serverKey = 'sk-proj-HeldByTheServer-000000000000';

beforeAll(async () => {
  sim = await startSimulator();
  const distDir = mkdtempSync(join(tmpdir(), 'orchestra-proxy-mode-'));
  writeFileSync(join(distDir, 'index.html'), '<!doctype html>');
  const app = createApp({
    distDir,
    version: '0.0.0',
    proxy: {
      upstreams: {
        openai: `${sim.origin}/openai`,
        anthropic: `${sim.origin}/anthropic`,
        gemini: `${sim.origin}/gemini`,
      },
      serverKeys: { openai: serverKey },
      clientToken: 'proxy-token-123',
    },
  });
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await sim.close();
});

const engine = workerApiWithProviders;

test('in proxy mode with server-held keys the engine calls through the proxy with its token and no key', async () => {
  const api = engine(new OrchestraDb('proxy-mode-1'), origin);
  expect(await api.testKey('openai')).toMatchObject({ ok: false, kind: 'provider' });

  await api.updateProvider('openai', { useProxy: true, proxyToken: 'proxy-token-123' });
  const tested = await api.testKey('openai');
  expect(tested).toMatchObject({ ok: true, value: { provider: 'openai', models: 2 } });
  expect(sim.requests.at(-1)?.headers.authorization).toBe(`Bearer ${serverKey}`);
  expect(sim.requests.at(-1)?.headers['x-orchestra-token']).toBeUndefined();

  await api.updateProvider('openai', { proxyToken: 'wrong-token' });
  const refused = await api.testKey('openai');
  expect(refused).toMatchObject({ ok: false, kind: 'provider' });
  expect(JSON.stringify(refused)).not.toContain(serverKey);
});

test('in proxy mode with the person’s own key, the key is passed through to the provider', async () => {
  const api = engine(new OrchestraDb('proxy-mode-2'), origin);
  await api.setKey('anthropic', 'sk-ant-own-key-0000000');
  await api.updateProvider('anthropic', { useProxy: true });
  expect(await api.testKey('anthropic')).toMatchObject({ ok: true });
  const received = sim.requests.at(-1);
  expect(received?.provider).toBe('anthropic');
  expect(received?.headers.authorization).toBe('Bearer sk-ant-own-key-0000000');
});
