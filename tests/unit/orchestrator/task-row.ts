import type { TaskRow } from '../../../worker/events/projections/rows.ts';

/** A task row as a fresh `task-schedule` leaves it, with `overrides` on top. */
export function taskRowOf(overrides: Partial<TaskRow> = {}): TaskRow {
  return {
    projectId: 'p',
    taskId: 't',
    role: null,
    title: 'A task',
    dependsOn: [],
    instructions: '',
    expectedArtifacts: [],
    acceptance: [],
    kind: 'build',
    round: 1,
    order: 0,
    status: 'scheduled',
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
    ...overrides,
  };
}
