import { runOutcome } from '../../run-state/run-state.ts';
import type { ProjectRow, SessionRow } from './rows.ts';
import type { Handlers } from './handler.ts';
import type { Changes, ProjectState } from './project-state.ts';

/** The session of the project's current run, marked as changed; none between runs. */
export function currentSession(state: ProjectState, changes: Changes): SessionRow | undefined {
  const runId = state.project?.currentRunId;
  const session = runId ? state.sessions.get(runId) : undefined;
  if (session) changes.touch('sessions', session.runId);
  return session;
}

/** The project row, created on first need so that any history folds without throwing. */
export function projectRow(state: ProjectState, at: number, changes: Changes): ProjectRow {
  changes.project = true;
  state.project ??= {
    id: state.projectId,
    name: 'Untitled project',
    description: '',
    template: null,
    status: 'active',
    runStatus: 'idle',
    currentRunId: null,
    budgetUsd: null,
    reservedUsd: 0,
    spentUsd: 0,
    planId: null,
    planSummary: '',
    complexity: null,
    messages: 0,
    errors: 0,
    preference: 'balanced',
    maxParallel: 3,
    autoApprove: false,
    pauseReason: null,
    pauseKind: null,
    runMessage: null,
    createdAt: at,
    updatedAt: at,
    lastSeq: 0,
  };
  return state.project;
}

export const projectHandlers: Handlers<
  | 'project-create'
  | 'project-update'
  | 'project-archive'
  | 'project-delete'
  | 'budget-change'
  | 'run-start'
  | 'run-pause'
  | 'run-resume'
  | 'run-stop'
  | 'user-message'
  | 'agent-reply'
  | 'error-report'
> = {
  'project-create': (state, event, changes) => {
    const project = projectRow(state, event.at, changes);
    project.name = event.payload.name;
    project.description = event.payload.description;
    project.template = event.payload.template;
    project.budgetUsd = event.payload.budgetUsd;
    if (event.payload.preference) project.preference = event.payload.preference;
    if (event.payload.maxParallel) project.maxParallel = event.payload.maxParallel;
    if (event.payload.autoApprove !== undefined) project.autoApprove = event.payload.autoApprove;
    project.createdAt = event.at;
  },
  'project-update': (state, event, changes) => {
    const project = projectRow(state, event.at, changes);
    if (event.payload.name !== undefined) project.name = event.payload.name;
    if (event.payload.description !== undefined) project.description = event.payload.description;
  },
  'project-archive': (state, event, changes) => {
    projectRow(state, event.at, changes).status = event.payload.archived ? 'archived' : 'active';
  },
  'project-delete': (state, event, changes) => {
    projectRow(state, event.at, changes).status = 'deleted';
  },
  'budget-change': (state, event, changes) => {
    projectRow(state, event.at, changes).budgetUsd = event.payload.limitUsd;
  },
  'run-start': (state, event, changes) => {
    const project = projectRow(state, event.at, changes);
    project.runStatus = 'running';
    project.currentRunId = event.payload.runId;
    project.pauseReason = null;
    project.pauseKind = null;
    project.runMessage = null;
    state.sessions.set(event.payload.runId, {
      projectId: state.projectId,
      runId: event.payload.runId,
      status: 'running',
      outcome: null,
      pauses: 0,
      tokens: 0,
      tasks: 0,
      limitTokenBase: 0,
      limitTaskBase: 0,
      startedAt: event.at,
      endedAt: null,
    });
    changes.touch('sessions', event.payload.runId);
  },
  'run-pause': (state, event, changes) => {
    const project = projectRow(state, event.at, changes);
    project.runStatus = 'paused';
    project.pauseReason = event.payload.reason;
    project.pauseKind = event.payload.kind ?? 'user';
    const session = state.sessions.get(event.payload.runId);
    if (session) {
      session.status = 'paused';
      session.pauses += 1;
      changes.touch('sessions', session.runId);
    }
  },
  'run-resume': (state, event, changes) => {
    const project = projectRow(state, event.at, changes);
    const session = state.sessions.get(event.payload.runId);
    if (session && project.pauseKind === 'limit') {
      session.limitTokenBase = session.tokens;
      session.limitTaskBase = session.tasks;
    }
    project.runStatus = 'running';
    project.pauseReason = null;
    project.pauseKind = null;
    if (session) {
      session.status = 'running';
      changes.touch('sessions', session.runId);
    }
  },
  'run-stop': (state, event, changes) => {
    const project = projectRow(state, event.at, changes);
    project.runStatus = 'stopped';
    project.pauseReason = null;
    project.pauseKind = null;
    project.runMessage = event.payload.message ?? null;
    project.lastOutcome = runOutcome(event.payload.outcome, state.plan, [...state.tasks.values()]);
    const session = state.sessions.get(event.payload.runId);
    if (session) {
      session.status = 'stopped';
      session.outcome = event.payload.outcome;
      session.endedAt = event.at;
      changes.touch('sessions', session.runId);
    }
  },
  'user-message': (state, event, changes) => {
    projectRow(state, event.at, changes).messages += 1;
  },
  'agent-reply': (state, event, changes) => {
    projectRow(state, event.at, changes).messages += 1;
  },
  'error-report': (state, event, changes) => {
    projectRow(state, event.at, changes).errors += 1;
  },
};
