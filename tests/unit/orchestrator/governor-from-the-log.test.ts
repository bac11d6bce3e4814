import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import { Orchestrator } from '../../../worker/orchestrator/orchestrator.ts';
import { orchestratorDepsOf } from '../../../worker/orchestrator/orchestrator-deps.ts';
import { createProjectCommands } from '../../../worker/projects/project-commands.ts';

test('a runner made after a reload counts what the project spent: its governor allows only the rest of the budget', async () => {
  const db = new OrchestraDb(`governor-from-the-log-${Date.now()}`);
  const engine = createEngine(db);
  const created = await createProjectCommands(engine).createProject({
    name: 'Spent',
    description: 'Notes.',
    budgetUsd: 1,
  });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  // Calls made before the reload: $0.90 of the $1 budget is spent.
  await engine.store.append(projectId, [
    {
      type: 'cost-reserve',
      actor: { kind: 'system', component: 'orchestrator' },
      payload: { reservationId: 'cost-1', armId: 'openai:gpt-5-mini', maxUsd: 0.95 },
    },
    {
      type: 'cost-settle',
      actor: { kind: 'system', component: 'orchestrator' },
      payload: { reservationId: 'cost-1', actualUsd: 0.9, inputTokens: 1000, outputTokens: 1000, latencyMs: 10 },
    },
  ]);

  // A fresh engine and orchestrator on the same database, as after a reload.
  const reloaded = createEngine(db);
  const orchestrator = new Orchestrator(orchestratorDepsOf(reloaded), { templateDelayMs: 0 });
  const runner = await orchestrator.runner(projectId);
  const governor = (await runner.callDeps()).governor;
  expect(governor.status().spentUsd).toBeCloseTo(0.9, 12);
  expect(governor.status().availableUsd).toBeCloseTo(0.1, 12);
  // A call whose worst case is $0.50 fits a fresh $1 budget but not what is left of this one.
  const refused = governor.reserve({
    armId: 'gpt-5-mini',
    inputPricePerMillion: 1,
    outputPricePerMillion: 1,
    input: { countedTokens: 0 },
    maxOutputTokens: 500_000,
  });
  expect(refused.ok).toBe(false);
  await orchestrator.detach(projectId);
});
