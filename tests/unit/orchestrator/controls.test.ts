import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { createWorkerApi } from '../../../worker/api.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import { ProviderService } from '../../../worker/providers/provider-service.ts';
import { mulberry32 } from '../../../worker/router/index.ts';
import { describeEvent } from '../../../worker/query/index.ts';
import { roleOf } from '../../sim/agent-script.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { builderAnswer, files, passingReview, teamPlan } from '../../sim/team-answers.ts';
import { engineWithTeam, scriptDefaultTeam, summary, waitFor } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.respond('openai', undefined);
});

/** Waits until the simulator has received a request (so an abort has a wire to cut). */
async function received(predicate: (request: Simulator['requests'][number]) => boolean, from: number, count = 1) {
  const started = Date.now();
  while (sim.requests.slice(from).filter(predicate).length < count) {
    if (Date.now() - started > 10_000) throw new Error('The simulator never received the request.');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

type Api = Awaited<ReturnType<typeof engineWithTeam>>['api'];

async function approvedProject(
  api: Api,
  settings: Parameters<Api['createProject']>[0] = { name: 'Notes', description: 'Notes.' },
) {
  const created = await api.createProject(settings);
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  await api.openProject(projectId);
  expect((await api.startRun(projectId)).ok).toBe(true);
  await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  return projectId;
}

const slowBuilders = (firstTokenMs: number) => ({
  'code-generator': (request: Parameters<typeof builderAnswer>[0]) => builderAnswer(request, { firstTokenMs }),
  'ui-designer': { kind: 'json' as const, value: files.ui, firstTokenMs },
  'test-writer': { kind: 'json' as const, value: files.tests, firstTokenMs },
  debugger: { kind: 'json' as const, value: passingReview, firstTokenMs },
});

test('Pause lets calls in flight finish and starts nothing new; Next agent runs exactly one task; Execute all runs to the end', async () => {
  const { api } = await engineWithTeam(sim);
  const mark = sim.requests.length;
  // The builders' answers are held until the pause is written: on a slow machine a builder
  // timed to answer in 150 ms can finish before the other has launched (and then the
  // pause rightly holds that one back), or before the pause (and then tests starts).
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  scriptDefaultTeam(sim, {
    ...slowBuilders(0),
    'code-generator': (request) => builderAnswer(request, { heldUntil: held }),
    'ui-designer': { kind: 'json', value: files.ui, heldUntil: held },
  });
  const projectId = await approvedProject(api);
  await api.approvePlan(projectId);
  await waitFor(api, projectId, (view) =>
    ['api', 'ui'].every((id) => view.tasks.find((task) => task.taskId === id)?.status === 'running'),
  );
  const builder = (request: Simulator['requests'][number]) =>
    roleOf(request) === 'code-generator' || roleOf(request) === 'ui-designer';
  await received(builder, mark, 2);
  expect((await api.pauseRun(projectId)).ok).toBe(true);
  release();
  // The two tasks in flight (api and ui) finish; tests (ready once api is done) does not start.
  const paused = await waitFor(
    api,
    projectId,
    (view) => view.tasks.filter((task) => task.status === 'done').length === 3,
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  const still = await waitFor(api, projectId, () => true);
  expect(summary(still).tasks).toEqual(summary(paused).tasks);
  expect(still.tasks.find((task) => task.taskId === 'tests')?.status).toBe('scheduled');
  expect(still.project).toMatchObject({ runStatus: 'paused', pauseKind: 'user' });

  const step = await api.stepRun(projectId);
  expect(step).toEqual({ ok: true, value: { taskId: 'tests' } });
  await waitFor(api, projectId, (view) => view.tasks.find((task) => task.taskId === 'tests')?.status === 'done');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const afterStep = await waitFor(api, projectId, () => true);
  expect(afterStep.tasks.find((task) => task.taskId === 'review')?.status).toBe('scheduled');
  expect(afterStep.project.runStatus).toBe('paused');

  expect((await api.executeAll(projectId)).ok).toBe(true);
  const done = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped');
  expect(done.tasks.every((task) => task.status === 'done')).toBe(true);
});

test('Cancel task stops its call on the wire; later tasks run without it; Retry task runs it again', async () => {
  const { api } = await engineWithTeam(sim);
  const mark = sim.requests.length;
  scriptDefaultTeam(sim, { ...slowBuilders(20), 'ui-designer': { kind: 'hang', after: 'request' } });
  const projectId = await approvedProject(api);
  await api.approvePlan(projectId);
  await waitFor(api, projectId, (view) => view.tasks.find((task) => task.taskId === 'ui')?.status === 'running');
  await received((request) => roleOf(request) === 'ui-designer', mark);
  expect((await api.cancelTask(projectId, 'ui')).ok).toBe(true);
  const cancelled = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped');
  expect(cancelled.tasks.find((task) => task.taskId === 'ui')?.status).toBe('cancelled');
  expect(cancelled.tasks.find((task) => task.taskId === 'review')?.status).toBe('done');
  await sim.settled();
  const uiCall = sim.requests.slice(mark).find((request) => roleOf(request) === 'ui-designer');
  expect(uiCall?.aborted, 'the cancelled call was cut on the wire').toBe(true);
  expect(cancelled.project.reservedUsd).toBe(0);

  scriptDefaultTeam(sim, slowBuilders(0));
  expect((await api.retryTask(projectId, 'ui')).ok).toBe(true);
  const retried = await waitFor(
    api,
    projectId,
    (view) =>
      view.tasks.find((task) => task.taskId === 'ui')?.status === 'done' && view.project.runStatus === 'stopped',
  );
  expect(retried.artifacts.map((artifact) => artifact.path)).toContain('index.html');
  expect(await api.retryTask(projectId, 'ui')).toMatchObject({ ok: false, kind: 'bad_input' });
});

test('Emergency stop aborts every call at once, gives back every reservation and marks the tasks interrupted', async () => {
  const { api } = await engineWithTeam(sim);
  const mark = sim.requests.length;
  scriptDefaultTeam(sim, {
    'code-generator': { kind: 'hang', after: 'request' },
    'ui-designer': { kind: 'hang', after: 'first-token' },
  });
  const projectId = await approvedProject(api);
  await api.approvePlan(projectId);
  const launched = (view: Awaited<ReturnType<typeof waitFor>>, taskId: string) =>
    ['running', 'done'].includes(view.tasks.find((task) => task.taskId === taskId)?.status ?? '');
  await waitFor(api, projectId, (view) => launched(view, 'api') && launched(view, 'ui'));
  await received((request) => roleOf(request) === 'code-generator' || roleOf(request) === 'ui-designer', mark, 2);
  expect((await api.emergencyStop(projectId)).ok).toBe(true);
  const stopped = await waitFor(api, projectId, () => true);
  expect(stopped.project).toMatchObject({ runStatus: 'stopped', reservedUsd: 0 });
  expect(stopped.sessions.at(-1)?.outcome).toBe('emergency');
  expect(
    stopped.tasks
      .filter((task) => task.status === 'interrupted')
      .map((task) => task.taskId)
      .sort(),
  ).toEqual(['api', 'ui']);
  await sim.settled();
  const builders = sim.requests
    .slice(mark)
    .filter((request) => roleOf(request) === 'code-generator' || roleOf(request) === 'ui-designer');
  expect(builders.length).toBeGreaterThanOrEqual(2);
  expect(builders.every((request) => request.aborted)).toBe(true);
  // The stop is the run's last word: no "nothing can run" pause slips in while the
  // aborted calls settle (the tasks they leave interrupted are the stop's doing).
  const events = await api.readEvents(projectId, 1, 1e9);
  if (!events.ok) throw new Error(events.message);
  const stop = events.value.findIndex((event) => event.type === 'run-stop');
  const lastStart = events.value.findLastIndex((event) => event.type === 'task-start');
  expect(events.value.slice(lastStart, stop).filter((event) => event.type === 'run-pause')).toEqual([]);
});

test('a budget too small pauses the run with "Budget reached"; raising it and Continue orchestra finishes the run', async () => {
  const { api } = await engineWithTeam(sim);
  scriptDefaultTeam(sim, slowBuilders(0));
  const created = await api.createProject({ name: 'Tight', description: 'Notes.', budgetUsd: 0.001 });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  await api.openProject(projectId);
  await api.startRun(projectId);
  const paused = await waitFor(api, projectId, (view) => view.project.runStatus === 'paused');
  expect(paused.project.pauseKind).toBe('budget');
  expect(paused.project.pauseReason).toMatch(/^Budget reached — raise it or stop/);
  expect(paused.project.spentUsd).toBeLessThanOrEqual(0.001);
  expect(paused.tasks.map((task) => `${task.taskId}:${task.status}`)).toEqual(['plan:scheduled']);
  expect(await api.setBudget(projectId, -1)).toMatchObject({ ok: false, kind: 'bad_input' });
  expect((await api.setBudget(projectId, 5)).ok).toBe(true);
  expect((await api.resumeRun(projectId)).ok).toBe(true);
  await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  await api.approvePlan(projectId);
  const done = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped');
  expect(done.tasks.every((task) => task.status === 'done')).toBe(true);
  expect(done.project.budgetUsd).toBe(5);
  expect(done.project.spentUsd).toBeLessThanOrEqual(5);
});

test('a reload mid-run resumes from the log: interrupted attempts run again and nothing is done twice', async () => {
  const name = `reload-${Date.now()}`;
  const first = await engineWithTeam(sim, {}, name);
  scriptDefaultTeam(sim, {
    'ui-designer': { kind: 'hang', after: 'request' },
    'code-generator': (request) => builderAnswer(request),
  });
  const projectId = await approvedProject(first.api);
  await first.api.approvePlan(projectId);
  // The first tab has done all it can (api, then tests) and waits on the page's call.
  const status = (view: { tasks: { taskId: string; status: string }[] }, id: string) =>
    view.tasks.find((task) => task.taskId === id)?.status;
  await waitFor(first.api, projectId, (view) => status(view, 'tests') === 'done' && status(view, 'ui') === 'running');

  // The tab closes: its engine is gone (its hung call never comes back). A new one opens the same database.
  scriptDefaultTeam(sim, slowBuilders(0));
  const db = new OrchestraDb(name);
  const second = createWorkerApi({
    db,
    engine: createEngine(db),
    storage: undefined,
    providers: (options) => Promise.resolve(new ProviderService(db, options)),
    orchestrator: { random: mulberry32(3), templateDelayMs: 0 },
  });
  expect((await second.openProject(projectId)).ok).toBe(true);
  const done = await waitFor(second, projectId, (view) => view.project.runStatus === 'stopped');
  expect(done.tasks.every((task) => task.status === 'done')).toBe(true);
  const events = await second.readEvents(projectId, 1, 1e9);
  if (!events.ok) throw new Error(events.message);
  const completions = events.value
    .filter((event) => event.type === 'task-complete')
    .map((event) => event.payload.taskId);
  expect(completions.filter((id) => id === 'api')).toHaveLength(1);
  expect(new Set(completions).size).toBe(completions.length);
  expect(events.value.some((event) => event.type === 'task-interrupt' && event.payload.taskId === 'ui')).toBe(true);
  const creates = events.value.filter((event) => event.type === 'artifact-create').map((event) => event.payload.path);
  expect(new Set(creates).size).toBe(creates.length);
  expect(done.project.reservedUsd).toBe(0);
});

test('with no key at all the Template provider builds a starter, labelled as such, at no cost', async () => {
  const db = new OrchestraDb(`template-${Date.now()}`);
  const api = createWorkerApi({
    db,
    engine: createEngine(db),
    storage: undefined,
    providers: (options) => Promise.resolve(new ProviderService(db, options)),
    orchestrator: { templateDelayMs: 0 },
  });
  const readiness = await api.providerReadiness();
  expect(readiness.ok && readiness.value.find((entry) => entry.provider === 'template')?.ready).toBe(true);
  const created = await api.createProject({
    name: 'Pipeline',
    description: 'A data pipeline that cleans CSV files.',
    template: 'data-pipeline',
  });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  await api.openProject(projectId);
  await api.startRun(projectId);
  const proposed = await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  expect(proposed.project.plan).toMatchObject({ source: 'template' });
  expect(proposed.project.plan?.summary).toContain('Template (no AI)');
  await api.approvePlan(projectId);
  const done = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped');
  expect(done.artifactVersions.length).toBeGreaterThan(2);
  expect(
    done.artifactVersions.every(
      (version) => version.provenance.source === 'template' && version.provenance.provider === 'template',
    ),
  ).toBe(true);
  expect(done.project.spentUsd).toBe(0);
  expect(done.tasks.map((task) => `${task.taskId}:${task.status}:${task.model}`)).toEqual([
    'scaffold:done:template:data-pipeline',
  ]);
  // Wherever its output is told, it says where it came from.
  const events = await api.readEvents(projectId, 1, 1e9);
  const sentences = events.ok ? events.value.map((event) => describeEvent(event)) : [];
  const files = sentences.filter((sentence) => / created (?!the project)/.test(sentence));
  expect(files.length).toBeGreaterThan(2);
  expect(files.filter((sentence) => !sentence.includes('Template (no AI)'))).toEqual([]);
  expect(sentences).toContain('Task scaffold started (attempt 1) on Template (no AI).');
});

test('a message to the team is answered by the Project Manager, who can change the plan before and after approval', async () => {
  const { api } = await engineWithTeam(sim);
  scriptDefaultTeam(sim, {
    ...slowBuilders(0),
    chat: (_request, nth) => ({
      kind: 'json',
      value:
        nth === 1
          ? {
              reply: 'I dropped the page.',
              changes: { add: [], update: [{ id: 'api', title: null, instructions: 'Use a dict.' }], cancel: ['ui'] },
            }
          : {
              reply: 'Added docs.',
              changes: {
                add: [
                  {
                    ...teamPlan.tasks[0],
                    id: 'docs',
                    title: 'Docs',
                    expectedArtifacts: ['README.md'],
                    dependsOn: ['api'],
                  },
                ],
                update: [],
                cancel: [],
              },
            },
    }),
  });
  const projectId = await approvedProject(api);
  expect((await api.sendMessage(projectId, 'No web page, please.')).ok).toBe(true);
  const revised = await waitFor(api, projectId, (view) => (view.project.plan?.revision ?? 0) === 2);
  expect(revised.project.plan?.tasks.map((task) => task.id)).toEqual(['api', 'tests', 'review']);
  expect(revised.project.plan?.tasks[0]?.instructions).toBe('Use a dict.');
  expect(revised.project.plan?.tasks[2]?.dependsOn).toEqual(['api', 'tests']);
  expect((await api.approvePlan(projectId)).ok).toBe(true);
  await api.pauseRun(projectId);
  expect((await api.sendMessage(projectId, 'Add a README.')).ok).toBe(true);
  await waitFor(api, projectId, (view) => view.tasks.some((task) => task.taskId === 'docs'));
  await api.resumeRun(projectId).catch(() => undefined);
  const done = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped');
  expect(done.tasks.find((task) => task.taskId === 'docs')?.status).toBe('done');
  const events = await api.readEvents(projectId, 1, 1e9);
  const replies = events.ok
    ? events.value.filter((event) => event.type === 'agent-reply').map((event) => event.payload.text)
    : [];
  expect(replies).toEqual(['I dropped the page.', 'Added docs.']);
  expect(done.project.messages).toBe(4);
});

test('the Project Manager plans with what the person said before, and why a plan was rejected', async () => {
  const { api } = await engineWithTeam(sim);
  const mark = sim.requests.length;
  scriptDefaultTeam(sim);
  const created = await api.createProject({ name: 'Told', description: 'Notes.' });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  await api.openProject(projectId);
  expect((await api.sendMessage(projectId, 'Please use FastAPI for the backend.')).ok).toBe(true);
  await api.startRun(projectId);
  await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  expect((await api.rejectPlan(projectId, 'No web page: a command line tool instead.')).ok).toBe(true);
  await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped');
  await api.startRun(projectId);
  await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed' && view.project.plan.revision === 2);
  const plans = sim.requests.slice(mark).filter((request) => roleOf(request) === 'project-manager');
  expect(plans).toHaveLength(2);
  expect(JSON.stringify(plans[0]?.body)).toContain('Please use FastAPI for the backend.');
  expect(JSON.stringify(plans[1]?.body)).toContain('I rejected the plan: No web page: a command line tool instead.');
});

test('deleting a project mid-run stops its calls first: nothing is written after the delete', async () => {
  const { api } = await engineWithTeam(sim);
  const mark = sim.requests.length;
  scriptDefaultTeam(sim, { ...slowBuilders(0), 'ui-designer': { kind: 'hang', after: 'request' } });
  const projectId = await approvedProject(api);
  await api.approvePlan(projectId);
  await waitFor(api, projectId, (view) => view.tasks.find((task) => task.taskId === 'ui')?.status === 'running');
  await received((request) => roleOf(request) === 'ui-designer', mark);
  expect((await api.deleteProject(projectId)).ok).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await api.readEvents(projectId, 1, 1e9)).toEqual({ ok: true, value: [] });
  expect(await api.getProjectView(projectId)).toMatchObject({ ok: false, kind: 'not_found' });
  // (Not sim.settled(): an earlier test leaves a call hanging on purpose.)
  await expect
    .poll(() => sim.requests.slice(mark).find((request) => roleOf(request) === 'ui-designer')?.aborted)
    .toBe(true);
});
