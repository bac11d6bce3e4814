/**
 * Issue 20, points 3 and 4: when no model can take the next call, or Orchestra itself
 * fails, the run says which, in the person's words, with one way on:
 * - keys locked mid-run pause as `keys` (the banner asks for the passphrase there);
 * - a key set up but not usable (an endpoint missing its settings) refuses Start with a
 *   sentence naming it, instead of building a Template starter the person did not ask for;
 * - a fault of Orchestra's own pauses as `fault` with a sentence, the raw error kept in
 *   the log only.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import { Orchestrator } from '../../../worker/orchestrator/orchestrator.ts';
import { orchestratorDepsOf } from '../../../worker/orchestrator/orchestrator-deps.ts';
import { createProjectCommands } from '../../../worker/projects/project-commands.ts';
import { rowBadge } from '../../../worker/run-state/run-words.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { engineWithTeam, engineWithoutKey, scriptDefaultTeam, waitFor } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

let counter = 0;

test('keys locked while a run waits pause it as "keys locked", and unlocking lets it go on', async () => {
  const { api } = await engineWithTeam(sim, {}, `no-model-keys-${++counter}-${Date.now()}`);
  scriptDefaultTeam(sim);
  expect((await api.setPassphrase('correct horse battery staple')).ok).toBe(true);
  const created = await api.createProject({ name: 'Notes', description: 'A notes service with a small web page.' });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  expect((await api.startRun(projectId)).ok).toBe(true);
  await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  // The keys lock (Settings › Lock, or another tab) before the plan is approved: the
  // first task finds no model to call.
  expect((await api.lockKeys()).ok).toBe(true);
  expect((await api.approvePlan(projectId)).ok).toBe(true);
  const paused = await waitFor(api, projectId, (view) => view.project.runStatus === 'paused');
  expect(paused.project.pauseKind).toBe('keys');
  expect(paused.project.pauseReason).toBe('Your model keys are locked, so no model can take the next task.');
  expect(rowBadge(paused.project)).toEqual({ label: 'Paused: keys locked', tone: 'warning' });
  expect(paused.tasks.filter((task) => task.status === 'failed')).toEqual([]);

  expect((await api.unlockKeys('correct horse battery staple')).ok).toBe(true);
  expect((await api.resumeRun(projectId)).ok).toBe(true);
  const ended = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped', 30_000);
  expect(ended.project.lastOutcome).toBe('completed');
}, 40_000);

test('a key set up but unusable refuses Start with a sentence naming it, and builds no Template starter', async () => {
  const { api } = engineWithoutKey({}, `no-model-waiting-${++counter}-${Date.now()}`);
  // An OpenAI-compatible key with no base URL or model: set up, not usable.
  expect((await api.setKey('openai-compatible', 'sk-local-0000000000')).ok).toBe(true);
  const readiness = await api.providerReadiness();
  expect(readiness.ok && readiness.value.find((entry) => entry.provider === 'openai-compatible')).toMatchObject({
    blocked: 'incomplete',
  });
  const created = await api.createProject({ name: 'Weather', description: 'A Python weather CLI.' });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  const before = await api.readEvents(projectId, 1, 1e9);

  const refused = await api.startRun(projectId);
  expect(refused).toMatchObject({ ok: false, kind: 'bad_input' });
  expect(!refused.ok && refused.message).toBe(
    'No model can take calls now. OpenAI-compatible endpoint needs a base URL and a model name: add them in Settings, then press Start again.',
  );
  const after = await api.readEvents(projectId, 1, 1e9);
  expect(after.ok && after.value.length).toBe(before.ok && before.value.length);
  const view = await api.getProjectView(projectId);
  expect(view.ok && view.value.project.runStatus).toBe('idle');
  expect(view.ok && view.value.project.plan).toBeNull();
});

test('a fault of Orchestra’s own pauses as "a problem in Orchestra", in words, with the raw error in the log only', async () => {
  const engine = createEngine(new OrchestraDb(`no-model-fault-${++counter}-${Date.now()}`));
  const orchestrator = new Orchestrator(orchestratorDepsOf(engine), { templateDelayMs: 0 });
  const created = await createProjectCommands(engine).createProject({
    name: 'Faulty',
    description: 'A notes service.',
    autoApprove: true,
  });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  // The first task's start fails once with an internal error, ids and all.
  const append = engine.store.append.bind(engine.store);
  let thrown = false;
  engine.store.append = (id, events, options) => {
    if (!thrown && events.some((event) => event.type === 'task-start')) {
      thrown = true;
      return Promise.reject(new Error('cursor cost-01M96XYZ: unexpected state'));
    }
    return append(id, events, options);
  };
  const runner = await orchestrator.runner(projectId);
  await runner.start();
  const started = Date.now();
  while ((await engine.store.load(projectId)).project?.runStatus !== 'paused') {
    if (Date.now() - started > 10_000) throw new Error('The run never paused.');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const project = (await engine.store.load(projectId)).project;
  expect(thrown).toBe(true);
  expect(project?.pauseKind).toBe('fault');
  expect(project?.pauseReason).toMatch(/^Orchestra hit a problem of its own while “.+” ran; nothing you did caused it/);
  expect(project?.pauseReason).not.toContain('01M96');
  expect(project && rowBadge(project).label).toBe('Paused: a problem in Orchestra');
  const reports = (await engine.store.read(projectId)).filter((event) => event.type === 'error-report');
  expect(reports.map((event) => event.payload.message)).toContain('cursor cost-01M96XYZ: unexpected state');
});
