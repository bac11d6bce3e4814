/**
 * The run commands of the worker API (see `run-api.ts`): starting a run or a change, the
 * controls (pause, continue, next agent, cancel, retry, switch model, stop, emergency
 * stop) and the budget. Each runs as the project's writer (`run-writer.ts`) and turns the
 * person's intent into events through the project's runner. The plan's commands are in
 * plan-commands.ts; what is only read (the view, output, ZIP, reports) in run-queries.ts.
 */
import { ok, fail } from '../contract/result.ts';
import type { Engine } from '../engine.ts';
import type { Orchestrator } from './orchestrator.ts';
import { refuseOff } from './run-controls.ts';
import { createPlanCommands } from './plan-commands.ts';
import type { RunCommands } from './run-api.ts';
import { createRunQueries } from './run-queries.ts';
import { makeRunWriter } from './run-writer.ts';

export function createRunCommands(
  engine: Engine,
  orchestrator: Orchestrator,
): RunCommands & { unwatchOutput(id: number): void } {
  const { store } = engine;
  const asWriter = makeRunWriter(engine);
  const runner = (projectId: string) => orchestrator.runner(projectId);
  const done = ok(undefined);

  return {
    startRun: (projectId) => asWriter(projectId, async () => ok({ runId: await (await runner(projectId)).start() })),

    askForChange: (projectId, request) =>
      asWriter(projectId, async () => {
        if (typeof request !== 'string' || request.length > 10_000) {
          return fail('bad_input', 'A change request is text of at most 10,000 characters.');
        }
        return ok({ runId: await (await runner(projectId)).askForChange(request) });
      }),

    pauseRun: (projectId) =>
      asWriter(projectId, async () => {
        const state = await store.load(projectId);
        if (state.project?.runStatus !== 'running') return fail('bad_input', 'The run is not running.');
        refuseOff(state, 'pause');
        await (await runner(projectId)).pause('user', 'Paused by you: calls in flight finish, nothing new starts.');
        return done;
      }),

    resumeRun: (projectId) =>
      asWriter(projectId, async () => {
        await (await runner(projectId)).resume();
        // Written again: whatever the disk said before, there is room now.
        engine.notices.clear(projectId, 'storage-full');
        return done;
      }),

    executeAll: (projectId) =>
      asWriter(projectId, async () => {
        const state = await store.load(projectId);
        const halted = engine.notices.get(projectId)?.kind === 'storage-full';
        if (state.project?.runStatus === 'running' && !halted) return done;
        await (await runner(projectId)).resume();
        engine.notices.clear(projectId, 'storage-full');
        return done;
      }),

    stepRun: (projectId) => asWriter(projectId, async () => ok({ taskId: await (await runner(projectId)).step() })),

    cancelTask: (projectId, taskId) =>
      asWriter(projectId, async () => {
        await (await runner(projectId)).cancel(taskId);
        return done;
      }),

    switchModel: (projectId, taskId) =>
      asWriter(projectId, async () => {
        await (await runner(projectId)).switchModel(taskId);
        return done;
      }),

    retryTask: (projectId, taskId, instructions) =>
      asWriter(projectId, async () => {
        if (instructions !== undefined && (typeof instructions !== 'string' || instructions.length > 20_000)) {
          return fail('bad_input', 'Instructions are text of at most 20,000 characters.');
        }
        await (await runner(projectId)).retry(taskId, instructions);
        return done;
      }),

    stopRun: (projectId) =>
      asWriter(projectId, async () => {
        await (await runner(projectId)).stop();
        return done;
      }),

    emergencyStop: (projectId) =>
      asWriter(projectId, async () => {
        await (await runner(projectId)).emergencyStop();
        return done;
      }),

    setBudget: (projectId, budgetUsd) =>
      asWriter(projectId, async () => {
        if (typeof budgetUsd !== 'number' || !Number.isFinite(budgetUsd) || budgetUsd < 0 || budgetUsd > 100_000) {
          return fail('bad_input', 'A budget is an amount in US dollars between 0 and 100,000.');
        }
        const state = await store.load(projectId);
        const committed = (state.project?.spentUsd ?? 0) + (state.project?.reservedUsd ?? 0);
        if (budgetUsd + 1e-9 < committed) {
          return fail(
            'bad_input',
            `The budget cannot go below the $${committed.toFixed(4)} already spent or set aside for calls in flight.`,
          );
        }
        await (
          await runner(projectId)
        ).command([{ type: 'budget-change', actor: { kind: 'user' }, payload: { limitUsd: budgetUsd } }]);
        return done;
      }),

    ...createPlanCommands(engine, orchestrator, asWriter),
    ...createRunQueries(engine, orchestrator),
  };
}
