import type { Handlers } from './handler.ts';
import { type Changes, type ProjectState, joinKey } from './project-state.ts';
import { artifactVersion } from './reduce-artifacts.ts';
import { currentSession, projectRow } from './reduce-project.ts';
import { agentRow, taskRow } from './reduce-tasks.ts';
import type { BanditArmRow, RouterPerformanceRow } from './rows.ts';

function banditArm(state: ProjectState, taskType: string, armId: string, changes: Changes): BanditArmRow {
  const key = joinKey(taskType, armId);
  changes.touch('banditArms', key);
  let arm = state.banditArms.get(key);
  if (!arm) {
    // Beta(1, 1): no opinion yet.
    arm = { projectId: state.projectId, taskType, armId, decisions: 0, alpha: 1, beta: 1 };
    state.banditArms.set(key, arm);
  }
  return arm;
}

function routerRow(state: ProjectState, armId: string, taskType: string, changes: Changes): RouterPerformanceRow {
  const key = joinKey(armId, taskType);
  changes.touch('routerPerformance', key);
  let row = state.routerPerformance.get(key);
  if (!row) {
    row = {
      projectId: state.projectId,
      armId,
      taskType,
      decisions: 0,
      settled: 0,
      costUsd: 0,
      latencyMsSum: 0,
      qualitySum: 0,
      qualityCount: 0,
    };
    state.routerPerformance.set(key, row);
  }
  return row;
}

/** Sum of what open reservations may still cost. */
function reservedUsd(state: ProjectState): number {
  let total = 0;
  for (const cost of state.costs.values()) total += cost.maxUsd;
  return total;
}

export const routingHandlers: Handlers<
  | 'route-decide'
  | 'route-record'
  | 'breaker-change'
  | 'call-retry'
  | 'cost-reserve'
  | 'cost-settle'
  | 'cost-release'
  | 'cost-violate'
  | 'quality-assess'
> = {
  'route-decide': (state, event, changes) => {
    const { taskId, taskType, chosen } = event.payload;
    taskRow(state, taskId, changes).taskType = taskType;
    banditArm(state, taskType, chosen, changes).decisions += 1;
    routerRow(state, chosen, taskType, changes).decisions += 1;
  },
  // The router's own state is a fold across projects (see orchestrator/model-choice.ts);
  // a project's read models take what they need from route-decide and quality-assess.
  'route-record': () => undefined,
  // What a provider went through: told in the feed, no row of its own.
  'breaker-change': () => undefined,
  // Told in the feed; a billed retry is one more input an interrupted call is charged for.
  'call-retry': (state, event, changes) => {
    const { billed, reservationId } = event.payload;
    const cost = billed && reservationId ? state.costs.get(reservationId) : undefined;
    if (!cost || cost.status !== 'reserved') return;
    cost.billedRetries = (cost.billedRetries ?? 0) + 1;
    changes.touch('costs', cost.reservationId);
  },
  'cost-reserve': (state, event, changes) => {
    const { reservationId, taskId, armId, maxUsd, basis } = event.payload;
    state.costs.set(reservationId, {
      projectId: state.projectId,
      reservationId,
      taskId: taskId ?? null,
      armId,
      maxUsd,
      status: 'reserved',
      actualUsd: null,
      inputTokens: 0,
      outputTokens: 0,
      latencyMs: null,
      ...(basis ? { basis: { ...basis } } : {}),
    });
    changes.touch('costs', reservationId);
    projectRow(state, event.at, changes).reservedUsd = reservedUsd(state);
  },
  'cost-settle': (state, event, changes) => {
    const cost = state.costs.get(event.payload.reservationId);
    const project = projectRow(state, event.at, changes);
    project.spentUsd += event.payload.actualUsd;
    if (event.payload.cachedInputTokens) {
      project.cachedInputTokens = (project.cachedInputTokens ?? 0) + event.payload.cachedInputTokens;
      project.cacheSavedUsd = (project.cacheSavedUsd ?? 0) + (event.payload.cacheSavedUsd ?? 0);
    }
    if (event.payload.estimated) project.estimatedUsd = (project.estimatedUsd ?? 0) + event.payload.actualUsd;
    const session = currentSession(state, changes);
    if (session) session.tokens += event.payload.inputTokens + event.payload.outputTokens;
    if (!cost) return;
    cost.status = 'settled';
    if (event.payload.estimated) cost.estimated = true;
    cost.actualUsd = event.payload.actualUsd;
    cost.inputTokens = event.payload.inputTokens;
    cost.outputTokens = event.payload.outputTokens;
    cost.latencyMs = event.payload.latencyMs;
    // Settled, the row only matters to its table: keep memory to what can still change.
    state.costs.delete(cost.reservationId);
    changes.retire('costs', cost.reservationId, cost);
    project.reservedUsd = reservedUsd(state);
    const taskType = (cost.taskId ? state.tasks.get(cost.taskId)?.taskType : null) ?? 'unknown';
    const row = routerRow(state, cost.armId, taskType, changes);
    row.settled += 1;
    row.costUsd += event.payload.actualUsd;
    row.latencyMsSum += event.payload.latencyMs;
  },
  'cost-release': (state, event, changes) => {
    const cost = state.costs.get(event.payload.reservationId);
    if (!cost) return;
    // Given back unused: nothing was spent, and the row leaves memory like a settled one.
    cost.status = 'released';
    cost.actualUsd = 0;
    state.costs.delete(cost.reservationId);
    changes.retire('costs', cost.reservationId, cost);
    projectRow(state, event.at, changes).reservedUsd = reservedUsd(state);
  },
  'cost-violate': (state, event, changes) => {
    projectRow(state, event.at, changes).errors += 1;
  },
  'quality-assess': (state, event, changes) => {
    const { subject, score, signals, taskType, armId } = event.payload;
    const subjectId = subject.kind === 'task' ? subject.taskId : joinKey(subject.path, String(subject.version));
    const key = joinKey(subject.kind, subjectId);
    const previous = state.qualityMetrics.get(key);
    state.qualityMetrics.set(key, {
      projectId: state.projectId,
      subjectKind: subject.kind,
      subjectId,
      score,
      signals: { ...signals },
      assessments: (previous?.assessments ?? 0) + 1,
      at: event.at,
    });
    changes.touch('qualityMetrics', key);
    if (subject.kind === 'task') {
      const task = taskRow(state, subject.taskId, changes);
      task.quality = score;
      if (task.role) {
        const agent = agentRow(state, task.role, changes);
        agent.qualitySum += score;
        agent.qualityCount += 1;
      }
    } else {
      const version = artifactVersion(state, subject.path, subject.version, changes);
      if (version) version.quality = score;
    }
    if (taskType && armId) {
      // A fractional Beta update: a score of 0.8 counts as 0.8 of a success.
      const arm = banditArm(state, taskType, armId, changes);
      arm.alpha += score;
      arm.beta += 1 - score;
      const row = routerRow(state, armId, taskType, changes);
      row.qualitySum += score;
      row.qualityCount += 1;
    }
  },
};
