import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { changeAgents } from '../../../worker/agents/change-builders.ts';
import { agentRoles } from '../../../worker/agents/index.ts';
import { emptyProjectState } from '../../../worker/events/projections/project-state.ts';
import { taskAgentFor } from '../../../worker/orchestrator/task-agents.ts';
import { describeEvent } from '../../../worker/query/describe-event.ts';
import { type RoleScript, roleOf, scriptTeam } from '../../sim/agent-script.ts';
import { isChangeRequest } from '../../sim/change-answers.ts';
import { type RecordedRequest, type Simulator, startSimulator } from '../../sim/simulator.ts';
import { passingReview } from '../../sim/team-answers.ts';
import { engineWithTeam, summary, waitFor } from '../orchestrator/helpers.ts';
import { eventsOf } from '../orchestrator/scripted-provider.ts';
import type { ArtifactRow } from '../../../worker/events/projections/rows.ts';
import { taskRowOf } from '../orchestrator/task-row.ts';

/*
 * Fix tasks (the Debugger's findings sent back to a file's author) change the files that
 * exist the way a change plan's tasks do: with edit blocks placed on the files as they
 * stand, sent back for repair with the reason when a block does not fit, and with
 * deletions when the fix is to remove a file. Run by the engine against the scripted team
 * on the provider simulator.
 */

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => sim.respond('openai', undefined));

/** A 400-line module; `step_66` has the bug the review finds. */
const longModule = (sign: '+' | '-' = '+') =>
  [
    '"""Steps."""',
    '',
    ...Array.from({ length: 133 }, (_, at) => [
      `def step_${at}(x):`,
      `    return x ${at === 66 ? sign : '+'} ${at}`,
      '',
    ]).flat(),
  ].join('\n');

const legacy = 'def add_note(text):\n    return text\n';

const plan = {
  summary: 'A module of steps.',
  complexity: 'small',
  estimate: { tokens: 4000, costUsd: 0.01 },
  stack: ['Python 3.12'],
  languages: ['python'],
  tasks: [
    {
      id: 'api',
      role: 'code-generator',
      title: 'Steps module',
      instructions: 'Write steps.py with step_0 … step_132.',
      dependsOn: [],
      expectedArtifacts: ['steps.py', 'legacy_notes.py'],
      acceptance: ['step_66 subtracts'],
    },
    {
      id: 'review',
      role: 'debugger',
      title: 'Review',
      instructions: 'Review everything.',
      dependsOn: ['api'],
      expectedArtifacts: [],
      acceptance: [],
    },
  ],
};

const built = {
  files: [
    { path: 'steps.py', language: 'python', content: longModule() },
    { path: 'legacy_notes.py', language: 'python', content: legacy },
  ],
  notes: '',
};

const finding = (file: string, line: number | null, message: string) => ({
  verdict: 'changes-requested',
  summary: 'One problem.',
  findings: [{ severity: 'major', file, line, message, suggestion: '' }],
});

const stepFinding = finding('steps.py', 201, 'UNIQUE-STEP-66: step_66 must subtract 66.');
const legacyReason = 'It duplicates nothing any more and nothing imports it.';

const messagesOf = (request: RecordedRequest | undefined) => JSON.stringify(request?.body ?? '');

async function runWith(scripts: Partial<Record<string, RoleScript>>) {
  const { api } = await engineWithTeam(sim);
  scriptTeam(sim, 'openai', { 'project-manager': { kind: 'json', value: plan }, ...scripts });
  const created = await api.createProject({ name: 'Steps', description: 'A module of steps.', budgetUsd: 50 });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  await api.openProject(projectId);
  const from = sim.requests.length;
  await api.startRun(projectId);
  await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  await api.approvePlan(projectId);
  const view = await waitFor(api, projectId, (one) => one.project.runStatus !== 'running');
  return { api, projectId, view, requests: sim.requests.slice(from) };
}

test('a one-line fix to a 400-line file is one edit block, repaired with the reason when its search text is missing or ambiguous', async () => {
  const fixed = {
    files: [],
    edits: [
      {
        path: 'steps.py',
        search: 'def step_66(x):\n    return x + 66\n',
        replace: 'def step_66(x):\n    return x - 66\n',
      },
    ],
    deletes: [],
    notes: '1: step_66 subtracts.',
  };
  const { api, projectId, view, requests } = await runWith({
    'code-generator': (_request, nth) => {
      if (nth === 1) return { kind: 'json', value: built };
      // The fix: a search text the file does not have, then one found in eleven places, then one that fits.
      if (nth === 2)
        return {
          kind: 'json',
          value: { ...fixed, edits: [{ ...fixed.edits[0], search: '    return x + 66  # sum\n' }] },
        };
      if (nth === 3)
        return { kind: 'json', value: { ...fixed, edits: [{ ...fixed.edits[0], search: '    return x + 6' }] } };
      return { kind: 'json', value: fixed };
    },
    debugger: (_request, nth) => ({ kind: 'json', value: nth === 1 ? stepFinding : passingReview }),
  });
  expect(view.project.runStatus, JSON.stringify(summary(view))).toBe('stopped');
  expect(summary(view).tasks).toEqual([
    'plan:done:1',
    'api:done:1',
    'review:done:1',
    'fix-2-code-generator:done:1',
    'review-2:done:1',
  ]);
  expect(view.tasks.find((task) => task.taskId === 'fix-2-code-generator')?.repairs).toBe(2);

  // The file is the build's with that one line changed, a new version by the fix task.
  expect(await api.artifactContent(projectId, 'steps.py')).toEqual({ ok: true, value: longModule('-') });
  // 400 lines, each ended by a line break.
  expect(longModule().split('\n')).toHaveLength(401);
  const versions = view.artifactVersions.filter((version) => version.path === 'steps.py');
  expect(versions.map((version) => version.provenance.taskId)).toEqual(['api', 'fix-2-code-generator']);

  // The fix was asked for edit blocks, shown the file whole, and told its finding.
  const fixes = requests.filter((request) => roleOf(request) === 'code-generator').slice(1);
  expect(fixes).toHaveLength(3);
  for (const request of fixes) expect(isChangeRequest(request)).toBe(true);
  const first = messagesOf(fixes[0]);
  expect(first).toContain('UNIQUE-STEP-66');
  expect(first).toContain('Files you change (as they stand; quote them exactly in `search`)');
  expect(first).toContain('Fix each file that exists with edit blocks in `edits`');
  expect(first).not.toContain('corrected full files');
  // Each repair says which block did not fit and why.
  expect(messagesOf(fixes[1])).toContain('edits[0] (steps.py): the search text is not in the file');
  expect(messagesOf(fixes[2])).toContain('matches 11 places');

  // What the answers cost: the fix's output is a tenth of the build's, or less.
  const events = await eventsOf(api, projectId);
  const completed = (taskId: string) =>
    events.find((event) => event.type === 'task-complete' && event.payload.taskId === taskId);
  const output = (taskId: string) => {
    const event = completed(taskId);
    return event?.type === 'task-complete' ? event.payload.outputTokens : Number.NaN;
  };
  expect(output('fix-2-code-generator') / output('api')).toBeLessThanOrEqual(0.1);
});

test('a fix may delete a file the review says should go: an artifact-delete by the fix task, with its reason', async () => {
  const { api, projectId, view } = await runWith({
    'code-generator': (_request, nth) =>
      nth === 1
        ? { kind: 'json', value: built }
        : {
            kind: 'json',
            value: {
              files: [],
              edits: [],
              deletes: [{ path: 'legacy_notes.py', reason: legacyReason }],
              notes: '1: removed.',
            },
          },
    debugger: (_request, nth) => ({
      kind: 'json',
      value:
        nth === 1
          ? finding('legacy_notes.py', null, 'legacy_notes.py is dead code that shadows notes.')
          : passingReview,
    }),
  });
  expect(view.project.runStatus, JSON.stringify(summary(view))).toBe('stopped');
  expect(view.artifacts.filter((file) => file.kind === 'source').map((file) => file.path)).toEqual(['steps.py']);
  expect(view.deletedArtifacts.map((file) => file.path)).toEqual(['legacy_notes.py']);
  const events = await eventsOf(api, projectId);
  const deleted = events.filter((event) => event.type === 'artifact-delete');
  expect(deleted.map((event) => describeEvent(event))).toEqual([
    `Code Generator deleted legacy_notes.py: ${legacyReason}`,
  ]);
  expect(deleted[0]?.type === 'artifact-delete' && deleted[0].payload.provenance).toMatchObject({
    taskId: 'fix-2-code-generator',
    role: 'code-generator',
  });
});

test('a fix of files that exist gets the role’s editing agent; a fix naming only files not made yet writes them whole', () => {
  const state = emptyProjectState('p');
  const fix = taskRowOf({ taskId: 'fix-2-ui-designer', role: 'ui-designer', kind: 'fix', round: 2 });
  const row = { ...fix, role: 'ui-designer' as const };
  expect(taskAgentFor(state, { ...row, expectedArtifacts: ['app.css'] }).agent).toBe(agentRoles['ui-designer']);
  const file: ArtifactRow = {
    projectId: 'p',
    path: 'app.css',
    kind: 'source',
    language: 'css',
    latest: 1,
    contentHash: 'a'.repeat(64),
    size: 1,
    updatedAt: 0,
  };
  state.artifacts.set(file.path, file);
  expect(taskAgentFor(state, { ...row, expectedArtifacts: ['app.css'] }).agent).toBe(changeAgents['ui-designer']);
  // Deleted, it is no file to edit: written whole again.
  state.artifacts.set(file.path, { ...file, deleted: true });
  expect(taskAgentFor(state, { ...row, expectedArtifacts: ['app.css'] }).agent).toBe(agentRoles['ui-designer']);
});
