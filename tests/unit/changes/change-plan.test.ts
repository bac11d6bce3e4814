import { describe, expect, test } from 'vitest';
import { changePlanTaskSchema, validateChangePlan, waitsFor } from '../../../worker/changes/change-plan.ts';

const existing = new Set(['src/app.js', 'src/store.js', 'tests/app.test.js']);

describe('validateChangePlan', () => {
  test('a plan that modifies existing files and adds new ones passes', () => {
    expect(
      validateChangePlan(
        [
          { id: 't1', role: 'code-generator', modifies: ['src/app.js', './src/store.js'], adds: ['src/filter.js'] },
          {
            id: 't2',
            role: 'test-writer',
            modifies: ['tests/app.test.js', 'src/filter.js'],
            adds: [],
            dependsOn: ['t1'],
          },
          { id: 'r', role: 'debugger', modifies: [], adds: [] },
        ],
        existing,
      ),
    ).toEqual([]);
  });

  test('a task may not modify a file that does not exist', () => {
    expect(validateChangePlan([{ id: 't1', modifies: ['src/gone.js'], adds: [] }], existing)).toEqual([
      'Task t1 modifies src/gone.js, which does not exist: list it under "adds" to create it.',
    ]);
    expect(validateChangePlan([{ id: 't1', modifies: ['src/App.js'], adds: [] }], existing)[0]).toMatch(
      /the project has src\/app\.js/,
    );
  });

  test('a task may not modify a file another task deletes', () => {
    expect(
      validateChangePlan(
        [
          { id: 'cleanup', modifies: [], adds: [], deletes: ['src/store.js'] },
          { id: 't2', modifies: ['src/store.js'], adds: [] },
        ],
        existing,
      ),
    ).toEqual(['Task t2 modifies src/store.js, which task cleanup deletes.']);
    expect(validateChangePlan([{ id: 'x', modifies: [], adds: [], deletes: ['nope.js'] }], existing)).toEqual([
      'Task x deletes nope.js, which does not exist.',
    ]);
  });

  test('a task that adds a file again at a deleted path must wait for the deletion', () => {
    const tasks = (dependsOn: string[]) => [
      { id: 'drop', modifies: [], adds: [], deletes: ['src/store.js'] },
      { id: 'again', modifies: [], adds: ['src/store.js'], dependsOn },
    ];
    expect(validateChangePlan(tasks([]), existing)).toEqual([
      'Task again adds src/store.js, which task drop deletes, but does not wait for it: list drop in its dependsOn.',
    ]);
    expect(validateChangePlan(tasks(['drop']), existing)).toEqual([]);
    // A plan written before deletions (no `deletes`) still parses, with none.
    expect(
      changePlanTaskSchema.parse({
        id: 't',
        role: 'code-generator',
        title: 't',
        instructions: '',
        dependsOn: [],
        expectedArtifacts: [],
        acceptance: [],
        modifies: [],
        adds: ['a.js'],
      }).deletes,
    ).toEqual([]);
  });

  test('adding a file that exists, or that another task adds, is refused; so are unsafe paths', () => {
    const errors = validateChangePlan(
      [
        { id: 'a', modifies: [], adds: ['src/App.js', 'src/new.js'] },
        { id: 'b', modifies: [], adds: ['src/new.js', '../escape.js'] },
        { id: 'c', role: 'code-generator', modifies: [], adds: [] },
      ],
      existing,
    );
    expect(errors).toEqual([
      'Task a adds src/App.js, but src/app.js already exists: list it under "modifies".',
      'Task b adds src/new.js, which task a also adds: let one task add it.',
      expect.stringMatching(/^Task b adds "\.\.\/escape\.js": .*climbs/),
      'Task c names no file to modify or add.',
    ]);
  });

  test('two tasks writing one file must wait for each other; an editor of an added file waits for its adder', () => {
    const plan = (dependsOn: Record<string, string[]>) =>
      validateChangePlan(
        [
          { id: 'a', modifies: ['src/app.js'], adds: ['src/new.js'], dependsOn: dependsOn['a'] ?? [] },
          { id: 'b', modifies: ['./src/app.js'], adds: [], dependsOn: dependsOn['b'] ?? [] },
          { id: 'c', modifies: ['src/store.js'], adds: [], dependsOn: dependsOn['c'] ?? [] },
          { id: 'd', modifies: ['src/new.js'], adds: [], dependsOn: dependsOn['d'] ?? [] },
        ],
        existing,
      );
    // Side by side: both errors, each naming the file and the fix.
    expect(plan({})).toEqual([
      "Tasks a and b both modify src/app.js but neither waits for the other: list a in b's dependsOn, so the second edits the first one's result.",
      'Task d modifies src/new.js, which task a adds, but does not wait for it: list a in its dependsOn.',
    ]);
    // Either order will do for two editors, directly or through another task.
    expect(plan({ a: ['b'], d: ['a'] })).toEqual([]);
    expect(plan({ b: ['c'], c: ['a'], d: ['b'] })).toEqual([]);
    // The editor of an added file must come after its adder, not before.
    expect(plan({ b: ['a'], a: ['d'] })).toEqual([
      'Task d modifies src/new.js, which task a adds, but does not wait for it: list a in its dependsOn.',
    ]);
  });

  test('model-chosen ids and paths such as __proto__ are data, not keys', () => {
    expect(validateChangePlan([{ id: '__proto__', modifies: ['__proto__'], adds: ['constructor'] }], existing)).toEqual(
      ['Task __proto__ modifies __proto__, which does not exist: list it under "adds" to create it.'],
    );
  });

  test('the task schema asks for the files each task touches', () => {
    const task = {
      id: 't',
      role: 'code-generator',
      title: 'x',
      instructions: '',
      dependsOn: [],
      expectedArtifacts: [],
      acceptance: [],
    };
    expect(changePlanTaskSchema.safeParse(task).success).toBe(false);
    expect(changePlanTaskSchema.safeParse({ ...task, modifies: ['a.js'], adds: [] }).success).toBe(true);
  });
});

test('waitsFor follows dependsOn through other tasks, and a cycle ends the walk', () => {
  const dependsOn = new Map([
    ['t3', ['t2']],
    ['t2', ['t1']],
    ['a', ['b']],
    ['b', ['a']],
  ]);
  const over = (id: string) => dependsOn.get(id);
  expect(waitsFor(over, 't3', 't1')).toBe(true);
  expect(waitsFor(over, 't1', 't3')).toBe(false);
  expect(waitsFor(over, 'a', 't1')).toBe(false);
  expect(waitsFor(over, 'missing', 't1')).toBe(false);
});
