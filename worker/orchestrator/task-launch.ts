/**
 * What one launched task does, from the runner's loop (`runner.ts`, `launch`) to its
 * outcome: a review first runs the project's tests, a task no agent can do fails, and
 * otherwise the team's table (`task-agents.ts`) gives the agent, which makes one attempt
 * with the findings, the template, the models to avoid and (for the planner) what the
 * person said; `task-outcome.ts` then turns the outcome into events.
 */
import { runChecks } from './run-end.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { RunContext } from './run-context.ts';
import { findingsFor, remainingFindings } from './task-results.ts';
import type { TaskOutcomes } from './task-outcome.ts';
import type { TaskRunnerDeps } from './task-runner.ts';
import { taskAgentFor } from './task-agents.ts';
import { templateFor } from './template-plan.ts';
import { conversationOf } from './chat.ts';

/**
 * Runs the task's next attempt and settles its outcome. `callDeps`: what its model call
 * needs, read once it is made; `mayStart`: whether the run still lets it start, checked
 * atomically with its `task-start` (a pause written since the launch wins).
 */
export async function executeTask(
  ctx: RunContext,
  outcomes: TaskOutcomes,
  taskId: string,
  signal: AbortSignal,
  callDeps: () => Promise<TaskRunnerDeps>,
  mayStart: (state: ProjectState) => boolean,
): Promise<void> {
  const before = await ctx.state();
  const reviewing = before.tasks.get(taskId);
  // A review starts from the project's tests as they run now: its failures are findings.
  if (reviewing?.role === 'debugger') await runChecks(ctx, 'review', taskId);
  if (signal.aborted) return;
  const state = await ctx.state();
  const task = state.tasks.get(taskId);
  if (!task) return;
  // The tests this task writes run soon after it: their runtime loads while it writes.
  if (task.role === 'test-writer') void ctx.deps.checks?.prepare(ctx.projectId).catch(() => undefined);
  if (!task.role) {
    // A row no plan made (a retry naming an unknown task): no agent can do it. Failed for
    // good, it pauses the run; left scheduled, the next tick would launch it again.
    await outcomes.fail(
      task,
      Math.max(1, task.attempt),
      'no_role',
      `Task “${task.title}” has no role: no agent can do it.`,
      false,
    );
    return;
  }
  const worker = taskAgentFor(state, { ...task, role: task.role });
  const project = state.project;
  // A change is planned by a model even on a project a template started.
  const template =
    project && state.plan?.source === 'template' && task.kind !== 'change'
      ? templateFor(project.description, project.template).id
      : null;
  const readBlob = (hash: string) => ctx.deps.store.blob(hash);
  // A change is planned with the findings the last review left open.
  const findings =
    task.kind === 'change' ? await remainingFindings(state, readBlob) : await findingsFor(state, task, readBlob);
  const refused = outcomes.refusals.get(taskId);
  const silent = outcomes.switchedFrom.get(taskId);
  const avoidArms = new Set([...(refused?.arms ?? []), ...(silent === undefined ? [] : [silent])]);
  const outcome = await worker.attempt(await callDeps(), state, task, {
    signal,
    findings,
    template,
    current: () => ctx.state(),
    mayStart,
    ...(avoidArms.size > 0 ? { avoidArms } : {}),
    ...(worker.hearsConversation ? { conversation: conversationOf(await ctx.deps.store.read(ctx.projectId)) } : {}),
  });
  // The model left out after a switch is left out of this attempt only (unless it did not start).
  if (outcome.kind !== 'not-started') outcomes.switchedFrom.delete(taskId);
  await outcomes.settle(task, worker.agent, outcome);
}
