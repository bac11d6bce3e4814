import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { roleOf } from '../../sim/agent-script.ts';
import { engineWithTeam, scriptDefaultTeam, summary, waitFor } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.respond('openai', undefined);
});

test('a described project is planned, approved, built in parallel, reviewed, fixed once and finished', async () => {
  const { api } = await engineWithTeam(sim);
  scriptDefaultTeam(sim);
  const created = await api.createProject({ name: 'Notes', description: 'A notes service with a page.' });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  expect((await api.openProject(projectId)).ok).toBe(true);
  expect((await api.startRun(projectId)).ok).toBe(true);

  const proposed = await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  expect(proposed.project.plan?.tasks.map((task) => task.id)).toEqual(['api', 'ui', 'tests', 'review']);
  expect(proposed.tasks.map((task) => task.taskId)).toEqual(['plan']);

  expect((await api.approvePlan(projectId)).ok).toBe(true);
  const finished = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped');
  expect(summary(finished).tasks).toEqual([
    'plan:done:1',
    'api:done:1',
    'ui:done:1',
    'tests:done:1',
    'review:done:1',
    'fix-2-code-generator:done:1',
    'review-2:done:1',
  ]);
  expect(finished.project.runMessage).toBe('Every task is done.');
  const paths = finished.artifacts.map((artifact) => artifact.path);
  expect(paths).toEqual(expect.arrayContaining(['notes.py', 'index.html', 'app.js', 'styles.css', 'test_notes.py']));
  // The fix made a second version of notes.py, by the Code Generator, attempt 1 of the fix task.
  const notes = finished.artifactVersions.filter((version) => version.path === 'notes.py');
  expect(notes.map((version) => version.provenance.taskId)).toEqual(['api', 'fix-2-code-generator']);
  expect(notes[1]?.provenance).toMatchObject({ source: 'ai', role: 'code-generator', provider: 'openai' });
  expect(finished.project.spentUsd).toBeGreaterThan(0);
  expect(finished.project.reservedUsd).toBe(0);

  const fixRequest = sim.requests.find(
    (request) =>
      JSON.stringify(request.body).includes('Empty notes are stored.') && roleOf(request) === 'code-generator',
  );
  expect(fixRequest, 'the fix task is told the findings').toBeDefined();

  const zip = await api.exportZip(projectId);
  expect(zip.ok && zip.value.filename).toBe('notes.zip');

  // What the router learned is on the Router & costs screen, with what the project cost.
  const report = await api.getRouterReport();
  if (!report.ok) throw new Error(report.message);
  const types = new Set(report.value.models.map((model) => model.taskType));
  expect([...types].sort()).toEqual(['backend-code', 'fix', 'plan', 'review', 'tests', 'ui-code']);
  expect(report.value.models.reduce((sum, model) => sum + model.count, 0)).toBe(7);
  expect(report.value.projects).toEqual([
    expect.objectContaining({ id: projectId, name: 'Notes', spentUsd: finished.project.spentUsd, tasks: 7 }),
  ]);
});
