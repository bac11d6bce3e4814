import { expect, test } from 'vitest';
import type { OrchestraEvent } from '../../../worker/events/catalog.ts';
import { foldEvents } from '../../../worker/events/fold.ts';
import { MemoryEventLog } from '../../../worker/events/store/memory-store.ts';
import { defaultLimits } from '../../../worker/orchestrator/limits.ts';
import { ModelChooser } from '../../../worker/orchestrator/model-choice.ts';
import { OutputBus } from '../../../worker/orchestrator/output-bus.ts';
import { ProjectRunner } from '../../../worker/orchestrator/runner.ts';
import { createTemplateAdapter } from '../../../worker/providers/template/template-adapter.ts';
import { mulberry32 } from '../../../worker/router/index.ts';

test('the engine runs a plan to its end over the in-memory event log, and the log replays to the same state', async () => {
  // The run's last event, heard from the store itself rather than by polling.
  let ended: (event: OrchestraEvent) => void = () => undefined;
  const runStop = new Promise<OrchestraEvent>((resolve) => (ended = resolve));
  const store = new MemoryEventLog({
    onAppend: (events) => {
      const stop = events.find((event) => event.type === 'run-stop');
      if (stop) ended(stop);
    },
  });
  const projectId = 'memory-run';
  await store.append(
    projectId,
    [
      {
        type: 'project-create',
        actor: { kind: 'user' },
        payload: {
          name: 'Pipeline',
          description: 'A small data pipeline.',
          template: 'data-pipeline',
          budgetUsd: null,
          preference: 'balanced',
          maxParallel: 3,
          autoApprove: true,
        },
      },
    ],
    { expectedSeq: 0 },
  );
  const runner = new ProjectRunner(projectId, {
    store,
    bus: new OutputBus(50),
    chooser: new ModelChooser({ random: mulberry32(7) }),
    limits: defaultLimits,
    // No model at all: the Template provider plans and builds.
    readiness: () => Promise.resolve([]),
    adapter: () => Promise.reject(new Error('No model provider in this test.')),
    template: () => createTemplateAdapter({ chunkChars: 96, delayMs: 0 }),
  });
  await runner.recover();
  const runId = await runner.start();

  const stop = await runStop;
  expect(stop.type === 'run-stop' && stop.payload).toMatchObject({ runId, outcome: 'completed' });
  const state = await store.load(projectId);
  expect(state.project?.runStatus).toBe('stopped');
  expect(state.plan?.status).toBe('approved');
  expect([...state.tasks.values()].map((task) => `${task.taskId}:${task.status}`)).toEqual(['scaffold:done']);
  const files = [...state.artifacts.values()].filter((artifact) => artifact.kind === 'source');
  expect(files.length).toBeGreaterThan(2);
  for (const file of files) expect(await store.blob(file.contentHash)).toBeDefined();
  // Replaying the log from zero rebuilds the same read models.
  expect(foldEvents(projectId, await store.read(projectId))).toEqual(await store.saved(projectId));
});
