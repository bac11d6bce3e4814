/**
 * The orchestrator needs of the engine only `OrchestratorDeps` (the event log, the
 * notices, and the device's prices, router records and imports): built over the
 * in-memory log, with no database at all, it recovers a project, plans and builds it
 * with the Template provider, and prices calls at the device's edits.
 */
import { expect, test } from 'vitest';
import type { OrchestraEvent } from '../../../worker/events/catalog.ts';
import { Orchestrator } from '../../../worker/orchestrator/orchestrator.ts';
import { memoryOrchestratorDeps } from './memory-orchestrator.ts';

test('an orchestrator over the in-memory log runs a project to its end and prices at the device’s edits', async () => {
  let ended: (event: OrchestraEvent) => void = () => undefined;
  const runStop = new Promise<OrchestraEvent>((resolve) => (ended = resolve));
  const prices = { input: 9, output: 10, cachedInput: 1, cacheWrite: 9 };
  const deps = memoryOrchestratorDeps({
    priceEdits: [
      {
        type: 'price-set',
        id: '01JE0000000000000000000000',
        at: 1,
        actor: { kind: 'user' },
        provider: 'openai',
        model: 'gpt-5-mini',
        prices,
      },
    ],
    store: {
      onAppend: (events) => {
        const stop = events.find((event) => event.type === 'run-stop');
        if (stop) ended(stop);
      },
    },
  });
  const projectId = 'memory-orchestrated';
  await deps.store.append(projectId, [
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: {
        name: 'Pipeline',
        description: 'A small data pipeline.',
        template: 'data-pipeline',
        budgetUsd: null,
        maxParallel: 2,
        autoApprove: true,
      },
    },
  ]);
  const orchestrator = new Orchestrator(deps, { templateDelayMs: 0 });
  const runner = await orchestrator.runner(projectId);
  const runId = await runner.start();

  const stop = await runStop;
  expect(stop.type === 'run-stop' && stop.payload).toMatchObject({ runId, outcome: 'completed' });
  const state = await deps.store.load(projectId);
  expect([...state.tasks.values()].every((task) => task.status === 'done')).toBe(true);
  expect([...state.artifacts.values()].some((artifact) => artifact.kind === 'source')).toBe(true);
  expect(orchestrator.chooser.prices.priceOf('openai', 'gpt-5-mini')).toMatchObject(prices);
  await orchestrator.detach(projectId);
});
