/**
 * Issue 20, point 3: with a passphrase set and the keys locked (after a reload), Start
 * asks for the passphrase instead of quietly building a Template starter that says no
 * key is set up. Nothing is written until the keys open; then the run is a model's.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createWorkerApi } from '../../../worker/api.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import { ProviderService } from '../../../worker/providers/provider-service.ts';
import { startSource } from '../../../worker/run-state/start-source.ts';
import { mulberry32 } from '../../../worker/router/index.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { engineWithTeam, scriptDefaultTeam, waitFor } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const passphrase = 'correct horse battery staple';
let counter = 0;

/** A project on a device whose keys are sealed with a passphrase, opened after a reload: locked. */
async function lockedDevice() {
  const name = `locked-keys-${++counter}-${Date.now()}`;
  const { api: before } = await engineWithTeam(sim, {}, name);
  expect((await before.setPassphrase(passphrase)).ok).toBe(true);
  const created = await before.createProject({ name: 'Notes', description: 'A notes service with a small web page.' });
  if (!created.ok) throw new Error(created.message);
  // The tab reloads: a new engine on the same database, the passphrase forgotten.
  const db = new OrchestraDb(name);
  const api = createWorkerApi({
    db,
    engine: createEngine(db),
    storage: undefined,
    appOrigin: '',
    providers: (options) => Promise.resolve(new ProviderService(db, options)),
    orchestrator: { random: mulberry32(7), templateDelayMs: 0 },
  });
  const { projectId } = created.value;
  expect((await api.openProject(projectId)).ok).toBe(true);
  return { api, projectId };
}

test('readiness says a locked key is locked, and Start would ask for the passphrase', async () => {
  const { api } = await lockedDevice();
  const readiness = await api.providerReadiness();
  if (!readiness.ok) throw new Error(readiness.message);
  const openai = readiness.value.find((entry) => entry.provider === 'openai');
  expect(openai).toMatchObject({ ready: false, blocked: 'locked' });
  expect(readiness.value.find((entry) => entry.provider === 'anthropic')).toMatchObject({ blocked: 'no-key' });
  expect(startSource(readiness.value.filter((entry) => entry.provider !== 'template'))).toBe('locked');
  expect(readiness.value.find((entry) => entry.provider === 'template')?.detail).toContain('locked');
});

test('Start with locked keys asks for the passphrase, writes nothing, and starts a model run once unlocked', async () => {
  const { api, projectId } = await lockedDevice();
  scriptDefaultTeam(sim);
  const before = await api.readEvents(projectId, 1, 1e9);
  const refused = await api.startRun(projectId);
  expect(refused).toMatchObject({ ok: false, kind: 'locked' });
  expect(!refused.ok && refused.message).toContain('enter your passphrase');
  expect(!refused.ok && refused.message).not.toContain('Template');
  const after = await api.readEvents(projectId, 1, 1e9);
  expect(after.ok && after.value.length).toBe(before.ok && before.value.length);
  const idle = await api.getProjectView(projectId);
  expect(idle.ok && idle.value.project.runStatus).toBe('idle');

  // A wrong passphrase opens nothing; the right one does, through the same door as Settings.
  expect(await api.unlockKeys('wrong horse battery staple')).toMatchObject({ ok: false });
  expect((await api.startRun(projectId)).ok).toBe(false);
  expect((await api.unlockKeys(passphrase)).ok).toBe(true);
  expect((await api.startRun(projectId)).ok).toBe(true);
  const proposed = await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  expect(proposed.project.plan?.source).toBe('ai');
  expect(proposed.project.plan?.summary).not.toContain('Template');
});

test('locked keys stop Continue and Next agent on a model-built run before anything is written', async () => {
  const { api, projectId } = await lockedDevice();
  scriptDefaultTeam(sim);
  expect((await api.unlockKeys(passphrase)).ok).toBe(true);
  expect((await api.startRun(projectId)).ok).toBe(true);
  await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  expect((await api.approvePlan(projectId)).ok).toBe(true);
  expect((await api.pauseRun(projectId)).ok).toBe(true);
  await waitFor(api, projectId, (view) => view.tasks.every((task) => task.status !== 'running'));
  expect((await api.lockKeys()).ok).toBe(true);
  expect(await api.resumeRun(projectId)).toMatchObject({ ok: false, kind: 'locked' });
  expect(await api.stepRun(projectId)).toMatchObject({ ok: false, kind: 'locked' });
  expect(await api.executeAll(projectId)).toMatchObject({ ok: false, kind: 'locked' });
  const view = await api.getProjectView(projectId);
  expect(view.ok && view.value.project.runStatus).toBe('paused');
  expect((await api.unlockKeys(passphrase)).ok).toBe(true);
  expect((await api.resumeRun(projectId)).ok).toBe(true);
  await waitFor(api, projectId, (current) => current.project.runStatus === 'stopped', 30_000);
});

test('with no key at all Start still builds the Template starter', () => {
  expect(startSource([{ ready: false, blocked: 'no-key' }])).toBe('template');
  expect(startSource([{ ready: false, blocked: 'incomplete' }])).toBe('waiting');
  expect(startSource([{ ready: false, blocked: 'locked' }, { ready: true }])).toBe('models');
});
