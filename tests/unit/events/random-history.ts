import type { EventDraft } from '../../../worker/events/catalog.ts';
import type { Role } from '../../../worker/events/schemas/common.ts';

/** A small seeded PRNG (mulberry32), so a failing history can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const roles: Role[] = ['project-manager', 'code-generator', 'ui-designer', 'test-writer', 'debugger'];
const hashes = ['a', 'b', 'c', 'd'].map((c) => c.repeat(64));

/**
 * A random but valid history: any event type in any order, referring to a small pool
 * of tasks, paths, runs, reservations and arms so that events collide and interact.
 */
export function randomHistory(random: () => number, length: number): EventDraft[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const taskId = () => pick(['t1', 't2', 't3', 't4', 't5']);
  const runId = () => pick(['r1', 'r2']);
  const path = () => pick(['src/app.ts', 'index.html', 'README.md']);
  const arm = () => pick(['anthropic/claude', 'openai/gpt', 'google/gemini']);
  const taskType = () => pick(['backend', 'ui', 'tests']);
  const money = () => Math.round(random() * 1000) / 1000;
  const tokens = () => Math.floor(random() * 5000);
  const system = { kind: 'system', component: 'test' } as const;
  const drafts: EventDraft[] = [
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: { name: 'Random', description: 'x', template: null, budgetUsd: 5 },
    },
  ];
  const makers: (() => EventDraft)[] = [
    () => ({ type: 'project-update', actor: { kind: 'user' }, payload: { name: `Name ${Math.floor(random() * 9)}` } }),
    () => ({ type: 'project-archive', actor: { kind: 'user' }, payload: { archived: random() < 0.5 } }),
    () => ({
      type: 'budget-change',
      actor: { kind: 'user' },
      payload: { limitUsd: random() < 0.2 ? null : money() * 10 },
    }),
    () => ({ type: 'run-start', actor: { kind: 'user' }, payload: { runId: runId() } }),
    () => ({ type: 'run-pause', actor: { kind: 'user' }, payload: { runId: runId(), reason: 'paused' } }),
    () => ({ type: 'run-resume', actor: { kind: 'user' }, payload: { runId: runId() } }),
    () => ({
      type: 'run-stop',
      actor: system,
      payload: { runId: runId(), outcome: pick(['completed', 'cancelled', 'emergency', 'failed'] as const) },
    }),
    () => ({
      type: 'user-message',
      actor: { kind: 'user' },
      payload: { messageId: `m${Math.floor(random() * 1e6)}`, text: 'hello' },
    }),
    () => ({ type: 'error-report', actor: system, payload: { kind: 'network', message: 'lost' } }),
    () => ({
      type: 'plan-propose',
      actor: { kind: 'agent', role: 'project-manager' },
      payload: {
        planId: 'p1',
        summary: 'plan',
        complexity: pick(['small', 'medium', 'large'] as const),
        estimate: { tokens: tokens(), costUsd: money() },
        tasks: ['t1', 't2', 't3'].map((id, i) => ({
          id,
          role: pick(roles),
          title: `Task ${id}`,
          instructions: 'do it',
          dependsOn: i === 0 ? [] : ['t1'],
          expectedArtifacts: [],
          acceptance: [],
        })),
      },
    }),
    () => ({ type: 'plan-approve', actor: { kind: 'user' }, payload: { planId: 'p1', auto: random() < 0.5 } }),
    () => ({ type: 'plan-reject', actor: { kind: 'user' }, payload: { planId: 'p1', reason: 'no' } }),
    () => ({
      type: 'agent-reply',
      actor: { kind: 'agent', role: 'project-manager' },
      payload: { messageId: `r${Math.floor(random() * 1e6)}`, inReplyTo: null, text: 'ok' },
    }),
    () => ({ type: 'cost-release', actor: system, payload: { reservationId: pick(['c1', 'c2', 'c3']) } }),
    () => ({
      type: 'task-schedule',
      actor: system,
      payload: { taskId: taskId(), role: pick(roles), title: 'Scheduled', dependsOn: [] },
    }),
    () => ({
      type: 'task-start',
      actor: system,
      payload: { taskId: taskId(), attempt: 1 + Math.floor(random() * 3), provider: 'anthropic', model: 'claude' },
    }),
    () => ({
      type: 'task-checkpoint',
      actor: system,
      payload: { taskId: taskId(), attempt: 1, outputChars: tokens(), textHash: pick(hashes) },
    }),
    () => ({
      type: 'task-complete',
      actor: system,
      payload: {
        taskId: taskId(),
        attempt: 1,
        inputTokens: tokens(),
        outputTokens: tokens(),
        costUsd: money(),
        durationMs: tokens(),
      },
    }),
    () => ({
      type: 'task-fail',
      actor: system,
      payload: { taskId: taskId(), attempt: 1, kind: 'timeout', message: 'slow', retryable: random() < 0.5 },
    }),
    () => ({ type: 'task-interrupt', actor: system, payload: { taskId: taskId(), attempt: 1, reason: 'reload' } }),
    () => ({ type: 'task-cancel', actor: { kind: 'user' }, payload: { taskId: taskId(), reason: 'no' } }),
    () => ({ type: 'task-retry', actor: { kind: 'user' }, payload: { taskId: taskId(), reason: 'again' } }),
    () => ({
      type: 'route-decide',
      actor: system,
      payload: {
        taskId: taskId(),
        taskType: taskType(),
        candidates: [{ armId: arm(), sampled: random(), utility: random() }],
        chosen: arm(),
        reason: 'best',
      },
    }),
    () => ({
      type: 'cost-reserve',
      actor: system,
      payload: { reservationId: pick(['c1', 'c2', 'c3']), taskId: taskId(), armId: arm(), maxUsd: money() },
    }),
    () => ({
      type: 'cost-settle',
      actor: system,
      payload: {
        reservationId: pick(['c1', 'c2', 'c3', 'c4']),
        actualUsd: money(),
        inputTokens: tokens(),
        outputTokens: tokens(),
        latencyMs: tokens(),
      },
    }),
    () => ({ type: 'cost-violate', actor: system, payload: { limitUsd: 1, attemptedUsd: 2, message: 'over' } }),
    () => ({
      type: pick(['artifact-create', 'artifact-version'] as const),
      actor: { kind: 'agent', role: pick(roles) },
      payload: {
        path: path(),
        kind: 'source',
        language: 'typescript',
        contentHash: pick(hashes),
        size: tokens(),
        provenance: { source: 'ai', taskId: taskId() },
      },
    }),
    () => ({
      type: 'artifact-delete',
      actor: { kind: 'agent', role: pick(roles) },
      payload: { path: path(), reason: 'not needed', provenance: { source: 'ai', taskId: taskId() } },
    }),
    () => ({
      type: 'artifact-validate',
      actor: system,
      payload: { path: path(), version: 1 + Math.floor(random() * 3), status: 'valid', issues: [] },
    }),
    () => ({
      type: 'quality-assess',
      actor: { kind: 'agent', role: 'debugger' },
      payload:
        random() < 0.5
          ? {
              subject: { kind: 'task', taskId: taskId() },
              score: random(),
              signals: { tests: random() },
              taskType: taskType(),
              armId: arm(),
            }
          : {
              subject: { kind: 'artifact', path: path(), version: 1 + Math.floor(random() * 2) },
              score: random(),
              signals: {},
            },
    }),
  ];
  while (drafts.length < length) drafts.push(pick(makers)());
  return drafts;
}
