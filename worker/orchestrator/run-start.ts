/**
 * How a run begins: "Start" (the Project Manager plans the project, or the Template
 * provider makes the plan when there is no key) and "Ask for a change" (a new run on top
 * of the last, planned by the Project Manager in change mode). Each writes the run's
 * first events; the runner's loop (`runner.ts`) takes it from there.
 *
 *   Start ─▶ run-start ─▶ key?  ──yes─▶ task-schedule "plan" (Project Manager)
 *                          └─no──▶ template plan-propose (+ plan-approve when automatic)
 *   Ask for a change ─▶ (paused run stopped) ─▶ run-start ─▶ "plan-change" task, or a template change plan
 */
import { ulid } from 'ulid';
import type { EventDraft, PayloadOf } from '../events/catalog.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import { planStands } from '../run-state/run-state.ts';
import { startSource, waitingSentence } from '../run-state/start-source.ts';
import { editablePaths } from './change-mode.ts';
import { type RunContext, system } from './run-context.ts';
import { KeysLockedError, RunError } from './run-errors.ts';
import { isFinished } from './scheduler.ts';
import { freeTaskId, templateChangePlan } from './template-change-plan.ts';
import { templatePlan } from './template-plan.ts';

const planTaskId = 'plan';

/** "Start": a new run; the Project Manager plans, or the template makes the plan without a key. Returns the run's id. */
export async function startRun(ctx: RunContext): Promise<string> {
  const state = await ctx.state();
  if (state.project?.runStatus === 'running' || state.project?.runStatus === 'paused') {
    throw new RunError('A run of this project is already going: pause or stop it first.');
  }
  const runId = ulid();
  const readiness = await ctx.deps.readiness();
  const source = startSource(readiness);
  const project = state.project;
  // A rejected change left the project as built: its plan still stands.
  const approved = planStands(state.plan);
  // Locked keys are asked for, not worked around: nothing is written until they open.
  // A run that calls no model goes on without them: a template plan, or a finished one
  // whose Start only re-checks the tests.
  const unfinished = [...state.tasks.values()].some((task) => !isFinished(task));
  const needsModel = !approved || (state.plan?.source !== 'template' && unfinished);
  if (source === 'locked' && needsModel) throw new KeysLockedError('the run starts');
  if (source === 'waiting' && needsModel) throw new RunError(waitingSentence(readiness, 'press Start again'));
  const events: EventDraft[] = [{ type: 'run-start', actor: { kind: 'user' }, payload: { runId } }];
  if (approved) {
    // Start on an ended run goes on with what is left (after an emergency stop, a
    // failure): those tasks run again.
    // With nothing left, the run re-checks the project's tests and ends.
    for (const task of state.tasks.values()) {
      if (task.status === 'failed' || task.status === 'interrupted') {
        events.push({
          type: 'task-retry',
          actor: { kind: 'user' },
          payload: { taskId: task.taskId, reason: 'Started again by you.' },
        });
      }
    }
  }
  if (!approved) {
    if (source === 'template') {
      const plan = templatePlan(project?.description ?? '', project?.template ?? null);
      events.push(...proposal(plan, project?.autoApprove === true));
    } else {
      events.push(
        planningTask({
          taskId: state.tasks.has(planTaskId) ? `${planTaskId}-${runId.slice(-6).toLowerCase()}` : planTaskId,
          title: 'Plan the project',
          instructions: project?.template
            ? `Plan the whole project described above. The person chose the "${project.template}" template as a starting point: plan files of that shape.`
            : 'Plan the whole project described above.',
          kind: 'build',
        }),
      );
    }
  }
  await ctx.append(events);
  return runId;
}

/**
 * "Ask for a change": a new run on top of the last. The Project Manager plans the change
 * on the project as it stands (or, with no key, the Template provider writes the request
 * down); the plan is approved as a first plan is, then runs with the same team. A paused
 * run ends here first, its unfinished tasks cancelled, named in the log. Returns the run's id.
 */
export async function askForChange(ctx: RunContext, request: string, callsInFlight: number): Promise<string> {
  const asked = request.trim();
  if (asked === '') throw new RunError('Say what to change first.');
  const state = await ctx.state();
  const project = state.project;
  if (!project) throw new RunError('There is no such project on this device.');
  if (project.runStatus === 'running') {
    throw new RunError('A run is going: pause it, or wait for it to end, then ask for the change.');
  }
  if (state.plan?.status === 'proposed') throw new RunError('A plan is waiting for you: approve or reject it first.');
  if (callsInFlight > 0) throw new RunError('Calls are still finishing: ask once the run has paused.');
  const files = editablePaths(state);
  if (files.size === 0) throw new RunError('There is nothing to change yet: Start builds the project first.');

  const events: EventDraft[] = [];
  if (project.runStatus === 'paused' && project.currentRunId) {
    const left = [...state.tasks.values()].filter((task) => task.status !== 'done' && task.status !== 'cancelled');
    for (const task of left) {
      events.push({
        type: 'task-cancel',
        actor: { kind: 'user' },
        payload: { taskId: task.taskId, reason: 'Left out: you asked for a change instead.' },
      });
    }
    events.push({
      type: 'run-stop',
      actor: { kind: 'user' },
      payload: { runId: project.currentRunId, outcome: 'stopped', message: 'Stopped by you to ask for a change.' },
    });
  }
  const runId = ulid();
  events.push({ type: 'run-start', actor: { kind: 'user' }, payload: { runId } });
  const readiness = await ctx.deps.readiness();
  const source = startSource(readiness);
  if (source === 'locked') throw new KeysLockedError('the change is planned');
  if (source === 'waiting') throw new RunError(waitingSentence(readiness, 'ask again'));
  const taskIds = new Set(state.tasks.keys());
  if (source === 'template') {
    const plan = templateChangePlan(asked, {
      files,
      taskIds,
      stack: state.plan?.stack ?? [],
      languages: state.plan?.languages ?? [],
    });
    events.push(...proposal(plan, project.autoApprove));
  } else {
    events.push(
      planningTask({
        taskId: freeTaskId('plan-change', taskIds),
        title: 'Plan the change',
        instructions: asked.slice(0, 20_000),
        kind: 'change',
      }),
    );
  }
  await ctx.append(events);
  return runId;
}

/**
 * Refuses, before anything is written, to go on with a model-built run while the keys
 * are locked, or while every provider set up is paused or incomplete: every task would
 * fail for want of a model. A template plan needs none.
 */
export async function needKeys(ctx: RunContext, state: ProjectState, then: string): Promise<void> {
  if (state.plan?.source === 'template') return;
  const readiness = await ctx.deps.readiness();
  const source = startSource(readiness);
  if (source === 'locked') throw new KeysLockedError(then);
  if (source === 'waiting') throw new RunError(waitingSentence(readiness, 'try again'));
}

/** The Project Manager's task that plans the project or a change: its answer is the plan. */
function planningTask(task: {
  taskId: string;
  title: string;
  instructions: string;
  kind: 'build' | 'change';
}): EventDraft {
  return {
    type: 'task-schedule',
    actor: system,
    payload: {
      ...task,
      role: 'project-manager',
      dependsOn: [],
      expectedArtifacts: [],
      // The plan's size is held to \`RunLimits.maxPlanTasks\`, which its prompt states.
      acceptance: [],
      round: 1,
    },
  };
}

/** A plan proposed, and approved at once when the project approves its plans automatically. */
function proposal(plan: PayloadOf<'plan-propose'>, autoApprove: boolean): EventDraft[] {
  const proposed: EventDraft = { type: 'plan-propose', actor: system, payload: plan };
  return autoApprove
    ? [proposed, { type: 'plan-approve', actor: system, payload: { planId: plan.planId, auto: true } }]
    : [proposed];
}
