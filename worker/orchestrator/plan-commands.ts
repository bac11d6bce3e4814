/**
 * The plan commands of the worker API: approving the proposed plan (as proposed, or with
 * tasks removed and instructions edited, checked again as the plan it has become; either
 * way within the run's plan limit, `RunLimits.maxPlanTasks`) and
 * rejecting it (which ends a change run on the spot, the project as it was).
 */
import { validateChangePlan } from '../changes/change-plan.ts';
import { fail, ok } from '../contract/result.ts';
import type { Engine } from '../engine.ts';
import type { EventDraft } from '../events/catalog.ts';
import { editablePaths } from './change-mode.ts';
import type { Orchestrator } from './orchestrator.ts';
import { planLimitProblem } from '../query/plan-limit.ts';
import { validatePlan } from './plan-validation.ts';
import type { PlanEdit, RunCommands } from './run-api.ts';
import type { AsWriter } from './run-writer.ts';

export function createPlanCommands(
  engine: Pick<Engine, 'store'>,
  orchestrator: Orchestrator,
  asWriter: AsWriter,
): Pick<RunCommands, 'approvePlan' | 'rejectPlan'> {
  const { store } = engine;
  const runner = (projectId: string) => orchestrator.runner(projectId);
  const done = ok(undefined);

  return {
    approvePlan: (projectId, edit?: PlanEdit) =>
      asWriter(projectId, async () => {
        const state = await store.load(projectId);
        const plan = state.plan;
        if (!plan || plan.status !== 'proposed') return fail('bad_input', 'There is no plan waiting for approval.');
        let tasks = undefined as typeof plan.tasks | undefined;
        if (edit) {
          const byId = new Map(plan.tasks.map((task) => [task.id, task]));
          const kept = new Set(edit.tasks.map((task) => task.id));
          const unknown = edit.tasks.find((task) => !byId.has(task.id));
          if (unknown) return fail('bad_input', `The plan has no task “${unknown.id}”.`);
          tasks = edit.tasks.map((change) => {
            const task = byId.get(change.id) as (typeof plan.tasks)[number];
            return {
              ...task,
              instructions: String(change.instructions).slice(0, 20_000),
              // A removed task is no longer waited for.
              dependsOn: task.dependsOn.filter((id) => kept.has(id)),
            };
          });
          if (tasks.length === 0)
            return fail('bad_input', 'An approved plan needs at least one task; reject the plan instead.');
        }
        // The plan's one limit, as its planner and the plan review have it.
        const { maxPlanTasks } = orchestrator.limits;
        const overLimit = planLimitProblem((tasks ?? plan.tasks).length, maxPlanTasks);
        if (overLimit) return fail('bad_input', overLimit);
        if (tasks) {
          const checked = validatePlan(
            { ...plan, estimate: plan.estimate ?? { tokens: 0, costUsd: 0 }, tasks },
            { maxTasks: maxPlanTasks },
          );
          if (!checked.ok) return fail('bad_input', `This plan cannot run: ${checked.errors.join(' ')}`);
          // A change plan's files are checked again: a removed task may have been the one adding a file.
          const files = plan.change
            ? validateChangePlan(
                tasks.map((task) => ({
                  ...task,
                  modifies: task.modifies ?? [],
                  adds: task.adds ?? [],
                  deletes: task.deletes ?? [],
                })),
                editablePaths(state),
              )
            : [];
          if (files.length > 0) return fail('bad_input', `This change plan cannot run: ${files.join(' ')}`);
        }
        const events: EventDraft[] = [
          {
            type: 'plan-approve',
            actor: { kind: 'user' },
            payload: { planId: plan.planId, auto: false, ...(tasks ? { tasks } : {}) },
          },
        ];
        await (await runner(projectId)).command(events);
        return done;
      }),

    rejectPlan: (projectId, reason) =>
      asWriter(projectId, async () => {
        const state = await store.load(projectId);
        const plan = state.plan;
        if (!plan || plan.status !== 'proposed') return fail('bad_input', 'There is no plan waiting for approval.');
        const events: EventDraft[] = [
          {
            type: 'plan-reject',
            actor: { kind: 'user' },
            payload: { planId: plan.planId, reason: String(reason ?? '').slice(0, 2000) },
          },
        ];
        // A rejected change ends its run here, saying the project is as it was: the
        // built plan stands, so the run loop would not end it as a rejection.
        const runId = state.project?.currentRunId;
        if (plan.change && runId && state.project?.runStatus !== 'stopped') {
          events.push({
            type: 'run-stop',
            actor: { kind: 'user' },
            payload: {
              runId,
              outcome: 'cancelled',
              message: 'The change plan was rejected; the project is as it was before you asked.',
            },
          });
        }
        await (await runner(projectId)).command(events);
        return done;
      }),
  };
}
