import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { fileOutputSchema, planSchema } from '../../../worker/agents/index.ts';
import { validateOutput } from '../../../worker/artifacts/parse-output.ts';
import { defaultLimits } from '../../../worker/orchestrator/limits.ts';
import { validatePlan } from '../../../worker/orchestrator/plan-validation.ts';
import type { ProjectView } from '../../../worker/projects/project-view.ts';
import { type RoleScript, roleOf } from '../../sim/agent-script.ts';
import { type RecordedRequest, type Simulator, startSimulator } from '../../sim/simulator.ts';
import { files, reviewWithMajorFinding } from '../../sim/team-answers.ts';
import { engineWithTeam, scriptDefaultTeam, summary, waitFor } from './helpers.ts';
import { eventsOf } from './scripted-provider.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.respond('openai', undefined);
});

type Api = Awaited<ReturnType<typeof engineWithTeam>>['api'];

const apiTask = {
  id: 'api',
  role: 'code-generator',
  title: 'Notes module',
  instructions: 'Write notes.py with add_note(text) and list_notes().',
  dependsOn: [] as string[],
  expectedArtifacts: ['notes.py'],
  acceptance: ['add_note stores a note'],
};
const reviewTask = {
  id: 'review',
  role: 'debugger',
  title: 'Review the module',
  instructions: 'Review everything.',
  dependsOn: ['api'],
  expectedArtifacts: [] as string[],
  acceptance: [] as string[],
};

const planOf = (tasks: (typeof apiTask)[]) => ({
  summary: 'A tiny notes module.',
  complexity: 'small',
  estimate: { tokens: 4000, costUsd: 0.01 },
  stack: ['Python 3.12'],
  languages: ['python'],
  tasks,
});

/** A project with OpenAI on the simulator, its run started; resolves when the plan waits for approval. */
async function startProject(scripts: Partial<Record<string, RoleScript>>, limits = {}) {
  const { api } = await engineWithTeam(sim, limits);
  scriptDefaultTeam(sim, { 'project-manager': { kind: 'json', value: planOf([apiTask]) }, ...scripts });
  const created = await api.createProject({ name: 'Notes', description: 'A notes module.', budgetUsd: 50 });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  expect((await api.openProject(projectId)).ok).toBe(true);
  const from = sim.requests.length;
  expect((await api.startRun(projectId)).ok).toBe(true);
  return { api, projectId, requests: () => sim.requests.slice(from) };
}

async function approveWhenProposed(api: Api, projectId: string): Promise<void> {
  await waitFor(
    api,
    projectId,
    (view) => view.project.plan?.status === 'proposed' || view.project.runStatus !== 'running',
  );
  const approved = await api.approvePlan(projectId);
  if (!approved.ok) throw new Error(`${approved.message} ${JSON.stringify(await viewSummary(api, projectId))}`);
}

async function viewSummary(api: Api, projectId: string) {
  const view = await api.getProjectView(projectId);
  return view.ok ? summary(view.value) : view;
}

const settled = (view: ProjectView) => view.project.runStatus === 'paused' || view.project.runStatus === 'stopped';
const taskOf = (view: ProjectView, taskId: string) => view.tasks.find((task) => task.taskId === taskId);
const of = (role: string) => (request: RecordedRequest) => roleOf(request) === role;

/** The conversation of a chat-completions request, as text. */
const messagesOf = (request: RecordedRequest | undefined) =>
  ((request?.body as { messages?: { content?: unknown }[] } | undefined)?.messages ?? [])
    .map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content)))
    .join('\n');

test('repair: a wrong-schema answer goes back with its validation errors, and the valid second answer completes the task with one repair', async () => {
  const { api, projectId, requests } = await startProject({
    'code-generator': (_request, nth) => (nth === 1 ? { kind: 'wrong-schema' } : { kind: 'json', value: files.api() }),
  });
  await approveWhenProposed(api, projectId);
  const view = await waitFor(api, projectId, settled);

  expect(view.project.runStatus, JSON.stringify(summary(view))).toBe('stopped');
  expect(taskOf(view, 'api')).toMatchObject({ status: 'done', repairs: 1, attempt: 1 });
  const builds = requests().filter(of('code-generator'));
  expect(builds).toHaveLength(2);
  const wrong = JSON.stringify({ unexpected: 'this is not what the schema asked for' });
  const checked = validateOutput(fileOutputSchema, wrong);
  expect(checked.ok).toBe(false);
  const repair = messagesOf(builds[1]);
  expect(repair).toContain('does not match the required JSON schema');
  for (const error of checked.ok ? [] : checked.errors) expect(repair).toContain(error);
  expect(messagesOf(builds[0])).not.toContain('does not match the required JSON schema');
  expect(view.artifacts.map((artifact) => artifact.path)).toEqual(['notes.py']);
});

test('repair: three different invalid answers fail the attempt as malformed_output after exactly two repairs, and the run pauses for the failure', async () => {
  const { api, projectId, requests } = await startProject(
    { 'code-generator': (_request, nth) => ({ kind: 'json', value: { notes: `no files, answer ${nth}` } }) },
    { maxAttempts: 1 },
  );
  await approveWhenProposed(api, projectId);
  const view = await waitFor(api, projectId, settled);

  expect(view.project).toMatchObject({ runStatus: 'paused', pauseKind: 'failure' });
  expect(view.project.pauseReason).toContain('Notes module');
  expect(taskOf(view, 'api')).toMatchObject({ status: 'failed', attempt: 1 });
  expect(taskOf(view, 'api')?.lastError).toMatchObject({ kind: 'malformed_output' });
  expect(taskOf(view, 'api')?.lastError?.message).toContain('after 2 repairs');
  expect(taskOf(view, 'api')?.lastError?.message).toContain('files');
  expect(requests().filter(of('code-generator'))).toHaveLength(1 + defaultLimits.maxRepairs);
  const events = await eventsOf(api, projectId);
  expect(events.filter((event) => event.type === 'task-fail').map((event) => event.payload.kind)).toEqual([
    'malformed_output',
  ]);
  expect(view.project.reservedUsd).toBe(0);
});

test('repair: with attempts left, a malformed attempt is retried whole, each attempt with exactly two repairs', async () => {
  const { api, projectId, requests } = await startProject({
    'code-generator': (_request, nth) => ({ kind: 'json', value: { notes: `no files, answer ${nth}` } }),
  });
  await approveWhenProposed(api, projectId);
  const view = await waitFor(api, projectId, settled);

  expect(view.project).toMatchObject({ runStatus: 'paused', pauseKind: 'failure' });
  expect(taskOf(view, 'api')).toMatchObject({ status: 'failed', attempt: defaultLimits.maxAttempts });
  expect(requests().filter(of('code-generator'))).toHaveLength(
    defaultLimits.maxAttempts * (1 + defaultLimits.maxRepairs),
  );
  const events = await eventsOf(api, projectId);
  const fails = events.filter((event) => event.type === 'task-fail');
  expect(fails.map((event) => [event.payload.attempt, event.payload.kind])).toEqual([
    [1, 'malformed_output'],
    [2, 'malformed_output'],
    [3, 'malformed_output'],
  ]);
  expect(view.project.pauseReason).toContain(`after ${defaultLimits.maxAttempts} attempts`);
  expect(view.project.pauseReason).toMatch(/Press Retry task, or Cancel task to go on without it\.$/);
});

test('loop detection: the same invalid answer twice fails the task as a loop and pauses the run for it', async () => {
  const { api, projectId, requests } = await startProject({ 'code-generator': { kind: 'wrong-schema' } });
  await approveWhenProposed(api, projectId);
  const view = await waitFor(api, projectId, settled);

  expect(view.project).toMatchObject({ runStatus: 'paused', pauseKind: 'loop' });
  expect(taskOf(view, 'api')).toMatchObject({ status: 'failed' });
  expect(taskOf(view, 'api')?.lastError).toMatchObject({ kind: 'loop', retryable: false });
  expect(requests().filter(of('code-generator'))).toHaveLength(2);
  expect(view.project.reservedUsd).toBe(0);
});

test('review rounds are bounded: a Debugger that always finds a major problem reviews exactly maxReviewRounds times, then the run completes listing the finding', async () => {
  const { api, projectId, requests } = await startProject({
    'project-manager': { kind: 'json', value: planOf([apiTask, reviewTask]) },
    // The fix changes the file (a fix that changes nothing is a loop: see below).
    'code-generator': (_request, nth) => ({ kind: 'json', value: files.api(nth > 1) }),
    debugger: { kind: 'json', value: reviewWithMajorFinding },
  });
  await approveWhenProposed(api, projectId);
  const view = await waitFor(api, projectId, settled);

  expect(view.project.runStatus, JSON.stringify(summary(view))).toBe('stopped');
  expect(defaultLimits.maxReviewRounds).toBe(2);
  expect(summary(view).tasks).toEqual([
    'plan:done:1',
    'api:done:1',
    'review:done:1',
    'fix-2-code-generator:done:1',
    'review-2:done:1',
  ]);
  expect(requests().filter(of('debugger'))).toHaveLength(defaultLimits.maxReviewRounds);
  expect(view.project.runMessage).toContain('left 1 finding open');
  expect(view.project.runMessage).toContain('major in notes.py:7 — Empty notes are stored.');
  const events = await eventsOf(api, projectId);
  expect(events.filter((event) => event.type === 'run-stop').map((event) => event.payload.outcome)).toEqual([
    'completed',
  ]);
});

test('an invalid plan goes back to the Project Manager with its errors, and the corrected plan is proposed', async () => {
  const cyclic = planOf([
    { ...apiTask, dependsOn: ['tests'] },
    { ...apiTask, id: 'tests', role: 'test-writer', dependsOn: ['api'], expectedArtifacts: ['test_notes.py'] },
  ]);
  const parsed = planSchema.parse(cyclic);
  const checked = validatePlan(parsed, { maxTasks: defaultLimits.maxPlanTasks });
  expect(checked.ok).toBe(false);
  const { api, projectId, requests } = await startProject({
    'project-manager': (_request, nth) => ({ kind: 'json', value: nth === 1 ? cyclic : planOf([apiTask]) }),
  });
  const view = await waitFor(api, projectId, (current) => current.project.plan !== null || settled(current));

  expect(view.project.plan?.status, JSON.stringify(summary(view))).toBe('proposed');
  expect(view.project.plan?.tasks.map((task) => task.id)).toEqual(['api']);
  expect(taskOf(view, 'plan')).toMatchObject({ status: 'done', repairs: 1 });
  const plans = requests().filter(of('project-manager'));
  expect(plans).toHaveLength(2);
  for (const error of checked.ok ? [] : checked.errors) expect(messagesOf(plans[1])).toContain(error);
  expect(messagesOf(plans[1])).toContain('Tasks form a cycle: ');
});

test('the plan limit is one number: the prompt states it, a plan over it is repaired, the planning task does not carry it', async () => {
  const testsTask = { ...apiTask, id: 'tests', role: 'test-writer', expectedArtifacts: ['test_notes.py'] };
  const tooMany = planOf([apiTask, testsTask, { ...reviewTask, dependsOn: ['api', 'tests'] }]);
  const { api, projectId, requests } = await startProject(
    { 'project-manager': (_request, nth) => ({ kind: 'json', value: nth === 1 ? tooMany : planOf([apiTask]) }) },
    { maxPlanTasks: 2 },
  );
  const view = await waitFor(api, projectId, (current) => current.project.plan !== null || settled(current));

  expect(
    view.project.plan?.tasks.map((task) => task.id),
    JSON.stringify(summary(view)),
  ).toEqual(['api']);
  expect(taskOf(view, 'plan')).toMatchObject({ status: 'done', repairs: 1, acceptance: [] });
  const plans = requests().filter(of('project-manager'));
  expect(plans).toHaveLength(2);
  expect(messagesOf(plans[0])).toContain('Keep the plan within 2 tasks.');
  expect(messagesOf(plans[0])).not.toContain('at most');
  expect(messagesOf(plans[1])).toContain('The plan has 3 tasks but may have at most 2');
});

test('a Project Manager that keeps answering invalid plans fails the plan task with the reason, and no plan is proposed', async () => {
  const { api, projectId, requests } = await startProject(
    {
      'project-manager': (_request, nth) => ({
        kind: 'json',
        value: planOf([{ ...apiTask, dependsOn: [`ghost-${nth}`] }]),
      }),
    },
    { maxAttempts: 1 },
  );
  const view = await waitFor(api, projectId, settled);

  expect(view.project).toMatchObject({ runStatus: 'paused', pauseKind: 'failure', plan: null });
  expect(taskOf(view, 'plan')).toMatchObject({ status: 'failed' });
  expect(taskOf(view, 'plan')?.lastError?.kind).toBe('malformed_output');
  expect(taskOf(view, 'plan')?.lastError?.message).toContain(
    'Task "api" depends on "ghost-3", which is not a task in the plan',
  );
  expect(view.project.pauseReason).toContain('Plan the project');
  // Issue 20, point 4: it names the model that failed and one way on; cancelling the plan is no way on.
  expect(view.project.pauseReason).toMatch(/^Task “Plan the project” failed on OpenAI \(GPT\) gpt-\S+: /);
  expect(view.project.pauseReason).toMatch(/Press Retry task: the run needs a plan to go on\.$/);
  expect(view.project.pauseReason).not.toContain('Cancel task');
  expect(requests().filter(of('project-manager'))).toHaveLength(1 + defaultLimits.maxRepairs);
});

test('hostile file paths are never written: only the safe files become artifacts, and each refusal is reported', async () => {
  const hostile = ['../etc/passwd', '/abs.py', 'C:\\x.py', 'CON.txt', 'src/App.js', 'src/app.js', 'ok.py'];
  const { api, projectId } = await startProject({
    'code-generator': {
      kind: 'json',
      value: { files: hostile.map((path) => ({ path, language: 'text', content: `// ${path}\n` })), notes: '' },
    },
  });
  await approveWhenProposed(api, projectId);
  const view = await waitFor(api, projectId, settled);

  expect(view.project.runStatus, JSON.stringify(summary(view))).toBe('stopped');
  expect(view.artifacts.map((artifact) => artifact.path).sort()).toEqual(['ok.py', 'src/App.js']);
  const events = await eventsOf(api, projectId);
  const written = events.flatMap((event) =>
    event.type === 'artifact-create' || event.type === 'artifact-version' ? [event.payload.path] : [],
  );
  expect(written.sort()).toEqual(['ok.py', 'src/App.js']);
  const reports = events.flatMap((event) => (event.type === 'error-report' ? [event.payload] : []));
  expect(reports).toHaveLength(5);
  for (const report of reports) expect(report).toMatchObject({ kind: 'unsafe_path', taskId: 'api' });
  for (const path of [
    '"../etc/passwd"',
    '"/abs.py"',
    '"C:\\\\x.py"',
    '"CON.txt"',
    'src/app.js duplicates src/App.js',
  ]) {
    expect(
      reports.some((report) => report.message.includes(path)),
      path,
    ).toBe(true);
  }
});

test('a builder answer whose every path is unsafe fails the task instead of completing it with nothing', async () => {
  const { api, projectId } = await startProject(
    {
      'code-generator': {
        kind: 'json',
        value: { files: [{ path: '../../escape.py', language: 'python', content: 'x = 1\n' }], notes: '' },
      },
    },
    { maxAttempts: 1 },
  );
  await approveWhenProposed(api, projectId);
  const view = await waitFor(api, projectId, settled);

  expect(view.project).toMatchObject({ runStatus: 'paused', pauseKind: 'failure' });
  expect(taskOf(view, 'api')?.lastError).toMatchObject({ kind: 'no_files' });
  expect(view.artifacts).toEqual([]);
});

test('the per-run token limit pauses the run, and Continue orchestra lets it go on to the end', async () => {
  const { api, projectId } = await startProject({}, { maxRunTokens: 5 });
  let limitPauses = 0;
  let startsAtLastPause = 0;
  let approved = false;
  for (let step = 0; step < 10; step++) {
    const view = await waitFor(
      api,
      projectId,
      (current) => settled(current) || (!approved && current.project.plan?.status === 'proposed'),
    );
    if (view.project.runStatus === 'stopped') break;
    if (!approved && view.project.plan?.status === 'proposed') {
      approved = true;
      expect((await api.approvePlan(projectId)).ok).toBe(true);
      continue;
    }
    expect(view.project.pauseKind, JSON.stringify(summary(view))).toBe('limit');
    expect(view.project.pauseReason).toContain('past its limit of');
    limitPauses++;
    // Each Continue must buy progress: at least one more task starts before the next limit pause.
    const starts = (await eventsOf(api, projectId)).filter((event) => event.type === 'task-start').length;
    expect(starts, `Continue ${limitPauses} let nothing run`).toBeGreaterThan(startsAtLastPause);
    startsAtLastPause = starts;
    const resumed = await api.resumeRun(projectId);
    expect(resumed.ok).toBe(true);
  }
  const view = await waitFor(api, projectId, settled);
  expect(view.project.runStatus, JSON.stringify(summary(view))).toBe('stopped');
  // One limit pause after the plan; Continue then allows enough for the one build task.
  expect(limitPauses).toBe(1);
  expect(taskOf(view, 'api')).toMatchObject({ status: 'done' });
  const events = await eventsOf(api, projectId);
  expect(events.filter((event) => event.type === 'run-stop').map((event) => event.payload.outcome)).toEqual([
    'completed',
  ]);
});

test('a provider failure that retrying cannot fix fails the task and pauses; Retry task after the cause is fixed finishes the run', async () => {
  let broken = true;
  const { api, projectId, requests } = await startProject({
    'project-manager': { kind: 'json', value: planOf([apiTask, { ...reviewTask, role: 'test-writer', id: 'tests' }]) },
    'code-generator': () => (broken ? { kind: 'auth' } : { kind: 'json', value: files.api() }),
    'test-writer': { kind: 'json', value: files.tests },
  });
  await approveWhenProposed(api, projectId);
  const failed = await waitFor(api, projectId, settled);

  expect(failed.project, JSON.stringify(summary(failed))).toMatchObject({ runStatus: 'paused', pauseKind: 'failure' });
  expect(taskOf(failed, 'api')).toMatchObject({ status: 'failed', attempt: 1 });
  expect(taskOf(failed, 'api')?.lastError).toMatchObject({ kind: 'auth', retryable: false });
  expect(taskOf(failed, 'tests')?.status).toBe('scheduled');
  expect(requests().filter(of('code-generator'))).toHaveLength(1);

  broken = false;
  expect((await api.retryTask(projectId, 'api')).ok).toBe(true);
  const view = await waitFor(api, projectId, (current) => current.project.runStatus === 'stopped');
  expect(summary(view).tasks).toEqual(['plan:done:1', 'api:done:2', 'tests:done:1']);
  expect(view.project.runMessage).toBe('Every task is done.');
});

test('two reviews in one round that both find problems: every fix task gets its findings and is reviewed after it is done', async () => {
  const idOf = (request: RecordedRequest) => /\(id: ([^,]+), /.exec(messagesOf(request))?.[1] ?? '';
  const finding = (file: string, message: string) => ({
    verdict: 'changes-requested',
    summary: message,
    findings: [{ severity: 'major', file, line: 1, message, suggestion: 'Fix it.' }],
  });
  const { api, projectId, requests } = await startProject({
    'project-manager': {
      kind: 'json',
      value: planOf([
        apiTask,
        { ...apiTask, id: 'ui', role: 'ui-designer', title: 'Notes page', expectedArtifacts: ['app.js'] },
        { ...reviewTask, id: 'review-api', dependsOn: ['api'] },
        { ...reviewTask, id: 'review-ui', dependsOn: ['ui'] },
      ]),
    },
    'code-generator': (_request, nth) => ({ kind: 'json', value: files.api(nth > 1) }),
    'ui-designer': (_request, nth) => ({
      kind: 'json',
      value:
        nth > 1
          ? { ...files.ui, files: files.ui.files.map((file) => ({ ...file, content: `${file.content}\n` })) }
          : files.ui,
    }),
    debugger: (request) => {
      const id = idOf(request);
      if (id === 'review-api') return { kind: 'json', value: finding('notes.py', 'The API forgets blank notes.') };
      if (id === 'review-ui') return { kind: 'json', value: finding('app.js', 'The page never lists notes.') };
      return { kind: 'json', value: { verdict: 'pass', summary: 'Fixed.', findings: [] } };
    },
  });
  await approveWhenProposed(api, projectId);
  const view = await waitFor(api, projectId, settled);
  expect(view.project.runStatus, JSON.stringify(summary(view))).toBe('stopped');

  const fixes = view.tasks.filter((task) => task.kind === 'fix');
  expect(fixes.map((task) => task.role).sort()).toEqual(['code-generator', 'ui-designer']);
  // Each fix task was told its own review's finding.
  const builderRequests = requests().filter((request) => roleOf(request) !== 'debugger');
  for (const [fix, message] of [
    [fixes.find((task) => task.role === 'code-generator'), 'The API forgets blank notes.'],
    [fixes.find((task) => task.role === 'ui-designer'), 'The page never lists notes.'],
  ] as const) {
    const asked = builderRequests.filter((request) => idOf(request) === fix?.taskId);
    expect(asked.length, `${fix?.taskId} ran`).toBeGreaterThan(0);
    expect(messagesOf(asked[0]), `${fix?.taskId} is told its finding`).toContain(message);
  }
  // Each fix is reviewed again by a review that started after it completed.
  const events = await eventsOf(api, projectId);
  const seqOf = (type: string, taskId: string) =>
    events.find((event) => event.type === type && 'taskId' in event.payload && event.payload.taskId === taskId)?.seq;
  for (const fix of fixes) {
    const reviews = view.tasks.filter((task) => task.role === 'debugger' && task.dependsOn.includes(fix.taskId));
    expect(reviews.length, `${fix.taskId} has a review after it`).toBeGreaterThan(0);
    for (const review of reviews) {
      expect(seqOf('task-start', review.taskId)).toBeGreaterThan(seqOf('task-complete', fix.taskId) ?? Infinity);
    }
  }
  expect(view.tasks.every((task) => task.status === 'done')).toBe(true);
});

test('a budget refusal on a repair call does not strand the task as running: after raising the budget, Continue orchestra runs it again', async () => {
  // The first answer is invalid and its call bills far more than was set aside (a model
  // that ignored the output limit), so the repair call cannot be reserved.
  const wrong = JSON.stringify({ notes: 'no files at all' });
  const { api, projectId } = await startProject(
    {
      'code-generator': (_request, nth) =>
        nth === 1
          ? { kind: 'text', text: wrong, usage: { inputTokens: 20, outputTokens: 1_000_000_000 } }
          : { kind: 'json', value: files.api() },
    },
    // Those tokens were billed to this run: a run limit that high keeps this test on the budget.
    { maxRunTokens: 2_000_000_000 },
  );
  await approveWhenProposed(api, projectId);
  const paused = await waitFor(api, projectId, settled);

  expect(paused.project, JSON.stringify(summary(paused))).toMatchObject({ runStatus: 'paused', pauseKind: 'budget' });
  expect(paused.project.pauseReason).toMatch(/^Budget reached/);
  expect(taskOf(paused, 'api')?.status).not.toBe('running');
  expect(paused.project.reservedUsd).toBe(0);

  expect((await api.setBudget(projectId, Math.ceil(paused.project.spentUsd) + 50)).ok).toBe(true);
  expect((await api.resumeRun(projectId)).ok).toBe(true);
  const view = await waitFor(api, projectId, (current) => current.project.runStatus === 'stopped');
  expect(taskOf(view, 'api')).toMatchObject({ status: 'done', attempt: 2 });
});

test('a fix that returns the reviewed files unchanged is caught as a loop: the run pauses instead of paying for more rounds', async () => {
  const { api, projectId, requests } = await startProject({
    'project-manager': { kind: 'json', value: planOf([apiTask, reviewTask]) },
    'code-generator': { kind: 'json', value: files.api() },
    debugger: { kind: 'json', value: reviewWithMajorFinding },
  });
  await approveWhenProposed(api, projectId);
  const view = await waitFor(api, projectId, (current) => current.project.runStatus === 'paused');
  expect(view.project.pauseKind).toBe('loop');
  expect(view.project.pauseReason).toContain('unchanged');
  expect(view.tasks.find((task) => task.taskId === 'fix-2-code-generator')).toMatchObject({
    status: 'failed',
    lastError: { kind: 'loop', retryable: false },
  });
  expect(view.artifactVersions.filter((version) => version.path === 'notes.py')).toHaveLength(1);
  expect(requests().filter(of('code-generator'))).toHaveLength(2);
});

test('failed calls count toward the run token limit, and going on past it is recorded in the run session, so it holds after a reload', async () => {
  const { api, projectId } = await startProject(
    {
      'code-generator': (_request, nth) =>
        nth === 1
          ? { kind: 'text', text: 'not json', usage: { inputTokens: 20, outputTokens: 5_000 } }
          : { kind: 'json', value: files.api() },
    },
    { maxRunTokens: 4_000, maxRepairs: 0, maxAttempts: 3 },
  );
  await approveWhenProposed(api, projectId);
  const paused = await waitFor(api, projectId, settled);
  expect(paused.project.pauseKind, JSON.stringify(summary(paused))).toBe('limit');
  expect(paused.sessions.at(-1)?.tokens).toBeGreaterThan(5_000);
  expect((await api.resumeRun(projectId)).ok).toBe(true);
  const done = await waitFor(api, projectId, (current) => current.project.runStatus === 'stopped');
  expect(taskOf(done, 'api')).toMatchObject({ status: 'done', attempt: 2 });
  expect(done.sessions.at(-1)?.limitTokenBase).toBeGreaterThan(5_000);
});
