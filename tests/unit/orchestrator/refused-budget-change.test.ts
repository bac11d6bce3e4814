import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import { Orchestrator } from '../../../worker/orchestrator/orchestrator.ts';
import { orchestratorDepsOf } from '../../../worker/orchestrator/orchestrator-deps.ts';
import { createProjectCommands } from '../../../worker/projects/project-commands.ts';

test('a budget change the governor refuses is said in the log, and no call may use the old budget meanwhile', async () => {
  const engine = createEngine(new OrchestraDb(`refused-budget-${Date.now()}`));
  const orchestrator = new Orchestrator(orchestratorDepsOf(engine), { templateDelayMs: 0 });
  const created = await createProjectCommands(engine).createProject({
    name: 'Thrifty',
    description: 'Notes.',
    budgetUsd: 1,
  });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  const runner = await orchestrator.runner(projectId);

  // A call in flight has $0.50 set aside; its reservation is not in the log yet.
  const before = (await runner.callDeps()).governor;
  const reserved = before.reserve({
    armId: 'gpt-5-mini',
    inputPricePerMillion: 1,
    outputPricePerMillion: 1,
    input: { countedTokens: 0 },
    maxOutputTokens: 500_000,
  });
  if (!reserved.ok) throw new Error(reserved.message);

  // Meanwhile the budget goes down to $0.10, below what the governor has committed.
  await engine.store.append(projectId, [
    { type: 'budget-change', actor: { kind: 'user' }, payload: { limitUsd: 0.1 } },
  ]);
  const during = (await runner.callDeps()).governor;
  expect(during.status().availableUsd).toBeLessThanOrEqual(1e-9);
  const reports = (await engine.store.read(projectId)).filter((event) => event.type === 'error-report');
  expect(reports.map((event) => event.type === 'error-report' && event.payload.message)).toEqual([
    expect.stringMatching(/budget of \$0\.10 .*\$0\.50/),
  ]);

  // Once the call is over, the new budget holds.
  during.release(reserved.reservation);
  const after = (await runner.callDeps()).governor;
  expect(after.status().budgetUsd).toBeCloseTo(0.1, 12);
  await orchestrator.detach(projectId);
});
