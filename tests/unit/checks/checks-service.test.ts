import { expect, test } from 'vitest';
import { type CheckExecutor, ChecksService } from '../../../worker/checks/checks-service.ts';
import type { CheckReport, CheckRequest } from '../../../worker/checks/contract.ts';
import { sha256Hex } from '../../../worker/events/hash.ts';
import { MemoryEventLog } from '../../../worker/events/store/memory-store.ts';

const files: [path: string, content: string][] = [
  ['src/range.js', 'export const range = (n) => [...Array(n).keys()];\n'],
  ['src/unused.js', 'export const unused = 1;\n'],
  ['test/range.test.js', "import { range } from '../src/range.js';\n"],
];

/** A project whose code a Code Generator task wrote and whose test a Test Writer wrote. */
async function project(store: MemoryEventLog, projectId: string) {
  const agent = (role: 'code-generator' | 'test-writer') => ({ kind: 'agent', role }) as const;
  await store.append(projectId, [
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: { name: 'Ranges', description: 'd', template: null, budgetUsd: null },
    },
  ]);
  for (const [taskId, role, paths] of [
    ['code', 'code-generator', ['src/range.js', 'src/unused.js']],
    ['tests', 'test-writer', ['test/range.test.js']],
  ] as const) {
    const blobs = await Promise.all(
      files
        .filter(([path]) => (paths as readonly string[]).includes(path))
        .map(async ([path, content]) => ({ path, hash: await sha256Hex(content), content })),
    );
    await store.append(
      projectId,
      [
        {
          type: 'task-schedule',
          actor: { kind: 'system', component: 'test' },
          payload: { taskId, role, title: taskId, dependsOn: [] },
        },
        { type: 'task-start', actor: agent(role), payload: { taskId, attempt: 1, provider: 'sim', model: 'm' } },
        ...blobs.map((blob) => ({
          type: 'artifact-create' as const,
          actor: agent(role),
          payload: {
            path: blob.path,
            kind: 'source' as const,
            language: 'javascript',
            contentHash: blob.hash,
            size: blob.content.length,
            provenance: { source: 'ai' as const, role, taskId, attempt: 1 },
          },
        })),
        {
          type: 'task-complete',
          actor: agent(role),
          payload: { taskId, attempt: 1, inputTokens: 1, outputTokens: 1, costUsd: 0, durationMs: 1 },
        },
      ],
      { blobs: blobs.map(({ hash, content }) => ({ hash, content })) },
    );
  }
}

test("a run reads each of the project's files once, and scores the code its tests touch from those texts", async () => {
  const store = new MemoryEventLog();
  const projectId = 'p1';
  await project(store, projectId);
  const reads = new Map<string, number>();
  const blob = store.blob.bind(store);
  store.blob = (hash: string) => {
    reads.set(hash, (reads.get(hash) ?? 0) + 1);
    return blob(hash);
  };
  const given: CheckRequest[] = [];
  const executor: CheckExecutor = {
    run(_projectId, request) {
      given.push(request);
      const report: CheckReport = {
        runtime: 'node',
        outcome: 'completed',
        files: [{ file: 'test/range.test.js', status: 'fail', durationMs: 2 }],
        cases: [
          { file: 'test/range.test.js', name: ['counts up'], status: 'pass', durationMs: 1 },
          { file: 'test/range.test.js', name: ['stops at n'], status: 'fail', durationMs: 1, message: 'off by one' },
        ],
        counts: { pass: 1, fail: 1, error: 0, skip: 0, todo: 0 },
        output: '',
        durationMs: 2,
        command: 'node --test',
      };
      return Promise.resolve(report);
    },
    stop: () => undefined,
  };
  const checks = new ChecksService(store);
  checks.setExecutor(executor);

  const result = await checks.run(projectId, { trigger: 'manual', timeoutMs: 60_000 });

  expect(result).toMatchObject({ ran: true, summary: { counts: { pass: 1, fail: 1 } } });
  expect(given[0]?.files.map((file) => file.path).sort()).toEqual(files.map(([path]) => path).sort());
  const hashes = await Promise.all(files.map(([, content]) => sha256Hex(content)));
  expect(hashes.map((hash) => reads.get(hash))).toEqual([1, 1, 1]);
  expect([...reads.values()].reduce((sum, count) => sum + count, 0)).toBe(files.length);
  // The graph built from those texts reaches src/range.js: the Code Generator's task is
  // scored by its test (1 of 2 pass); the Test Writer's own file is the test itself.
  const assessed = (await store.read(projectId)).filter((event) => event.type === 'quality-assess');
  const code = assessed.find(
    (event) =>
      event.type === 'quality-assess' &&
      event.payload.subject.kind === 'task' &&
      event.payload.subject.taskId === 'code',
  );
  expect(code?.type === 'quality-assess' ? code.payload.signals.tests : undefined).toBe(0.5);
});

test('prepare warms the runtime the planned tests need, before any test file exists, and nothing without tests', async () => {
  const store = new MemoryEventLog();
  await store.append('py', [
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: { name: 'Weather', description: 'd', template: null, budgetUsd: null },
    },
    {
      type: 'task-schedule',
      actor: { kind: 'system', component: 'test' },
      payload: {
        taskId: 'tests',
        role: 'test-writer',
        title: 'Write the tests',
        dependsOn: [],
        expectedArtifacts: ['tests/test_weather.py', 'tests/conftest.py'],
      },
    },
  ]);
  await store.append('js', [
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: { name: 'Tasks', description: 'd', template: null, budgetUsd: null },
    },
    {
      type: 'task-schedule',
      actor: { kind: 'system', component: 'test' },
      payload: {
        taskId: 'tests',
        role: 'test-writer',
        title: 'Write the tests',
        dependsOn: [],
        expectedArtifacts: ['test/tasks.test.js'],
      },
    },
  ]);
  await store.append('none', [
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: { name: 'Notes', description: 'd', template: null, budgetUsd: null },
    },
  ]);
  const prepared: string[] = [];
  const checks = new ChecksService(store);
  const run = () => Promise.reject(new Error('prepare runs nothing'));
  checks.setExecutor({ run, stop: () => undefined, prepare: (runtime) => prepared.push(runtime) });

  expect(await checks.prepare('py')).toBe('python');
  // JavaScript is warmed too, so a web project's first Run tests does not wait for it.
  expect(await checks.prepare('js')).toBe('node');
  expect(await checks.prepare('none')).toBeUndefined();
  expect(prepared).toEqual(['python', 'node']);
  // A page that cannot prepare (an older one) is simply not asked.
  checks.setExecutor({ run, stop: () => undefined });
  expect(await checks.prepare('py')).toBeUndefined();
});

test('a run stopped while it still reads the project (an emergency stop) never starts its tests', async () => {
  const store = new MemoryEventLog();
  const projectId = 'p-stopped';
  await project(store, projectId);
  // The run's first read is held until the stop has been asked for.
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const load = store.load.bind(store);
  store.load = async (id: string) => {
    await gate;
    return load(id);
  };
  let started = 0;
  const executor: CheckExecutor = {
    run() {
      started += 1;
      return new Promise<CheckReport>(() => undefined);
    },
    stop: () => undefined,
  };
  const checks = new ChecksService(store);
  checks.setExecutor(executor);

  const running = checks.run(projectId, { trigger: 'final', timeoutMs: 600_000 });
  checks.stop(projectId);
  release();
  const result = await running;

  expect(started).toBe(0);
  const ended = (await store.read(projectId)).find((event) => event.type === 'check-result');
  expect(ended?.type === 'check-result' ? ended.payload.outcome : undefined).toBe('stopped');
  expect(result.ran).toBe(true);
});
