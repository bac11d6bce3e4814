import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import { Orchestrator } from '../../../worker/orchestrator/orchestrator.ts';
import { orchestratorDepsOf } from '../../../worker/orchestrator/orchestrator-deps.ts';
import { createRunCommands } from '../../../worker/orchestrator/run-commands.ts';
import { createProjectCommands } from '../../../worker/projects/project-commands.ts';

test('exporting the same project twice, a moment apart, gives the same bytes', async () => {
  const engine = createEngine(new OrchestraDb(`export-twice-${Date.now()}`));
  const orchestrator = new Orchestrator(orchestratorDepsOf(engine), { templateDelayMs: 0 });
  const run = createRunCommands(engine, orchestrator);
  const created = await createProjectCommands(engine).createProject({
    name: 'Same Twice',
    description: 'A notes service.',
    autoApprove: true,
  });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  const runner = await orchestrator.runner(projectId);
  await runner.start();
  const started = Date.now();
  while ((await engine.store.load(projectId)).project?.runStatus !== 'stopped') {
    if (Date.now() - started > 10_000) throw new Error('The template run did not finish.');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  const first = await run.exportZip(projectId);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const second = await run.exportZip(projectId);
  if (!first.ok || !second.ok) throw new Error('The export failed.');
  expect(first.value.bytes.length).toBeGreaterThan(0);
  expect(Buffer.from(second.value.bytes).equals(Buffer.from(first.value.bytes))).toBe(true);
  await orchestrator.detach(projectId);
});
