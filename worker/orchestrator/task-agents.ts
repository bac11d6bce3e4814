/**
 * The team as data: for each role, the task agents (`task-agent.ts`) that do its tasks —
 * which agent is asked, what its answer must pass beyond its schema, and what it becomes
 * in the log. Adding a role, or a way of working for one, is adding an entry here (and
 * its definition in `agents/`); the runner only calls `taskAgentFor(state, task)`.
 *
 *   role             its tasks                       in a change
 *   project-manager  plan ─▶ plan-propose            change plan ─▶ plan-propose (change)
 *   builders         whole files ─▶ artifacts        edit blocks placed, deletions checked ─▶ artifacts
 *                    fix of files that exist ─▶ edit blocks placed, deletions checked ─▶ artifacts
 *   debugger         review ─▶ report + fix tasks    —
 */
import { ulid } from 'ulid';
import type { AgentRole, FileOutput } from '../agents/index.ts';
import { codeGenerator, debuggerAgent, projectManager, testWriter, uiDesigner } from '../agents/index.ts';
import { changeAgents } from '../agents/change-builders.ts';
import { projectManagerChange } from '../agents/project-manager-change.ts';
import type { ChangeOutput } from '../changes/change-output.ts';
import { checkIsCurrent, testFailureFindings } from '../checks/test-findings.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { TaskRow } from '../events/projections/rows.ts';
import type { Role } from '../events/schemas/common.ts';
import { applyChange, changePlanErrors, changeProposal, editablePaths } from './change-mode.ts';
import { validatePlan } from './plan-validation.ts';
import { type TaskAgent, taskAgent } from './task-agent.ts';
import { fileCompletion } from './file-completion.ts';
import { planCompletion, proposalOf } from './plan-completion.ts';
import { reviewCompletion } from './review-completion.ts';

const newPlanId = () => `plan-${ulid().slice(-8).toLowerCase()}`;

/** The Project Manager planning the project: a plan whose graph holds, proposed. */
const planner = taskAgent({
  agent: projectManager,
  writes: 'plan',
  // The planner hears what the person said to the team before (and why a plan was rejected).
  hearsConversation: true,
  check: (plan, { limits }) => {
    const checked = validatePlan(plan, { maxTasks: limits.maxPlanTasks });
    return checked.ok ? [] : checked.errors;
  },
  complete: (plan, { state, facts }) => planCompletion(state, facts, proposalOf(plan, newPlanId(), plan.tasks)),
});

/** The Project Manager planning a change: its graph, and its files against the project's. */
const changePlanner = taskAgent({
  agent: projectManagerChange,
  writes: 'plan',
  check: (plan, { state, limits }) => changePlanErrors(plan, state, limits.maxPlanTasks),
  complete: (plan, { state, facts }) =>
    planCompletion(state, facts, changeProposal(state, plan, newPlanId(), facts.task.instructions)),
});

/** A builder writing whole files. */
const builder = (agent: AgentRole<FileOutput>) =>
  taskAgent({
    agent,
    writes: 'files',
    complete: (output, { state, facts }) => fileCompletion(state, facts, output),
  });

/** A builder changing files that exist, with edit blocks that must fit them. */
const editor = (agent: AgentRole<ChangeOutput>) =>
  taskAgent({
    agent,
    writes: 'files',
    // Placed on the files as they are when the answer comes, not when the task began.
    check: async (output, { current, readBlob, task }) => {
      const placed = await applyChange(await current(), output, readBlob, task.taskId);
      return placed.ok ? [] : placed.errors;
    },
    // Placed again on the files as they are now (a task of the same change may have edited
    // one since): blocks that no longer fit fail the attempt.
    complete: async (output, { state, facts, readBlob }) => {
      const placed = await applyChange(state, output, readBlob, facts.task.taskId);
      if (!placed.ok) {
        return {
          events: [],
          blobs: [],
          quality: 0,
          failure: `The edits no longer fit the files, which changed while the task ran: ${placed.errors.slice(0, 3).join(' ')}`,
        };
      }
      return fileCompletion(state, facts, { files: placed.files, notes: output.notes }, placed.deletes);
    },
  });

/** The Debugger: its review, with the project's failing tests as findings of their own. */
const reviewer = taskAgent({
  agent: debuggerAgent,
  writes: 'review',
  complete: async (review, { state, facts, readBlob, limits }) => {
    const tests = checkIsCurrent(state) ? await testFailureFindings(state.project?.lastCheck, state, readBlob) : [];
    return reviewCompletion(state, facts, review, limits.maxReviewRounds, tests);
  },
});

export interface TeamRole {
  /** The agent that does the role's tasks. */
  tasks: TaskAgent;
  /** For a task of kind "change": the agent that plans a change. */
  change?: TaskAgent;
  /** For a build or fix task that changes files the project has: the agent that edits them. */
  edit?: TaskAgent;
}

export const team: { readonly [R in Role]: TeamRole } = {
  'project-manager': { tasks: planner, change: changePlanner },
  'code-generator': { tasks: builder(codeGenerator), edit: editor(changeAgents['code-generator']) },
  'ui-designer': { tasks: builder(uiDesigner), edit: editor(changeAgents['ui-designer']) },
  'test-writer': { tasks: builder(testWriter), edit: editor(changeAgents['test-writer']) },
  debugger: { tasks: reviewer },
};

/**
 * The agent for a task: a review is always the Debugger's; a change's planning task gets
 * the role's change agent; a build task of a change plan, or a build or fix task naming a
 * file the project has, gets the role's editing agent (a one-line fix to a long file is
 * an edit block, not the file again); else the role's own.
 *
 * @example taskAgentFor(state, { ...task, role: 'test-writer', kind: 'review' }) === team.debugger.tasks
 */
export function taskAgentFor(state: ProjectState, task: TaskRow & { role: Role }): TaskAgent {
  if (task.kind === 'review') return team.debugger.tasks;
  const entry = team[task.role];
  if (task.kind === 'change' && entry.change) return entry.change;
  if ((task.kind === 'build' || task.kind === 'fix') && entry.edit && changesFiles(state, task)) return entry.edit;
  return entry.tasks;
}

/** Whether a build task changes the project as it stands: it is part of a change plan, or names a file that exists. */
function changesFiles(state: ProjectState, task: TaskRow): boolean {
  if (state.plan?.change !== undefined) return true;
  const existing = editablePaths(state);
  return task.expectedArtifacts.some((path) => existing.has(path));
}
