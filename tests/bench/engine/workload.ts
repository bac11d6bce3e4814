import type { EventDraft } from '../../../worker/events/catalog.ts';
import type { Role } from '../../../worker/events/schemas/common.ts';

const roles: Role[] = ['code-generator', 'ui-designer', 'test-writer', 'debugger'];
const arms = ['anthropic/claude-sonnet', 'openai/gpt-4o', 'google/gemini-flash'];
const system = { kind: 'system', component: 'orchestrator' } as const;

/**
 * The event mix of a long real run, for the benchmark: 200 tasks worked on in turn,
 * each routed, reserved, started, streaming checkpoints, writing one of 100 files
 * (so files gain versions over time), completing, settled and assessed.
 */
export function simulatedRun(count: number): EventDraft[] {
  const drafts: EventDraft[] = [
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: { name: 'Benchmark project', description: 'A long run.', template: null, budgetUsd: 50 },
    },
  ];
  for (let cycle = 0; drafts.length < count; cycle++) {
    const taskId = `task-${cycle % 200}`;
    const role = roles[cycle % roles.length] ?? 'code-generator';
    const armId = arms[cycle % arms.length] ?? 'openai/gpt-4o';
    const reservationId = `res-${cycle}`;
    const path = `src/module-${cycle % 100}.ts`;
    const hash = (cycle * 2654435761).toString(16).padStart(8, '0').slice(-8).repeat(8);
    drafts.push(
      {
        type: 'task-schedule',
        actor: system,
        payload: { taskId, role, title: `Build part ${cycle % 200}`, dependsOn: [] },
      },
      {
        type: 'route-decide',
        actor: system,
        payload: {
          taskId,
          taskType: role,
          candidates: arms.map((arm, i) => ({ armId: arm, sampled: 0.5 + i / 10, utility: 0.4 + i / 10 })),
          chosen: armId,
          reason: 'highest sampled utility',
        },
      },
      { type: 'cost-reserve', actor: system, payload: { reservationId, taskId, armId, maxUsd: 0.05 } },
      {
        type: 'task-start',
        actor: system,
        payload: { taskId, attempt: 1, provider: armId.split('/')[0] ?? 'openai', model: armId },
      },
    );
    for (let checkpoint = 1; checkpoint <= 12; checkpoint++) {
      drafts.push({
        type: 'task-checkpoint',
        actor: system,
        payload: { taskId, attempt: 1, outputChars: checkpoint * 400, textHash: hash },
      });
    }
    drafts.push(
      {
        type: 'artifact-version',
        actor: { kind: 'agent', role },
        payload: {
          path,
          kind: 'source',
          language: 'typescript',
          contentHash: hash,
          size: 4800,
          provenance: { source: 'ai', taskId, role, model: armId, attempt: 1 },
        },
      },
      {
        type: 'task-complete',
        actor: system,
        payload: { taskId, attempt: 1, inputTokens: 3000, outputTokens: 1200, costUsd: 0.012, durationMs: 9000 },
      },
      {
        type: 'cost-settle',
        actor: system,
        payload: { reservationId, actualUsd: 0.012, inputTokens: 3000, outputTokens: 1200, latencyMs: 9000 },
      },
      {
        type: 'quality-assess',
        actor: { kind: 'agent', role: 'debugger' },
        payload: { subject: { kind: 'task', taskId }, score: 0.8, signals: { valid: 1 }, taskType: role, armId },
      },
    );
  }
  return drafts.slice(0, count);
}
