import type { Role } from '../schemas/common.ts';
import type { Handlers } from './handler.ts';
import type { Changes, ProjectState } from './project-state.ts';
import { projectRow } from './reduce-project.ts';
import type { AgentPerformanceRow, TaskRow } from './rows.ts';

export function taskRow(state: ProjectState, taskId: string, changes: Changes): TaskRow {
  changes.touch('tasks', taskId);
  let task = state.tasks.get(taskId);
  if (!task) {
    task = {
      projectId: state.projectId,
      taskId,
      role: null,
      title: taskId,
      dependsOn: [],
      status: 'pending',
      attempt: 0,
      taskType: null,
      provider: null,
      model: null,
      outputChars: 0,
      checkpointHash: null,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      durationMs: 0,
      lastError: null,
      quality: null,
      startedAt: null,
      endedAt: null,
    };
    state.tasks.set(taskId, task);
  }
  return task;
}

export function agentRow(state: ProjectState, role: Role, changes: Changes): AgentPerformanceRow {
  changes.touch('agentPerformance', role);
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
  }
  return agent;
}

/** Leaves the running state: the agent that ran it has one task fewer in hand. */
function stopRunning(state: ProjectState, task: TaskRow, changes: Changes): AgentPerformanceRow | null {
  if (!task.role) return null;
  const agent = agentRow(state, task.role, changes);
  if (task.status === 'running') agent.running = Math.max(0, agent.running - 1);
  if (agent.currentTaskId === task.taskId) agent.currentTaskId = null;
  return agent;
}

export const taskHandlers: Handlers<
  | 'plan-propose'
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
    project.planId = event.payload.planId;
    project.planSummary = event.payload.summary;
    project.complexity = event.payload.complexity;
    for (const planned of event.payload.tasks) {
      const task = taskRow(state, planned.id, changes);
      task.role = planned.role;
      task.title = planned.title;
      task.dependsOn = [...planned.dependsOn];
    }
  },
  'task-schedule': (state, event, changes) => {
    const task = taskRow(state, event.payload.taskId, changes);
    task.role = event.payload.role;
    task.title = event.payload.title;
    task.dependsOn = [...event.payload.dependsOn];
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
    task.inputTokens += event.payload.inputTokens;
    task.outputTokens += event.payload.outputTokens;
    task.costUsd += event.payload.costUsd;
    task.durationMs += event.payload.durationMs;
    task.endedAt = event.at;
    if (agent) {
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
    if (agent) agent.tasksFailed += 1;
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
  },
};
