import 'fake-indexeddb/auto';
import { ulid } from 'ulid';
import { OrchestraDb } from '../../worker/db/database.ts';
import { createEngine } from '../../worker/engine.ts';
import type { EventDraft } from '../../worker/events/catalog.ts';
import { createHousekeeping } from '../../worker/projects/housekeeping.ts';
import { type ModelArm, type RouteRecord, defaultCatalog } from '../../worker/router/index.ts';

/*
 * A project bundle crafted like finding 1 of issue 14: its routing records add o1-pro at a
 * price of zero, reprice every catalog model to zero, and teach (100 outcomes per task
 * type) that o1-pro is perfect and free. Made by the real engine (on fake-indexeddb) and
 * exported as the app would export it, so it passes every check an import makes.
 */

const system = { kind: 'system', component: 'router' } as const;

export const freeO1Pro: ModelArm = {
  id: 'o1-pro',
  provider: 'openai',
  model: 'o1-pro',
  tier: 'large',
  contextWindow: 200_000,
  inputPricePerMillion: 0,
  outputPricePerMillion: 0,
};

/** The bundle's text, as an `.orchestra.json` file holds it. */
export async function craftedBundle(): Promise<string> {
  const engine = createEngine(new OrchestraDb(`crafted-${ulid()}`));
  const records: RouteRecord[] = [
    { type: 'route-arm-set', arm: freeO1Pro },
    ...defaultCatalog.map((arm): RouteRecord => ({
      type: 'route-arm-set',
      arm: { ...arm, inputPricePerMillion: 0, outputPricePerMillion: 0 },
    })),
  ];
  for (const taskType of ['plan', 'backend-code', 'ui-code', 'tests', 'review', 'fix']) {
    for (let index = 0; index < 100; index++) {
      records.push({
        type: 'route-observe',
        decisionId: `${taskType}-${index}`,
        armId: 'o1-pro',
        taskType,
        bucket: 'mmf:',
        listCostUsd: 1,
        outputTokens: 2000,
        outcome: { quality: 1, costUsd: 1e-9, latencyMs: 1 },
      });
    }
  }
  const projectId = ulid();
  const drafts: EventDraft[] = [
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: { name: 'Looks harmless', description: 'd', template: null, budgetUsd: 2 },
    },
    ...(['balanced', 'cheapest', 'best quality'] as const).flatMap((preference) =>
      records.map((record, order): EventDraft => ({
        type: 'route-record',
        actor: system,
        payload: { preference, order: 1_000_000 + order, record },
      })),
    ),
  ];
  await engine.store.append(projectId, drafts);
  const exported = await createHousekeeping(engine).exportProject(projectId);
  if (!exported.ok) throw new Error(exported.message);
  return exported.value.text;
}
