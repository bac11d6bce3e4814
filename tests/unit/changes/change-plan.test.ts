import { describe, expect, test } from 'vitest';
import { changePlanTaskSchema, validateChangePlan } from '../../../worker/changes/change-plan.ts';

const existing = new Set(['src/app.js', 'src/store.js', 'tests/app.test.js']);

describe('validateChangePlan', () => {
  test('a plan that modifies existing files and adds new ones passes', () => {
    expect(
      validateChangePlan(
        [
          { id: 't1', role: 'code-generator', modifies: ['src/app.js', './src/store.js'], adds: ['src/filter.js'] },
          { id: 't2', role: 'test-writer', modifies: ['tests/app.test.js', 'src/filter.js'], adds: [] },
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
