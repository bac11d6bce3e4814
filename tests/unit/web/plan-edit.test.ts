import { expect, test } from 'vitest';
import type { PlanTask } from '../../../worker/api.ts';
import {
  keptDependencies,
  makeDraft,
  missingDependencies,
  moveTask,
  removeTask,
  setInstructions,
  toPlanEdit,
} from '../../../web/views/run/plan-edit.ts';

const task = (id: string, dependsOn: string[] = []): PlanTask => ({
  id,
  role: 'code-generator',
  title: `Task ${id}`,
  instructions: `Do ${id}`,
  dependsOn,
  expectedArtifacts: [],
  acceptance: [],
});
const plan = [task('a'), task('b', ['a']), task('c', ['b'])];

test('an untouched plan is approved as proposed (no edit sent)', () => {
  expect(toPlanEdit(plan, makeDraft(plan))).toBeUndefined();
});

test('moving, changing instructions and removing each make an edit with the new order', () => {
  expect(toPlanEdit(plan, moveTask(makeDraft(plan), 2, -1))?.tasks.map((entry) => entry.id)).toEqual(['a', 'c', 'b']);
  expect(toPlanEdit(plan, setInstructions(makeDraft(plan), 'b', 'Better'))?.tasks[1]).toEqual({
    id: 'b',
    instructions: 'Better',
  });
  expect(toPlanEdit(plan, removeTask(makeDraft(plan), 'a'))?.tasks.map((entry) => entry.id)).toEqual(['b', 'c']);
});

test('moves past either end change nothing', () => {
  const draft = makeDraft(plan);
  expect(moveTask(draft, 0, -1)).toEqual(draft);
  expect(moveTask(draft, 2, 1)).toEqual(draft);
});

test('removed tasks that others wait for are named', () => {
  expect(missingDependencies(removeTask(makeDraft(plan), 'a'))).toEqual(['a']);
  expect(missingDependencies(makeDraft(plan))).toEqual([]);
});

test('after a removal, a task no longer says it comes after the removed one (as the engine will run it)', () => {
  const draft = removeTask(makeDraft([task('a'), task('b'), task('c', ['a', 'b'])]), 'b');
  const c = draft.find((entry) => entry.id === 'c');
  expect(c && keptDependencies(draft, c)).toEqual(['a']);
  expect(missingDependencies(draft)).toEqual(['b']);
});
