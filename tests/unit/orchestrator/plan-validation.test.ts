import { expect, test } from 'vitest';
import type { Plan, PlanTask } from '../../../worker/agents/contracts.ts';
import { criticalPathLength, topologicalOrder, validatePlan } from '../../../worker/orchestrator/plan-validation.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';
import { samplePlan } from '../agents/sample-input.ts';

const task = (id: string, dependsOn: string[] = [], change: Partial<PlanTask> = {}): PlanTask => ({
  id,
  role: 'code-generator',
  title: `Task ${id}`,
  instructions: '',
  dependsOn,
  expectedArtifacts: [],
  acceptance: [],
  ...change,
});
const planOf = (tasks: PlanTask[]): Plan => ({ ...samplePlan, tasks });
const errorsOf = (plan: Plan, maxTasks = 20): string[] => {
  const result = validatePlan(plan, { maxTasks });
  return result.ok ? [] : result.errors;
};

test('a good plan passes', () => {
  expect(validatePlan(samplePlan, { maxTasks: 12 })).toEqual({ ok: true });
});

test('a plan without tasks is refused', () => {
  expect(errorsOf(planOf([]))).toEqual([expect.stringMatching(/no tasks/)]);
});

test('more tasks than allowed is refused, naming both numbers', () => {
  const errors = errorsOf(planOf([task('a'), task('b'), task('c')]), 2);
  expect(errors).toEqual([expect.stringContaining('3 tasks but may have at most 2')]);
});

test('duplicate ids are named once each', () => {
  const errors = errorsOf(planOf([task('a'), task('b'), task('a'), task('a')]));
  expect(errors).toEqual(['The id "a" is used by 3 tasks; give every task its own id.']);
});

test('the project manager and unknown roles are refused as task roles', () => {
  const unknown = { ...task('b'), role: 'designer' } as unknown as PlanTask;
  const errors = errorsOf(planOf([task('a', [], { role: 'project-manager' }), unknown]));
  expect(errors).toHaveLength(2);
  expect(errors[0]).toMatch(/"a" is assigned to the project-manager/);
  expect(errors[1]).toMatch(/"b" has the unknown role "designer"/);
});

test('a dependency on a missing id and on itself are refused', () => {
  const errors = errorsOf(planOf([task('a', ['ghost']), task('b', ['b'])]));
  expect(errors).toEqual([
    expect.stringContaining('Task "a" depends on "ghost", which is not a task in the plan'),
    expect.stringContaining('Task "b" depends on itself'),
  ]);
});

test('cycles are refused and named', () => {
  expect(errorsOf(planOf([task('a', ['b']), task('b', ['a'])]))).toEqual([expect.stringContaining('a → b → a')]);
  const errors = errorsOf(planOf([task('x'), task('a', ['c', 'x']), task('b', ['a']), task('c', ['b'])]));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/Tasks form a cycle: a → c → b → a \(each depends on the next\)\./);
});

test('two separate cycles give two errors', () => {
  const errors = errorsOf(planOf([task('a', ['b']), task('b', ['a']), task('c', ['d']), task('d', ['c'])]));
  expect(errors).toHaveLength(2);
});

test('absolute paths and paths with ".." are refused; ordinary relative paths pass', () => {
  const artifacts = ['/etc/passwd', 'C:\\app\\main.py', '../outside.txt', 'src/../../x', 'src/app.py', 'a..b.txt'];
  const errors = errorsOf(planOf([task('a', [], { expectedArtifacts: artifacts })]));
  expect(errors).toHaveLength(4);
  expect(errors[0]).toMatch(/"\/etc\/passwd" is absolute/);
  expect(errors[2]).toMatch(/climbs out of the project folder with "\.\."/);
});

test('topological order puts dependencies first and otherwise keeps plan order', () => {
  const tasks = [
    task('review', ['ui', 'tests']),
    task('tests', ['api']),
    task('api'),
    task('ui', ['api']),
    task('docs'),
  ];
  expect(topologicalOrder(tasks)).toEqual(['api', 'tests', 'ui', 'review', 'docs']);
  expect(topologicalOrder(samplePlan.tasks)).toEqual(['api-core', 'ui-shell', 'tests-api', 'review']);
  expect(() => topologicalOrder([task('a', ['b']), task('b', ['a'])])).toThrow(RangeError);
});

test('the critical path adds durations along the longest chain', () => {
  const durations: Record<string, number> = { api: 5, ui: 3, tests: 1, review: 2 };
  const tasks = [task('api'), task('ui', ['api']), task('tests', ['api']), task('review', ['ui', 'tests'])];
  expect(criticalPathLength(tasks, (id) => durations[id] ?? 0)).toBe(10);
  expect(criticalPathLength([], () => 1)).toBe(0);
  expect(criticalPathLength([task('a'), task('b')], () => 4)).toBe(4);
});

/** A random DAG: each task depends only on earlier ones, then the tasks are shuffled. */
function randomDag(random: () => number): PlanTask[] {
  const size = 1 + Math.floor(random() * 25);
  const ids = Array.from({ length: size }, (_, i) => `t-${i}`);
  const tasks = ids.map((id, i) =>
    task(
      id,
      ids.slice(0, i).filter(() => random() < 0.25),
    ),
  );
  for (let i = tasks.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [tasks[i], tasks[j]] = [tasks[j]!, tasks[i]!];
  }
  return tasks;
}

test('property: random DAGs pass, order respects every dependency, and a back edge makes a cycle', () => {
  for (let seed = 1; seed <= 500; seed++) {
    const random = mulberry32(seed);
    const tasks = randomDag(random);
    expect(validatePlan(planOf(tasks), { maxTasks: 25 }), `seed ${seed}`).toEqual({ ok: true });

    const order = topologicalOrder(tasks);
    expect(order.slice().sort()).toEqual(tasks.map((t) => t.id).sort());
    const position = new Map(order.map((id, i) => [id, i]));
    for (const t of tasks) for (const d of t.dependsOn) expect(position.get(d)!).toBeLessThan(position.get(t.id)!);

    // Critical path with unit durations is at least 1 and at most the number of tasks.
    const length = criticalPathLength(tasks, () => 1);
    expect(length).toBeGreaterThanOrEqual(1);
    expect(length).toBeLessThanOrEqual(tasks.length);

    // A back edge: make some task's ancestor depend on it.
    const withDeps = tasks.filter((t) => t.dependsOn.length > 0);
    if (withDeps.length === 0) continue;
    const child = withDeps[Math.floor(random() * withDeps.length)]!;
    const parent = child.dependsOn[Math.floor(random() * child.dependsOn.length)]!;
    const cyclic = tasks.map((t) => (t.id === parent ? { ...t, dependsOn: [...t.dependsOn, child.id] } : t));
    const errors = errorsOf(planOf(cyclic), 25);
    expect(errors, `seed ${seed}`).toHaveLength(1);
    expect(errors[0]).toMatch(/^Tasks form a cycle: /);
    const cycle = /cycle: (.*) \(each depends/.exec(errors[0]!)![1]!.split(' → ');
    expect(cycle[0]).toBe(cycle[cycle.length - 1]);
    expect(cycle).toEqual(expect.arrayContaining([parent, child.id]));
    // Each step of the named cycle is a real dependency.
    const byId = new Map(cyclic.map((t) => [t.id, t]));
    for (let i = 0; i + 1 < cycle.length; i++) expect(byId.get(cycle[i]!)!.dependsOn).toContain(cycle[i + 1]);
  }
});
