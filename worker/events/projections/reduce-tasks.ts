import type { Role } from '../schemas/common.ts';
import type { Handlers } from './handler.ts';
import type { Changes, ProjectState } from './project-state.ts';
import { currentSession, projectRow } from './reduce-project.ts';
import type { AgentPerformanceRow, PlanTask, TaskRow } from './rows.ts';

/** A task row before anything is known of it but its id and place. */
export function newTaskRow(projectId: string, taskId: string, order: number): TaskRow {
  return {
    projectId,
    taskId,
    role: null,
    title: taskId,
    dependsOn: [],
    instructions: '',
    expectedArtifacts: [],
    acceptance: [],
    kind: 'build',
    round: 1,
    order,
    status: 'pending',
    attempt: 0,
    taskType: null,
    provider: null,
    model: null,
    outputChars: 0,
    checkpointHash: null,
    outputHash: null,
    repairs: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    durationMs: 0,
    lastError: null,
    quality: null,
    startedAt: null,
    endedAt: null,
  };
}

export function taskRow(state: ProjectState, taskId: string, changes: Changes): TaskRow {
  changes.touch('tasks', taskId);
  let task = state.tasks.get(taskId);
  if (!task) {
    task = newTaskRow(state.projectId, taskId, state.tasks.size);
    state.tasks.set(taskId, task);
  }
  return task;
}

export function agentRow(state: ProjectState, role: Role, changes: Changes): AgentPerformanceRow {
  changes.touch('agentPerformance', role);
  return agentOf(state, role, changes);
}

/** A role's row, created (and so marked as changed) on first need; otherwise not marked. */
function agentOf(state: ProjectState, role: Role, changes: Changes): AgentPerformanceRow {
  let agent = state.agentPerformance.get(role);
  if (!agent) {
    agent = {
      projectId: state.projectId,
      role,
      running: 0,
      currentTaskId: null,
      tasksStarted: 0,
      tasksDone: 0,
      tasksFailed: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      qualitySum: 0,
      qualityCount: 0,
    };
    state.agentPerformance.set(role, agent);
    changes.touch('agentPerformance', role);
  }
  return agent;
}

/**
 * Leaves the running state: the agent that ran it has one task fewer in hand. Its row
 * is marked as changed only if it did change (a retried or cancelled task that was not
 * running leaves it as it was).
 */
function stopRunning(state: ProjectState, task: TaskRow, changes: Changes): AgentPerformanceRow | null {
  if (!task.role) return null;
  const agent = agentOf(state, task.role, changes);
  if (task.status === 'running' || agent.currentTaskId === task.taskId) changes.touch('agentPerformance', task.role);
  if (task.status === 'running') agent.running = Math.max(0, agent.running - 1);
  if (agent.currentTaskId === task.taskId) agent.currentTaskId = null;
  return agent;
}

/** A plan's task becomes a task row, ready to run once its dependencies are done. */
function scheduleFromPlan(state: ProjectState, planned: PlanTask, changes: Changes): void {
  const task = taskRow(state, planned.id, changes);
  task.role = planned.role;
  task.title = planned.title;
  task.dependsOn = [...planned.dependsOn];
  task.instructions = planned.instructions;
  task.expectedArtifacts = [...planned.expectedArtifacts];
  task.acceptance = [...planned.acceptance];
  if (task.status === 'pending') task.status = 'scheduled';
}

const copyTask = (task: PlanTask): PlanTask => ({
  ...task,
  dependsOn: [...task.dependsOn],
  expectedArtifacts: [...task.expectedArtifacts],
  acceptance: [...task.acceptance],
  ...(task.modifies ? { modifies: [...task.modifies] } : {}),
  ...(task.adds ? { adds: [...task.adds] } : {}),
  ...(task.deletes ? { deletes: [...task.deletes] } : {}),
});

export const taskHandlers: Handlers<
  | 'plan-propose'
  | 'plan-approve'
  | 'plan-reject'
  | 'task-schedule'
  | 'task-start'
  | 'task-checkpoint'
  | 'task-complete'
  | 'task-fail'
  | 'task-interrupt'
  | 'task-cancel'
  | 'task-retry'
> = {
  'plan-propose': (state, event, changes) => {
    const project = projectRow(state, event.at, changes);
    const { planId, summary, complexity, estimate, tasks } = event.payload;
    project.planId = planId;
    project.planSummary = summary;
    project.complexity = complexity;
    // Proposed tasks are only a proposal: they become task rows when the plan is approved.
    changes.plan = true;
    state.plan = {
      planId,
      status: 'proposed',
      summary,
      complexity,
      estimate: estimate ? { ...estimate } : null,
      stack: [...(event.payload.stack ?? [])],
      languages: [...(event.payload.languages ?? [])],
      source: event.payload.source ?? 'ai',
      tasks: tasks.map(copyTask),
      revision: (state.plan?.revision ?? 0) + 1,
      ...(event.payload.change ? { change: { request: event.payload.change.request } } : {}),
    };
  },
  'plan-approve': (state, event, changes) => {
    const plan = state.plan;
    if (!plan || plan.planId !== event.payload.planId) return;
    changes.plan = true;
    plan.status = 'approved';
    if (event.payload.tasks) plan.tasks = event.payload.tasks.map(copyTask);
    const session = currentSession(state, changes);
    for (const planned of plan.tasks) {
      if (session && !state.tasks.has(planned.id)) session.tasks += 1;
      scheduleFromPlan(state, planned, changes);
    }
  },
  'plan-reject': (state, event, changes) => {
    if (state.plan?.planId !== event.payload.planId) return;
    changes.plan = true;
    state.plan.status = 'rejected';
  },
  'task-schedule': (state, event, changes) => {
    const { payload } = event;
    if (!state.tasks.has(payload.taskId)) {
      const session = currentSession(state, changes);
      if (session) session.tasks += 1;
    }
    const task = taskRow(state, payload.taskId, changes);
    task.role = payload.role;
    task.title = payload.title;
    task.dependsOn = [...payload.dependsOn];
    if (payload.instructions !== undefined) task.instructions = payload.instructions;
    if (payload.expectedArtifacts) task.expectedArtifacts = [...payload.expectedArtifacts];
    if (payload.acceptance) task.acceptance = [...payload.acceptance];
    if (payload.kind) task.kind = payload.kind;
    if (payload.round) task.round = payload.round;
    if (task.status === 'pending') task.status = 'scheduled';
  },
  'task-start': (state, event, changes) => {
    const task = taskRow(state, event.payload.taskId, changes);
    stopRunning(state, task, changes);
    task.status = 'running';
    task.attempt = event.payload.attempt;
    task.provider = event.payload.provider;
    task.model = event.payload.model;
    task.outputChars = 0;
    task.checkpointHash = null;
    task.lastError = null;
    task.startedAt = event.at;
    task.endedAt = null;
    if (task.role) {
      const agent = agentRow(state, task.role, changes);
      agent.running += 1;
      agent.tasksStarted += 1;
      agent.currentTaskId = task.taskId;
    }
  },
  'task-checkpoint': (state, event, changes) => {
    const task = taskRow(state, event.payload.taskId, changes);
    task.outputChars = event.payload.outputChars;
    task.checkpointHash = event.payload.textHash;
  },
  'task-complete': (state, event, changes) => {
    const task = taskRow(state, event.payload.taskId, changes);
    const agent = stopRunning(state, task, changes);
    task.status = 'done';
    task.outputHash = event.payload.outputHash ?? null;
    task.repairs = event.payload.repairs ?? 0;
    task.inputTokens += event.payload.inputTokens;
    task.outputTokens += event.payload.outputTokens;
    task.costUsd += event.payload.costUsd;
    task.durationMs += event.payload.durationMs;
    task.endedAt = event.at;
    if (agent) {
      changes.touch('agentPerformance', agent.role);
      agent.tasksDone += 1;
      agent.inputTokens += event.payload.inputTokens;
      agent.outputTokens += event.payload.outputTokens;
      agent.costUsd += event.payload.costUsd;
    }
  },
  'task-fail': (state, event, changes) => {
    const task = taskRow(state, event.payload.taskId, changes);
    const agent = stopRunning(state, task, changes);
    task.status = 'failed';
    task.lastError = { kind: event.payload.kind, message: event.payload.message, retryable: event.payload.retryable };
    task.endedAt = event.at;
    if (agent) {
      changes.touch('agentPerformance', agent.role);
      agent.tasksFailed += 1;
    }
  },
  'task-interrupt': (state, event, changes) => {
    const task = taskRow(state, event.payload.taskId, changes);
    stopRunning(state, task, changes);
    task.status = 'interrupted';
    task.endedAt = event.at;
  },
  'task-cancel': (state, event, changes) => {
    const task = taskRow(state, event.payload.taskId, changes);
    stopRunning(state, task, changes);
    task.status = 'cancelled';
    task.endedAt = event.at;
  },
  'task-retry': (state, event, changes) => {
    const task = taskRow(state, event.payload.taskId, changes);
    stopRunning(state, task, changes);
    task.status = 'scheduled';
    task.lastError = null;
    task.endedAt = null;
    if (event.payload.instructions !== undefined) task.instructions = event.payload.instructions;
  },
};
