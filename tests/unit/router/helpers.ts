import type { ModelArm } from '../../../worker/router/catalog.ts';
import type { Router } from '../../../worker/router/router.ts';
import type { RouteDecision } from '../../../worker/router/records.ts';

/** A bare arm: no capability vector, so tier is the only prior. */
export function bareArm(id: string, tier = 'medium', inputPrice = 1, outputPrice = 4, provider = 'acme'): ModelArm {
  return { id, provider, tier, inputPricePerMillion: inputPrice, outputPricePerMillion: outputPrice };
}

export const task = (taskType: string, inputTokens = 2000, outputTokens = 800, attempt = 1) => ({
  taskType,
  features: { inputTokens, outputTokens, language: 'typescript', attempt },
  budgetRemainingUsd: 100,
});

/** Cost and latency exactly as the router expected, so only quality teaches it anything. */
export function asExpected(decision: RouteDecision): { costUsd: number; latencyMs: number } {
  const chosen = decision.candidates.find((candidate) => candidate.armId === decision.armId);
  return { costUsd: chosen?.listCostUsd ?? 0, latencyMs: chosen?.expectedLatencyMs ?? 0 };
}

/** Runs `count` tasks, scoring each chosen arm with `quality(armId)`; returns the choices. */
export function train(
  router: Router,
  count: number,
  quality: (armId: string, decision: RouteDecision) => number,
  context: ReturnType<typeof task> = task('tests'),
): string[] {
  const chosen: string[] = [];
  for (let i = 0; i < count; i++) {
    const decision = router.choose(context);
    const armId = decision.armId as string;
    chosen.push(armId);
    router.observe(decision, { quality: quality(armId, decision), ...asExpected(decision) });
  }
  return chosen;
}

export const share = (choices: readonly string[], armId: string) =>
  choices.filter((id) => id === armId).length / Math.max(1, choices.length);
