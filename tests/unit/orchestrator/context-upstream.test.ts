import { expect, test } from 'vitest';
import { codeGenerator, debuggerAgent } from '../../../worker/agents/index.ts';
import { emptyProjectState, type ProjectState } from '../../../worker/events/projections/project-state.ts';
import { newTaskRow } from '../../../worker/events/projections/reduce-tasks.ts';
import { writeVersion } from './source-files.ts';
import type { Role } from '../../../worker/events/schemas/common.ts';
import { agentInputFor, upstreamFiles } from '../../../worker/orchestrator/agent-input.ts';
import { ContextCache } from '../../../worker/orchestrator/context.ts';

let projects = 0;

/** A project whose tasks each wrote one file, as the reducers would fold it. */
async function projectWith(files: { path: string; content: string; role: Role; taskId: string }[]) {
  const state: ProjectState = emptyProjectState(`upstream-${++projects}-${Date.now()}`);
  const blobs = new Map<string, string>();
  for (const file of files) {
    const task = { ...newTaskRow(state.projectId, file.taskId, state.tasks.size), role: file.role };
    state.tasks.set(file.taskId, task);
    await writeVersion(state, blobs, file.path, file.content, file.role, file.taskId);
  }
  return { state, blobs };
}

test('a file shown before is not read again, and a new version of it is', async () => {
  const { state, blobs } = await projectWith([
    { path: 'src/a.py', content: 'def a():\n    return 1\n', role: 'code-generator', taskId: 't1' },
    { path: 'src/b.py', content: 'def b():\n    return 2\n', role: 'code-generator', taskId: 't2' },
    { path: 'web/index.html', content: '<main id="app"></main>\n', role: 'ui-designer', taskId: 't3' },
  ]);
  const reads: string[] = [];
  const readBlob = (hash: string) => {
    reads.push(hash);
    return Promise.resolve(blobs.get(hash));
  };
  const task = { ...newTaskRow(state.projectId, 't4', 3), role: 'code-generator' as const, dependsOn: ['t1'] };
  const options = { readBlob, budgetTokens: 10_000, findings: [], maxPlanTasks: 30 };

  const first = await agentInputFor(state, task, codeGenerator, options);
  expect(reads).toHaveLength(2); // the UI Designer's file is not for the Code Generator
  const second = await agentInputFor(state, task, codeGenerator, options);
  expect(reads).toHaveLength(2);
  expect(second).toEqual(first);
  expect(first.context).toContain('def a():');

  await writeVersion(state, blobs, 'src/a.py', 'def a():\n    return 3\n', 'code-generator', 't1');
  const third = await agentInputFor(state, task, codeGenerator, options);
  expect(reads).toHaveLength(3);
  expect(third.context).toContain('return 3');
  expect(third.context).not.toContain('return 1');
});

test('upstream files are the same whether their texts come from the cache or the blob store', async () => {
  const { state, blobs } = await projectWith(
    Array.from({ length: 12 }, (_, i) => ({
      path: `src/m${i}.py`,
      content: `def m${i}():\n    return ${i}\n`,
      role: (['code-generator', 'ui-designer', 'test-writer'] as const)[i % 3]!,
      taskId: `t${i}`,
    })),
  );
  const readBlob = (hash: string) => Promise.resolve(blobs.get(hash));
  const review = { ...newTaskRow(state.projectId, 'review', 12), role: 'debugger' as const, dependsOn: ['t0', 't5'] };
  const cold = await upstreamFiles(state, review, debuggerAgent, readBlob);
  // Shown once (which fills the cache), then gathered again with a store that has nothing.
  await agentInputFor(state, review, debuggerAgent, { readBlob, budgetTokens: 10_000, findings: [], maxPlanTasks: 30 });
  const warm = await upstreamFiles(state, review, debuggerAgent, () => Promise.resolve(undefined));
  expect(warm).toEqual(cold);
  expect(cold).toHaveLength(12);
  expect(cold.filter((file) => file.direct).map((file) => file.path)).toEqual(['src/m0.py', 'src/m5.py']);
});

test('the context cache gives a text back only for the same path and hash', () => {
  const cache = new ContextCache();
  cache.blocks({ path: 'a.py', language: 'python', content: 'x = 1\n', direct: false, contentHash: 'h1' });
  expect(cache.contentOf('a.py', 'h1')).toBe('x = 1\n');
  expect(cache.contentOf('a.py', 'h2')).toBeUndefined();
  expect(cache.contentOf('b.py', 'h1')).toBeUndefined();
  cache.blocks({ path: 'a.py', language: 'python', content: 'x = 2\n', direct: false, contentHash: 'h2' });
  expect(cache.contentOf('a.py', 'h1')).toBeUndefined();
  expect(cache.contentOf('a.py', 'h2')).toBe('x = 2\n');
});
