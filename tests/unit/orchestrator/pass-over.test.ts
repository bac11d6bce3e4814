import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { agentRoles } from '../../../worker/agents/index.ts';
import { createCostGovernor } from '../../../worker/budget/index.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { EventStore } from '../../../worker/events/event-store.ts';
import { defaultLimits } from '../../../worker/orchestrator/limits.ts';
import { ModelChooser } from '../../../worker/orchestrator/model-choice.ts';
import { OutputBus } from '../../../worker/orchestrator/output-bus.ts';
import { type TaskRunnerDeps, runTaskAttempt } from '../../../worker/orchestrator/task-runner.ts';
import { createTemplateAdapter } from '../../../worker/providers/template/template-adapter.ts';
import { defaultCatalog, mulberry32 } from '../../../worker/router/index.ts';
import { files } from '../../sim/team-answers.ts';
import { scriptedAdapter } from './scripted-provider.ts';

const projectId = '01HZY3W4D9Q8Y6X7V5T3S1R0PC';

/**
 * A chooser that always wants the dearest model first (as a "best quality" router may):
 * the task runner must pass over each one whose worst case does not fit the budget left.
 */
function dearestFirst(real: ModelChooser): ModelChooser {
  const order = ['gpt-5', 'gpt-5-mini', 'gpt-5-nano'];
  const chooser = Object.create(real) as ModelChooser;
  chooser.choose = (request, _readiness, passedOver) => {
    const next = order.find((id) => !passedOver?.has(id));
    const arm = defaultCatalog.find((entry) => entry.id === next);
    if (!arm) return { ok: false, budget: true, message: 'Budget reached — raise it or stop.', records: [] };
    const decision = real.router(request.preference).choose({
      taskType: request.taskType,
      features: { inputTokens: request.inputTokens, outputTokens: request.outputTokens },
      budgetRemainingUsd: 1e9,
      candidates: [arm.id],
    });
    return {
      ok: true,
      choice: {
        provider: 'openai',
        model: arm.id,
        armId: arm.id,
        inputPricePerMillion: arm.inputPricePerMillion,
        outputPricePerMillion: arm.outputPricePerMillion,
        contextWindow: arm.contextWindow ?? 128_000,
        decision,
      },
      records: [],
    };
  };
  return chooser;
}

async function setUp(budgetUsd: number) {
  const store = new EventStore(new OrchestraDb(`pass-over-${budgetUsd}-${Date.now()}`));
  const planned = {
    id: 'api',
    role: 'code-generator' as const,
    title: 'Notes module',
    instructions: 'Write notes.py.',
    dependsOn: [],
    expectedArtifacts: ['notes.py'],
    acceptance: [],
  };
  await store.append(projectId, [
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: { name: 'Frugal', description: 'Notes.', template: null, budgetUsd },
    },
    { type: 'run-start', actor: { kind: 'user' }, payload: { runId: 'r1' } },
    {
      type: 'plan-propose',
      actor: { kind: 'agent', role: 'project-manager' },
      payload: { planId: 'p1', summary: 'One task', complexity: 'small', estimate: null, tasks: [planned] },
    },
    { type: 'plan-approve', actor: { kind: 'user' }, payload: { planId: 'p1', auto: false } },
  ]);
  const asked: string[] = [];
  const adapter = scriptedAdapter(
    (request) => {
      asked.push(request.model);
      return files.api();
    },
    { seed: 1, maxDelayMs: 0 },
  );
  const deps: TaskRunnerDeps = {
    store,
    projectId,
    bus: new OutputBus(),
    chooser: dearestFirst(new ModelChooser({ random: mulberry32(5) })),
    governor: createCostGovernor({ budgetUsd }),
    limits: defaultLimits,
    readiness: () => Promise.resolve([{ provider: 'openai', ready: true, detail: 'Scripted.' }]),
    adapter: () => Promise.resolve(adapter),
    template: () => createTemplateAdapter(),
    newId: (() => {
      let n = 0;
      return () => `cost-${++n}`;
    })(),
  };
  const state = await store.load(projectId);
  const task = state.tasks.get('api');
  if (!task) throw new Error('no task');
  return { deps, state, task, asked };
}

test('a model whose worst case does not fit what is left of the budget is passed over for the next that does', async () => {
  // The Code Generator may write 16,000 tokens: on gpt-5 ($10/M) or gpt-5-mini ($2/M) that is
  // more than $0.02; on gpt-5-nano ($0.40/M) it fits.
  const { deps, state, task, asked } = await setUp(0.02);
  const outcome = await runTaskAttempt(deps, state, task, agentRoles['code-generator'], {
    signal: new AbortController().signal,
    findings: [],
    template: null,
  });
  expect(outcome.kind).toBe('answered');
  expect(asked).toEqual(['gpt-5-nano']);
  expect(deps.governor.status().spentUsd).toBeLessThanOrEqual(0.02);
});

test('when no model fits, the attempt stops for the budget before any call', async () => {
  const { deps, state, task, asked } = await setUp(0.001);
  const outcome = await runTaskAttempt(deps, state, task, agentRoles['code-generator'], {
    signal: new AbortController().signal,
    findings: [],
    template: null,
  });
  expect(outcome).toMatchObject({ kind: 'budget' });
  expect(outcome.kind === 'budget' && outcome.message).toMatch(/^Budget reached — raise it or stop/);
  expect(asked).toEqual([]);
});
