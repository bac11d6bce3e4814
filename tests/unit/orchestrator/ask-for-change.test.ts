import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { webApp } from '../../../worker/providers/template/templates/web-app.ts';
import {
  isChangePlanRequest,
  isChangeRequest,
  codeChange,
  webAppChangePlan,
  webAppChangeTeam,
  changeRequestText,
  clearCompletedSource,
  summarySource,
  testImportAfter,
} from '../../sim/change-answers.ts';
import { roleOf, scriptTeam } from '../../sim/agent-script.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { runControls, runState } from '../../../worker/run-state/run-state.ts';
import { runSentence } from '../../../worker/run-state/run-words.ts';
import { engineWithoutKey, summary, templateProject, waitFor } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => sim.respond('openai', undefined));

type Api = ReturnType<typeof engineWithoutKey>['api'];

async function fileText(api: Api, projectId: string, path: string): Promise<string> {
  const text = await api.artifactContent(projectId, path);
  if (!text.ok) throw new Error(text.message);
  return text.value;
}

async function withSimulatedKey(api: Api) {
  await api.updateProvider('openai', { baseUrl: sim.baseUrl('openai') });
  await api.setKey('openai', 'sk-test-orchestra-0000000000');
}

test('a change on a built project: the Project Manager plans it on the files as they stand, builders send edit blocks, the files change exactly there', async () => {
  const { api } = engineWithoutKey();
  const projectId = await templateProject(api);
  const tasksBefore = await fileText(api, projectId, 'src/tasks.js');
  await withSimulatedKey(api);
  scriptTeam(sim, 'openai', webAppChangeTeam());

  const asked = await api.askForChange(projectId, changeRequestText);
  expect(asked.ok).toBe(true);
  const proposed = await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  // The change plan is a plan to approve like any other, with the files each task touches.
  expect(proposed.project.plan?.change).toEqual({ request: changeRequestText });
  expect(proposed.project.plan?.source).toBe('ai');
  expect(proposed.project.plan?.tasks.map((task) => [task.id, task.modifies, task.adds])).toEqual([
    ['clear-done', ['src/tasks.js'], ['src/summary.js']],
    ['tests-clear', ['test/tasks.test.js'], []],
    ['review', [], []],
  ]);
  // The planner read the project as it stands: its files, the last plan, and the request.
  const planRequest = JSON.stringify(sim.requests.findLast(isChangePlanRequest)?.body);
  expect(planRequest).toContain('src/tasks.js');
  expect(planRequest).toContain('export function remaining(tasks)');
  expect(planRequest).toContain('scaffold [done]');
  expect(planRequest).toContain(changeRequestText);

  expect((await api.approvePlan(projectId)).ok).toBe(true);
  const finished = await waitFor(
    api,
    projectId,
    (view) =>
      view.project.runStatus === 'stopped' &&
      view.project.plan?.status === 'approved' &&
      view.tasks.some((task) => task.taskId === 'review'),
  );
  expect(summary(finished).tasks).toEqual([
    'scaffold:done:1',
    'plan-change:done:1',
    'clear-done:done:1',
    'tests-clear:done:1',
    'review:done:1',
  ]);
  expect(await fileText(api, projectId, 'src/tasks.js')).toBe(`${tasksBefore}${clearCompletedSource}`);
  expect(await fileText(api, projectId, 'src/summary.js')).toBe(summarySource);
  const tests = await fileText(api, projectId, 'test/tasks.test.js');
  expect(tests).toContain(testImportAfter);
  expect(tests).toContain("test('clearing finished tasks keeps the others'");
  // The builder was shown the file it edits whole, and asked for edit blocks.
  const codeRequest = sim.requests.findLast(
    (request) => roleOf(request) === 'code-generator' && isChangeRequest(request),
  );
  expect(JSON.stringify(codeRequest?.body)).toContain('Files you change');
  // Nothing else was touched: the other template files are still at version 1.
  const versions = finished.artifacts.filter((artifact) => artifact.latest > 1).map((artifact) => artifact.path);
  expect(versions.sort()).toEqual(['src/tasks.js', 'test/tasks.test.js']);
  expect(webApp.files('x').length + 1).toBe(finished.artifacts.filter((row) => row.kind === 'source').length);
});

test('a change plan that modifies a missing file goes back to the Project Manager with the reason', async () => {
  const { api } = engineWithoutKey();
  const projectId = await templateProject(api);
  await withSimulatedKey(api);
  const wrong = {
    ...webAppChangePlan,
    tasks: webAppChangePlan.tasks.map((task) =>
      task.id === 'clear-done' ? { ...task, modifies: ['src/task.js'], expectedArtifacts: ['src/task.js'] } : task,
    ),
  };
  scriptTeam(sim, 'openai', {
    'project-manager': (_request, nth) => ({ kind: 'json', value: nth === 1 ? wrong : webAppChangePlan }),
  });
  const from = sim.requests.length;
  await api.askForChange(projectId, changeRequestText);
  const proposed = await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  expect(proposed.project.plan?.tasks[0]?.modifies).toEqual(['src/tasks.js']);
  const plans = sim.requests.slice(from).filter(isChangePlanRequest);
  expect(plans).toHaveLength(2);
  expect(JSON.stringify(plans[1]?.body)).toContain(
    'Task clear-done modifies src/task.js, which does not exist: list it under \\"adds\\" to create it.',
  );
  expect(proposed.tasks.find((task) => task.taskId === 'plan-change')?.repairs).toBe(1);
});

test('an edit block whose search text is not in the file goes back for repair with the reason; nothing half-applied', async () => {
  const { api } = engineWithoutKey();
  const projectId = await templateProject(api);
  const before = await fileText(api, projectId, 'src/tasks.js');
  await withSimulatedKey(api);
  const team = webAppChangeTeam();
  scriptTeam(sim, 'openai', {
    ...team,
    'code-generator': (_request, nth) => ({
      kind: 'json',
      value: nth === 1 ? codeChange('export function remaining(list) {\n') : codeChange(),
    }),
  });
  const from = sim.requests.length;
  await api.askForChange(projectId, changeRequestText);
  await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  await api.approvePlan(projectId);
  const finished = await waitFor(
    api,
    projectId,
    (view) => view.project.runStatus === 'stopped' && view.tasks.some((task) => task.taskId === 'review'),
  );
  const code = sim.requests.slice(from).filter((request) => roleOf(request) === 'code-generator');
  expect(code).toHaveLength(2);
  expect(JSON.stringify(code[1]?.body)).toContain('edits[0] (src/tasks.js): the search text is not in the file');
  expect(finished.tasks.find((task) => task.taskId === 'clear-done')).toMatchObject({ status: 'done', repairs: 1 });
  expect(await fileText(api, projectId, 'src/tasks.js')).toBe(`${before}${clearCompletedSource}`);
});

test('with no key, the Template provider makes a plain change plan that says so, and writes the request down with an edit', async () => {
  const { api } = engineWithoutKey();
  const projectId = await templateProject(api);
  const readme = await fileText(api, projectId, 'README.md');
  const calls = sim.requests.length;
  expect((await api.askForChange(projectId, '  Dark mode, please.  ')).ok).toBe(true);
  const proposed = await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  expect(proposed.project.plan?.change).toEqual({ request: '  Dark mode, please.  '.trim() });
  await api.approvePlan(projectId);
  const finished = await waitFor(
    api,
    projectId,
    (view) => view.project.runStatus === 'stopped' && view.project.plan?.change !== undefined,
  );
  expect(finished.project.plan?.source).toBe('template');
  expect(finished.project.plan?.summary).toMatch(/^No AI read your request/);
  expect(finished.project.plan?.tasks.map((task) => [task.id, task.modifies])).toEqual([
    ['note-request', ['README.md']],
  ]);
  const after = await fileText(api, projectId, 'README.md');
  expect(after.startsWith(readme.trimEnd())).toBe(true);
  expect(after.slice(readme.trimEnd().length)).toBe(
    '\n\n## Requested changes\n\n- Dark mode, please. (recorded by the Template provider: no AI read it)\n',
  );
  const version = finished.artifactVersions.filter((row) => row.path === 'README.md').at(-1);
  expect(version?.provenance).toMatchObject({ source: 'template', taskId: 'note-request' });
  expect(sim.requests.length).toBe(calls);
});

test('asking for a change is refused while a run is going, with nothing built, or with nothing said', async () => {
  const { api } = engineWithoutKey();
  const created = await api.createProject({ name: 'Empty', description: 'A web app', template: 'web-app' });
  if (!created.ok) throw new Error(created.message);
  await api.openProject(created.value.projectId);
  const empty = await api.askForChange(created.value.projectId, 'Add a footer.');
  expect(empty.ok || empty.message).toBe('There is nothing to change yet: Start builds the project first.');
  const projectId = await templateProject(api);
  const blank = await api.askForChange(projectId, '   ');
  expect(blank.ok || blank.message).toBe('Say what to change first.');
});

test('a rejected change plan leaves the project as built: the run says so, and Start does not plan the whole project again', async () => {
  const { api } = engineWithoutKey();
  const projectId = await templateProject(api);
  const tasksBefore = await fileText(api, projectId, 'src/tasks.js');
  await withSimulatedKey(api);
  scriptTeam(sim, 'openai', webAppChangeTeam());
  expect((await api.askForChange(projectId, changeRequestText)).ok).toBe(true);
  await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');

  expect((await api.rejectPlan(projectId, 'Not now.')).ok).toBe(true);
  const rejected = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped');
  const ended = runState({ project: rejected.project, plan: rejected.project.plan, tasks: rejected.tasks });
  expect(ended).toMatchObject({ phase: 'ended', outcome: 'rejected', planned: true, unfinished: [] });
  expect(runSentence(ended)).toBe('The change plan was rejected; the project is as it was before you asked.');
  expect(runSentence(ended)).not.toContain('nothing was built');
  // Start on it says, and does, what Start does on a finished project.
  expect(runControls(ended, true, 'models').start.does).toContain('Every task is done');

  const before = await api.readEvents(projectId, 1, 1e9);
  const planCalls = sim.requests.filter((request) => roleOf(request) === 'project-manager').length;
  expect((await api.startRun(projectId)).ok).toBe(true);
  const again = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped');
  const after = await api.readEvents(projectId, 1, 1e9);
  if (!before.ok || !after.ok) throw new Error('The log could not be read.');
  const written = after.value.slice(before.value.length).map((event) => event.type);
  expect(written).not.toContain('plan-propose');
  expect(written).not.toContain('task-schedule');
  expect(sim.requests.filter((request) => roleOf(request) === 'project-manager').length).toBe(planCalls);
  expect(again.project.lastOutcome).toBe('completed');
  expect(await fileText(api, projectId, 'src/tasks.js')).toBe(tasksBefore);
});
