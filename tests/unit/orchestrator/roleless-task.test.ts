import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import { Orchestrator } from '../../../worker/orchestrator/orchestrator.ts';
import { orchestratorDepsOf } from '../../../worker/orchestrator/orchestrator-deps.ts';
import { createProjectCommands } from '../../../worker/projects/project-commands.ts';

test('a task with no role fails once and pauses the run instead of being launched again and again', async () => {
  const engine = createEngine(new OrchestraDb(`roleless-${Date.now()}`));
  const orchestrator = new Orchestrator(orchestratorDepsOf(engine), { templateDelayMs: 0 });
  const created = await createProjectCommands(engine).createProject({
    name: 'Ghostly',
    description: 'A notes service.',
    autoApprove: true,
  });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  const runner = await orchestrator.runner(projectId);
  const status = async () => (await engine.store.load(projectId)).project?.runStatus;
  const until = async (holds: () => Promise<boolean>) => {
    const started = Date.now();
    while (!(await holds())) {
      if (Date.now() - started > 10_000) throw new Error(`Timed out: the run is ${await status()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await runner.start();
  await until(async () => (await status()) === 'stopped');

  // A spinning runner never yields to the event loop: past a few hundred reads of the
  // state, each read waits a moment, so the spin shows as a timeout and not a hang.
  const load = engine.store.load.bind(engine.store);
  let loads = 0;
  engine.store.load = async (id: string) => {
    loads += 1;
    if (loads > 500) await new Promise((resolve) => setTimeout(resolve, 1));
    return load(id);
  };
  // A retry naming a task the plan never had makes a row with no role.
  await runner.command([
    { type: 'run-start', actor: { kind: 'user' }, payload: { runId: 'again' } },
    { type: 'task-retry', actor: { kind: 'user' }, payload: { taskId: 'ghost', reason: 'A stray retry.' } },
  ]);
  await until(async () => (await status()) === 'paused');
  const state = await engine.store.load(projectId);
  expect(state.tasks.get('ghost')).toMatchObject({ status: 'failed', lastError: { kind: 'no_role' } });
  expect(state.project?.pauseKind).toBe('failure');
  expect(state.project?.pauseReason).toMatch(/ghost/);
  const fails = (await engine.store.read(projectId)).filter(
    (event) => event.type === 'task-fail' && event.payload.taskId === 'ghost',
  );
  expect(fails).toHaveLength(1);
  expect(loads, 'the task was launched once, not again and again').toBeLessThan(100);
  await orchestrator.detach(projectId);
});
