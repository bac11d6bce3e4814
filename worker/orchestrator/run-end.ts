/**
 * How a run ends, or stops short: the project's own tests before the last word
 * (`runChecks`), a Debugger review when those tests fail and no review was planned, the
 * closing message with the findings left open (`finishRun`), and the pause of a run in
 * which nothing can run any more (`pauseIfStalled`), and the pause after something
 * unexpected (`reportFault`). Called by the runner's loop (`runner.ts`) when every task is
 * finished, when nothing is ready, or when something threw.
 *
 *   every task finished ─▶ tests (unless current) ─▶ failing, no review yet? ─▶ schedule "review-tests"
 *                                                    └─ else ─▶ run-stop (completed) with tests and open findings
 */
import { checkIsCurrent } from '../checks/test-findings.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import { describeCheck } from '../query/describe-check.ts';
import { toFailure } from '../projects/to-failure.ts';
import { runState } from '../run-state/run-state.ts';
import { faultSentence } from '../run-state/task-stop-sentences.ts';
import { type RunContext, system } from './run-context.ts';
import { remainingFindings } from './task-results.ts';

/** The run's end: done, with the findings the last review left open listed. */
export async function finishRun(ctx: RunContext, before: ProjectState, runId: string): Promise<void> {
  // The run ends by saying how the project's own tests fare on its final files.
  const tested = await runChecks(ctx, 'final');
  const state = tested ? await ctx.state() : before;
  if (state.project?.runStatus !== 'running' || state.project.currentRunId !== runId) return;
  if (tested && (await reviewFailingTests(ctx, state))) return;
  const open = await remainingFindings(state, (hash) => ctx.deps.store.blob(hash));
  const check = state.project.lastCheck;
  const tests = check && checkIsCurrent(state) ? ` ${describeCheck(check.outcome, check.counts, check.reason)}` : '';
  const cancelled = [...state.tasks.values()].filter((task) => task.status === 'cancelled');
  const head =
    cancelled.length === 0
      ? 'Every task is done'
      : `Every task is done but the ${cancelled.length} you cancelled (${cancelled.map((task) => `“${task.title}”`).join(', ')})`;
  const message =
    open.length === 0
      ? `${head}.${tests}`
      : `${head};${tests} The last review left ${open.length} finding${open.length === 1 ? '' : 's'} open: ${open
          .slice(0, 5)
          .map(
            (finding) =>
              `${finding.severity} in ${finding.file}${finding.line ? `:${finding.line}` : ''} — ${finding.message}`,
          )
          .join('; ')}`.slice(0, 2000);
  await ctx.append([{ type: 'run-stop', actor: system, payload: { runId, outcome: 'completed', message } }]);
}

/**
 * Runs the project's tests unless the last run already covers its files, or there is no
 * page to run them in. Returns whether a run was made. Tests that fail, time out or cannot
 * run are a result (`check-run-end`), never a stop: the run goes on and the log says how
 * they fared. What can throw here is the store (a full or failing disk, another tab), and
 * that pauses the run as any fault of Orchestra's does (`reportFault`).
 */
export async function runChecks(ctx: RunContext, trigger: 'review' | 'final', taskId?: string): Promise<boolean> {
  const checks = ctx.deps.checks;
  if (!checks?.available) return false;
  const state = await ctx.state();
  if (checkIsCurrent(state)) return false;
  try {
    const timeoutMs = (await ctx.deps.checkTimeoutMs?.()) ?? 60_000;
    // Held meanwhile (an emergency stop, a full disk, the tab closing): generated code
    // does not start now. Nothing is awaited between this and the run's start, which
    // registers it at once, so a stop from here on reaches it.
    if (ctx.held?.()) return false;
    const result = await checks.run(ctx.projectId, { trigger, taskId, timeoutMs });
    return result.ran;
  } catch (error) {
    await ctx.report(error, taskId);
    return false;
  }
}

/**
 * Tests that fail at the end of a plan that had no review get one: the Debugger reads
 * the failures and fix tasks follow, as after any review. Never for a Template build
 * (no model to fix anything) and never twice.
 */
async function reviewFailingTests(ctx: RunContext, state: ProjectState): Promise<boolean> {
  const check = state.project?.lastCheck;
  if (!check || check.failures.length === 0 || state.plan?.source === 'template') return false;
  const reviewed = [...state.tasks.values()].some((task) => task.role === 'debugger');
  if (reviewed) return false;
  await ctx.append([
    {
      type: 'task-schedule',
      actor: system,
      payload: {
        taskId: 'review-tests',
        role: 'debugger',
        title: 'Review the failing tests',
        dependsOn: [],
        instructions:
          "The project's own tests fail. Find out why from the failures and the code, and report each cause as a finding on the file to change.",
        expectedArtifacts: [],
        acceptance: ['Every failing test is explained by a finding.'],
        kind: 'review',
        round: 1,
      },
    },
  ]);
  return true;
}

/**
 * A run that is going but where nothing runs and nothing can start (a failed task that
 * others wait on, a plan that could not be written) pauses at once, naming what blocks
 * it and the one way on: it never shows "Running" while nothing runs.
 */
export async function pauseIfStalled(ctx: RunContext, state: ProjectState): Promise<void> {
  if (!state.project) return;
  const run = runState({ project: state.project, plan: state.plan, tasks: [...state.tasks.values()] });
  if (run.phase !== 'stalled') return;
  const blocked = [...state.tasks.values()].filter((task) => task.status === 'failed' || task.status === 'interrupted');
  const planning = blocked.find((task) => task.role === 'project-manager');
  const reason = planning
    ? `The plan could not be written: “${planning.title}” ${planning.status === 'failed' ? 'failed' : 'was cut off'}. Retry task to try again.`
    : blocked.length > 0
      ? `Nothing can run until ${blocked.map((task) => `“${task.title}”`).join(', ')} ${blocked.length === 1 ? 'is' : 'are'} retried or cancelled: ${blocked.length === 1 ? 'it' : 'they'} did not finish.`
      : `Nothing can run: ${run.blocked.map((title) => `“${title}”`).join(', ')} cannot start.`;
  await ctx.pause('failure', reason.slice(0, 1000));
}

/** Something unexpected (storage, a bug): recorded, and the run pauses instead of spinning. */
export async function reportFault(ctx: RunContext, error: unknown, taskId?: string): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  try {
    await ctx.append([
      {
        type: 'error-report',
        actor: system,
        payload: {
          kind: 'engine',
          message: message.slice(0, 4000) || 'Unknown error',
          ...(taskId ? { taskId } : {}),
        },
      },
    ]);
    const title = taskId ? (await ctx.state()).tasks.get(taskId)?.title : undefined;
    await ctx.pause('fault', faultSentence(toFailure(error), title).slice(0, 1000));
  } catch {
    // Storage itself is failing: nothing more can be recorded; the next command reports it.
  }
}
