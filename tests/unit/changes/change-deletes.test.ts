import { expect, test } from 'vitest';
import { jsonSchemaOf } from '../../../worker/agents/contracts.ts';
import { changeAgents } from '../../../worker/agents/change-builders.ts';
import { changeOutputSchema } from '../../../worker/changes/change-output.ts';
import { changePlanSchema } from '../../../worker/changes/change-plan.ts';
import { emptyProjectState } from '../../../worker/events/projections/project-state.ts';
import { newTaskRow } from '../../../worker/events/projections/reduce-tasks.ts';
import type { PlanTask } from '../../../worker/events/projections/rows.ts';
import { applyChange } from '../../../worker/orchestrator/change-mode.ts';

/*
 * A change agent's deletions, checked before they count: a file of the project, not also
 * written by the same answer, and not changed by another task of the change unless the
 * two are ordered.
 */

const texts = new Map([
  ['h-app', 'export const app = 1;\n'],
  ['h-old', 'export const old = 1;\n'],
]);
const readBlob = (hash: string) => Promise.resolve(texts.get(hash));

/** A project with two files and an approved change plan of two tasks that both name src/old.js. */
function project(laterWaits: boolean) {
  const state = emptyProjectState('p');
  for (const [path, hash] of [
    ['src/app.js', 'h-app'],
    ['src/old.js', 'h-old'],
  ] as const) {
    state.artifacts.set(path, {
      projectId: 'p',
      path,
      kind: 'source',
      language: 'javascript',
      latest: 1,
      contentHash: hash,
      size: 20,
      updatedAt: 0,
    });
  }
  const planTask = (id: string, dependsOn: string[], modifies: string[]): PlanTask => ({
    id,
    role: 'code-generator',
    title: id,
    instructions: '',
    dependsOn,
    expectedArtifacts: modifies,
    acceptance: [],
    modifies,
    adds: [],
  });
  const tasks = [planTask('drop', [], ['src/app.js']), planTask('tweak', laterWaits ? ['drop'] : [], ['src/old.js'])];
  state.plan = {
    planId: 'plan-1',
    status: 'approved',
    summary: '',
    complexity: 'small',
    estimate: null,
    stack: [],
    languages: [],
    source: 'ai',
    tasks,
    revision: 1,
    change: { request: 'r' },
  };
  tasks.forEach((task, order) =>
    state.tasks.set(task.id, { ...newTaskRow('p', task.id, order), dependsOn: task.dependsOn }),
  );
  return state;
}

const answer = (
  deletes: { path: string; reason: string }[],
  edits: { path: string; search: string; replace: string }[] = [],
) => changeOutputSchema.parse({ files: [], edits, deletes, notes: '' });

test('a deletion-only answer counts; its paths come back canonical with their reasons', async () => {
  const placed = await applyChange(
    project(true),
    answer([{ path: './src/old.js', reason: 'merged into app' }]),
    readBlob,
    'drop',
  );
  expect(placed).toEqual({ ok: true, files: [], deletes: [{ path: 'src/old.js', reason: 'merged into app' }] });
});

test('a file another task of the change changes is not deleted unless the two tasks are ordered', async () => {
  const refused = await applyChange(project(false), answer([{ path: 'src/old.js', reason: 'r' }]), readBlob, 'drop');
  expect(refused).toEqual({
    ok: false,
    errors: [
      'src/old.js cannot be deleted: task tweak of this change also changes it, and neither task waits for the other. Leave the file, and say why in "notes".',
    ],
  });
});

test('a file deleted and edited in one answer, a missing file and a hostile path go back for repair', async () => {
  const placed = await applyChange(
    project(true),
    answer(
      [
        { path: 'src/app.js', reason: 'r' },
        { path: 'src/gone.js', reason: 'r' },
        { path: '/etc/passwd', reason: 'r' },
      ],
      [{ path: 'src/app.js', search: 'export const app = 1;', replace: 'export const app = 2;' }],
    ),
    readBlob,
    'drop',
  );
  expect(placed.ok ? [] : placed.errors).toEqual([
    'src/app.js is both deleted and written in this answer: delete it or change it, not both.',
    'src/gone.js cannot be deleted: the project has no such file.',
    expect.stringMatching(/"\/etc\/passwd" is absolute/),
  ]);
});

test('the answer and plan schemas ask for `deletes`, read answers made before it as none, and the prompt says it may delete', () => {
  expect(
    changeOutputSchema.parse({ files: [], edits: [{ path: 'a', search: 'x', replace: 'y' }], notes: '' }).deletes,
  ).toEqual([]);
  expect(changeOutputSchema.safeParse({ files: [], edits: [], deletes: [], notes: '' }).success).toBe(false);
  for (const schema of [changeOutputSchema, changePlanSchema]) {
    expect(JSON.stringify(jsonSchemaOf(schema))).toMatch(/"required":\[[^\]]*"deletes"/);
  }
  expect(changeAgents['code-generator'].systemPrompt).toContain('You may delete an existing file');
});
