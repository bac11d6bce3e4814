import { expect, test } from 'vitest';
import type { EventDraft, OrchestraEvent } from '../../../worker/events/catalog.ts';
import { foldEvents } from '../../../worker/events/fold.ts';
import { Changes, joinKey } from '../../../worker/events/projections/project-state.ts';
import { reduce } from '../../../worker/events/projections/reduce.ts';

const projectId = '01HZY3W4D9Q8Y6X7V5T3S1R0PB';
const system = { kind: 'system', component: 'test' } as const;
const hashA = 'a'.repeat(64);
const hashB = 'b'.repeat(64);

/** Turns drafts into stored events with sequence numbers and times 1, 2, 3… */
function events(drafts: EventDraft[]): OrchestraEvent[] {
  return drafts.map((draft, index) => ({
    ...draft,
    id: `E${index}`,
    projectId,
    seq: index + 1,
    v: 1,
    at: (index + 1) * 1000,
    correlationId: 'c',
    causationId: null,
  }));
}

const create: EventDraft = {
  type: 'project-create',
  actor: { kind: 'user' },
  payload: { name: 'Shop', description: 'An online shop', template: null, budgetUsd: 3 },
};

test('project and runs: creation, details, budget, archive, and a run paused, resumed and stopped', () => {
  const state = foldEvents(
    projectId,
    events([
      create,
      { type: 'project-update', actor: { kind: 'user' }, payload: { name: 'Shop 2' } },
      { type: 'budget-change', actor: { kind: 'user' }, payload: { limitUsd: 5 } },
      { type: 'run-start', actor: { kind: 'user' }, payload: { runId: 'r1' } },
      { type: 'run-pause', actor: system, payload: { runId: 'r1', reason: 'budget' } },
      { type: 'run-resume', actor: { kind: 'user' }, payload: { runId: 'r1' } },
      { type: 'user-message', actor: { kind: 'user' }, payload: { messageId: 'm1', text: 'Hi' } },
      { type: 'run-stop', actor: system, payload: { runId: 'r1', outcome: 'completed' } },
      { type: 'project-archive', actor: { kind: 'user' }, payload: { archived: true } },
    ]),
  );
  expect(state.project).toMatchObject({
    name: 'Shop 2',
    description: 'An online shop',
    budgetUsd: 5,
    status: 'archived',
    runStatus: 'stopped',
    currentRunId: 'r1',
    messages: 1,
    createdAt: 1000,
    updatedAt: 9000,
    lastSeq: 9,
  });
  expect(state.sessions.get('r1')).toEqual({
    projectId,
    runId: 'r1',
    status: 'stopped',
    outcome: 'completed',
    pauses: 1,
    tokens: 0,
    tasks: 0,
    limitTokenBase: 0,
    limitTaskBase: 0,
    startedAt: 4000,
    endedAt: 8000,
  });
});

test('tasks and agents: plan, schedule, attempts, failure, retry, completion and what each agent did', () => {
  const state = foldEvents(
    projectId,
    events([
      create,
      {
        type: 'plan-propose',
        actor: { kind: 'agent', role: 'project-manager' },
        payload: {
          planId: 'p1',
          summary: 'Two tasks',
          complexity: 'small',
          estimate: null,
          tasks: [
            {
              id: 'api',
              role: 'code-generator',
              title: 'API',
              instructions: '',
              dependsOn: [],
              expectedArtifacts: [],
              acceptance: [],
            },
            {
              id: 'ui',
              role: 'ui-designer',
              title: 'UI',
              instructions: '',
              dependsOn: ['api'],
              expectedArtifacts: [],
              acceptance: [],
            },
          ],
        },
      },
      { type: 'plan-approve', actor: { kind: 'user' }, payload: { planId: 'p1', auto: false } },
      { type: 'task-start', actor: system, payload: { taskId: 'api', attempt: 1, provider: 'openai', model: 'gpt' } },
      {
        type: 'task-checkpoint',
        actor: system,
        payload: { taskId: 'api', attempt: 1, outputChars: 120, textHash: hashA },
      },
      {
        type: 'task-fail',
        actor: system,
        payload: { taskId: 'api', attempt: 1, kind: 'timeout', message: 'Too slow', retryable: true },
      },
      { type: 'task-retry', actor: { kind: 'user' }, payload: { taskId: 'api', reason: 'again' } },
      {
        type: 'task-start',
        actor: system,
        payload: { taskId: 'api', attempt: 2, provider: 'anthropic', model: 'claude' },
      },
      {
        type: 'task-complete',
        actor: system,
        payload: { taskId: 'api', attempt: 2, inputTokens: 100, outputTokens: 50, costUsd: 0.02, durationMs: 900 },
      },
      { type: 'task-start', actor: system, payload: { taskId: 'ui', attempt: 1, provider: 'google', model: 'gemini' } },
      { type: 'task-interrupt', actor: system, payload: { taskId: 'ui', attempt: 1, reason: 'tab closed' } },
    ]),
  );
  expect(state.project).toMatchObject({ planId: 'p1', planSummary: 'Two tasks', complexity: 'small' });
  expect(state.plan).toMatchObject({ planId: 'p1', status: 'approved', source: 'ai', revision: 1 });
  expect(state.plan?.tasks.map((task) => task.id)).toEqual(['api', 'ui']);
  expect(state.tasks.get('api')).toMatchObject({
    role: 'code-generator',
    status: 'done',
    attempt: 2,
    provider: 'anthropic',
    model: 'claude',
    inputTokens: 100,
    outputTokens: 50,
    costUsd: 0.02,
    lastError: null,
    startedAt: 8000,
    endedAt: 9000,
  });
  expect(state.tasks.get('ui')).toMatchObject({ status: 'interrupted', dependsOn: ['api'], attempt: 1 });
  expect(state.agentPerformance.get('code-generator')).toMatchObject({
    running: 0,
    currentTaskId: null,
    tasksStarted: 2,
    tasksDone: 1,
    tasksFailed: 1,
    inputTokens: 100,
    costUsd: 0.02,
  });
  expect(state.agentPerformance.get('ui-designer')).toMatchObject({ running: 0, tasksStarted: 1, tasksDone: 0 });
});

test('costs: reservations count as reserved until settled; settled ones leave memory for the table', () => {
  const changes = new Changes();
  const state = foldEvents(
    projectId,
    events([
      create,
      {
        type: 'route-decide',
        actor: system,
        payload: { taskId: 't', taskType: 'backend', candidates: [], chosen: 'openai/gpt', reason: 'cheapest' },
      },
      {
        type: 'cost-reserve',
        actor: system,
        payload: { reservationId: 'c1', taskId: 't', armId: 'openai/gpt', maxUsd: 0.5 },
      },
      {
        type: 'cost-reserve',
        actor: system,
        payload: { reservationId: 'c2', taskId: 't', armId: 'openai/gpt', maxUsd: 0.25 },
      },
      {
        type: 'cost-settle',
        actor: system,
        payload: { reservationId: 'c1', actualUsd: 0.1, inputTokens: 10, outputTokens: 20, latencyMs: 300 },
      },
      { type: 'cost-violate', actor: system, payload: { limitUsd: 3, attemptedUsd: 4, message: 'over' } },
    ]),
    undefined,
    changes,
  );
  expect(state.project).toMatchObject({ reservedUsd: 0.25, spentUsd: 0.1, errors: 1 });
  expect([...state.costs.keys()]).toEqual(['c2']);
  expect(changes.retired.get(joinKey('costs', 'c1'))).toMatchObject({
    status: 'settled',
    actualUsd: 0.1,
    latencyMs: 300,
  });
  expect(state.routerPerformance.get(joinKey('openai/gpt', 'backend'))).toMatchObject({
    decisions: 1,
    settled: 1,
    costUsd: 0.1,
    latencyMsSum: 300,
  });
});

test('routing and quality: fractional Beta updates per task type and model, and quality on tasks and files', () => {
  const state = foldEvents(
    projectId,
    events([
      create,
      {
        type: 'task-schedule',
        actor: system,
        payload: { taskId: 't', role: 'test-writer', title: 'Tests', dependsOn: [] },
      },
      {
        type: 'route-decide',
        actor: system,
        payload: {
          taskId: 't',
          taskType: 'tests',
          candidates: [{ armId: 'a', sampled: 0.7, utility: 0.6 }],
          chosen: 'a',
          reason: 'best',
        },
      },
      {
        type: 'quality-assess',
        actor: { kind: 'agent', role: 'debugger' },
        payload: {
          subject: { kind: 'task', taskId: 't' },
          score: 0.75,
          signals: { tests: 1 },
          taskType: 'tests',
          armId: 'a',
        },
      },
      {
        type: 'quality-assess',
        actor: { kind: 'agent', role: 'debugger' },
        payload: { subject: { kind: 'task', taskId: 't' }, score: 0.25, signals: {}, taskType: 'tests', armId: 'a' },
      },
      {
        type: 'artifact-create',
        actor: { kind: 'agent', role: 'test-writer' },
        payload: {
          path: 'test.py',
          kind: 'source',
          language: 'python',
          contentHash: hashA,
          size: 10,
          provenance: { source: 'ai' },
        },
      },
      {
        type: 'quality-assess',
        actor: { kind: 'agent', role: 'debugger' },
        payload: { subject: { kind: 'artifact', path: 'test.py', version: 1 }, score: 0.9, signals: {} },
      },
    ]),
  );
  expect(state.banditArms.get(joinKey('tests', 'a'))).toEqual({
    projectId,
    taskType: 'tests',
    armId: 'a',
    decisions: 1,
    alpha: 2,
    beta: 2,
  });
  expect(state.tasks.get('t')).toMatchObject({ taskType: 'tests', quality: 0.25 });
  expect(state.agentPerformance.get('test-writer')).toMatchObject({ qualitySum: 1, qualityCount: 2 });
  expect(state.qualityMetrics.get(joinKey('task', 't'))).toMatchObject({ score: 0.25, assessments: 2 });
  expect(state.routerPerformance.get(joinKey('a', 'tests'))).toMatchObject({ qualitySum: 1, qualityCount: 2 });
  expect(state.artifactVersions.get(joinKey('test.py', '1'))?.quality).toBe(0.9);
});

test('artifacts: versions per path with provenance, identical content deduplicated, validation recorded', () => {
  const version = (contentHash: string, model: string): EventDraft => ({
    type: 'artifact-version',
    actor: { kind: 'agent', role: 'code-generator' },
    payload: {
      path: 'app.py',
      kind: 'source',
      language: 'python',
      contentHash,
      size: 42,
      provenance: { source: 'ai', model, attempt: 1 },
    },
  });
  const state = foldEvents(
    projectId,
    events([
      create,
      version(hashA, 'gpt'),
      version(hashA, 'claude'),
      version(hashB, 'claude'),
      {
        type: 'artifact-validate',
        actor: system,
        payload: { path: 'app.py', version: 2, status: 'invalid', issues: ['syntax error on line 3'] },
      },
      {
        type: 'artifact-validate',
        actor: system,
        payload: { path: 'missing.py', version: 1, status: 'valid', issues: [] },
      },
    ]),
  );
  expect(state.artifacts.get('app.py')).toEqual({
    projectId,
    path: 'app.py',
    kind: 'source',
    language: 'python',
    latest: 2,
    contentHash: hashB,
    size: 42,
    updatedAt: 4000,
  });
  expect(state.artifactVersions.get(joinKey('app.py', '1'))).toMatchObject({
    contentHash: hashA,
    seq: 2,
    provenance: { model: 'gpt' },
    validation: null,
  });
  expect(state.artifactVersions.get(joinKey('app.py', '2'))).toMatchObject({
    contentHash: hashB,
    seq: 4,
    provenance: { model: 'claude' },
    validation: { status: 'invalid', issues: ['syntax error on line 3'] },
  });
  expect(state.artifactVersions.size).toBe(2);
});

test('a fold records exactly the rows it touched', () => {
  const state = foldEvents(projectId, events([create]));
  const changes = new Changes();
  const [event] = events([
    create,
    { type: 'task-cancel', actor: { kind: 'user' }, payload: { taskId: 'x', reason: 'no' } },
  ]).slice(1);
  if (event) reduce(state, event, changes);
  expect(changes.project).toBe(true);
  expect([...changes.keys.tasks]).toEqual(['x']);
  expect(
    Object.entries(changes.keys)
      .filter(([, keys]) => keys.size > 0)
      .map(([table]) => table),
  ).toEqual(['tasks']);
});

const plannedTask = (id: string, dependsOn: string[] = []) => ({
  id,
  role: 'code-generator' as const,
  title: `Task ${id}`,
  instructions: `Build ${id}`,
  dependsOn,
  expectedArtifacts: [`${id}.py`],
  acceptance: [],
});

test('plans: a proposal makes no task rows; approval as edited schedules exactly the kept tasks; rejection and revisions', () => {
  const proposal: EventDraft = {
    type: 'plan-propose',
    actor: { kind: 'agent', role: 'project-manager' },
    payload: {
      planId: 'p1',
      summary: 'Three tasks',
      complexity: 'medium',
      estimate: { tokens: 9000, costUsd: 0.2 },
      tasks: [plannedTask('a'), plannedTask('b', ['a']), plannedTask('c', ['a'])],
      stack: ['Python'],
      languages: ['python'],
    },
  };
  const proposed = foldEvents(projectId, events([create, proposal]));
  expect(proposed.tasks.size).toBe(0);
  expect(proposed.plan).toMatchObject({ status: 'proposed', stack: ['Python'], revision: 1 });

  const approved = foldEvents(
    projectId,
    events([
      create,
      proposal,
      {
        type: 'plan-approve',
        actor: { kind: 'user' },
        payload: {
          planId: 'p1',
          auto: false,
          tasks: [plannedTask('c', ['a']), { ...plannedTask('a'), instructions: 'Changed' }],
        },
      },
    ]),
  );
  expect([...approved.tasks.keys()]).toEqual(['c', 'a']);
  expect(approved.tasks.get('a')).toMatchObject({
    status: 'scheduled',
    instructions: 'Changed',
    order: 1,
    kind: 'build',
  });
  expect(approved.tasks.get('c')).toMatchObject({ status: 'scheduled', dependsOn: ['a'], expectedArtifacts: ['c.py'] });
  expect(approved.plan?.tasks.map((task) => task.id)).toEqual(['c', 'a']);

  const rejected = foldEvents(
    projectId,
    events([
      create,
      proposal,
      { type: 'plan-reject', actor: { kind: 'user' }, payload: { planId: 'p1', reason: 'Too big' } },
      { ...proposal, payload: { ...proposal.payload, planId: 'p2' } },
      // An approval of a plan that is no longer current changes nothing.
      { type: 'plan-approve', actor: { kind: 'user' }, payload: { planId: 'p1', auto: false } },
    ]),
  );
  expect(rejected.plan).toMatchObject({ planId: 'p2', status: 'proposed', revision: 2 });
  expect(rejected.tasks.size).toBe(0);
});

test('run pauses carry their reason and kind; replies count as messages; a released reservation frees its amount', () => {
  const state = foldEvents(
    projectId,
    events([
      create,
      { type: 'run-start', actor: { kind: 'user' }, payload: { runId: 'r1' } },
      {
        type: 'run-pause',
        actor: system,
        payload: { runId: 'r1', reason: 'Budget reached — raise it or stop.', kind: 'budget' },
      },
      { type: 'user-message', actor: { kind: 'user' }, payload: { messageId: 'm1', text: 'Use Flask' } },
      {
        type: 'agent-reply',
        actor: { kind: 'agent', role: 'project-manager' },
        payload: { messageId: 'm2', inReplyTo: 'm1', text: 'Will do.' },
      },
      { type: 'cost-reserve', actor: system, payload: { reservationId: 'c1', taskId: 't', armId: 'x', maxUsd: 0.5 } },
      { type: 'cost-release', actor: system, payload: { reservationId: 'c1' } },
    ]),
  );
  expect(state.project).toMatchObject({
    runStatus: 'paused',
    pauseKind: 'budget',
    pauseReason: 'Budget reached — raise it or stop.',
    messages: 2,
    reservedUsd: 0,
    spentUsd: 0,
  });
  expect(state.costs.size).toBe(0);
  const resumed = foldEvents(
    projectId,
    events([
      create,
      { type: 'run-start', actor: { kind: 'user' }, payload: { runId: 'r1' } },
      { type: 'run-pause', actor: system, payload: { runId: 'r1', reason: 'x', kind: 'loop' } },
      { type: 'run-resume', actor: { kind: 'user' }, payload: { runId: 'r1' } },
    ]),
  );
  expect(resumed.project).toMatchObject({ runStatus: 'running', pauseKind: null, pauseReason: null });
});

test('retrying a failed task leaves its agent row untouched; failing a running one marks it', () => {
  const state = foldEvents(
    projectId,
    events([
      create,
      {
        type: 'task-schedule',
        actor: system,
        payload: { taskId: 'api', role: 'code-generator', title: 'API', dependsOn: [] },
      },
      { type: 'task-start', actor: system, payload: { taskId: 'api', attempt: 1, provider: 'openai', model: 'gpt' } },
    ]),
  );
  const [fail, retry] = events([
    create,
    create,
    create,
    {
      type: 'task-fail',
      actor: system,
      payload: { taskId: 'api', attempt: 1, kind: 'network', message: 'down', retryable: true },
    },
    { type: 'task-retry', actor: system, payload: { taskId: 'api', reason: 'again' } },
  ]).slice(3);
  const failing = new Changes();
  if (fail) reduce(state, fail, failing);
  expect([...failing.keys.agentPerformance]).toEqual(['code-generator']);
  const retrying = new Changes();
  if (retry) reduce(state, retry, retrying);
  expect([...retrying.keys.agentPerformance]).toEqual([]);
  expect([...retrying.keys.tasks]).toEqual(['api']);
});
