import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { chatReplySchema, projectManagerChat } from '../../../worker/agents/index.ts';
import { createCostGovernor, measure } from '../../../worker/budget/index.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import type { OrchestraEvent } from '../../../worker/events/catalog.ts';
import { EventStore } from '../../../worker/events/event-store.ts';
import { answerMessage } from '../../../worker/orchestrator/chat.ts';
import { defaultLimits } from '../../../worker/orchestrator/limits.ts';
import { ModelChooser } from '../../../worker/orchestrator/model-choice.ts';
import { OutputBus } from '../../../worker/orchestrator/output-bus.ts';
import { sentUtf8Bytes } from '../../../worker/orchestrator/calls/metered-call.ts';
import type { TaskRunnerDeps } from '../../../worker/orchestrator/task-runner.ts';
import type { ProviderAdapter } from '../../../worker/providers/contract/provider-adapter.ts';
import type { ProviderRequest } from '../../../worker/providers/contract/provider-request.ts';
import { cachePrices } from '../../../worker/providers/catalog.ts';
import { createTemplateAdapter } from '../../../worker/providers/template/template-adapter.ts';
import { defaultCatalog, mulberry32 } from '../../../worker/router/index.ts';

const projectId = '01HZY3W4D9Q8Y6X7V5T3S1R0CH';

/** A chat answer whose usage is `outputTokens`: past the output limit, the bill passes the reservation. */
function chatAdapter(outputTokens: number, sent: ProviderRequest[]): ProviderAdapter {
  return {
    provider: 'openai',
    // eslint-disable-next-line @typescript-eslint/require-await
    async *stream(request) {
      sent.push(request);
      yield {
        type: 'text-delta',
        text: JSON.stringify(chatReplySchema.parse({ reply: 'Noted.', changes: { add: [], update: [], cancel: [] } })),
      };
      yield { type: 'usage', usage: { inputTokens: 900, outputTokens, cachedInputTokens: 0, estimated: false } };
      yield { type: 'finish', reason: 'stop' };
    },
  };
}

async function chat(outputTokens: number) {
  const store = new EventStore(new OrchestraDb(`chat-metered-${outputTokens}-${Date.now()}`));
  await store.append(projectId, [
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: { name: 'Chatty', description: 'Notes.', template: null, budgetUsd: 5 },
    },
    {
      type: 'plan-propose',
      actor: { kind: 'agent', role: 'project-manager' },
      payload: { planId: 'p1', summary: 'Nothing yet', complexity: 'small', estimate: null, tasks: [] },
    },
  ]);
  const sent: ProviderRequest[] = [];
  const adapter = chatAdapter(outputTokens, sent);
  let n = 0;
  const deps: TaskRunnerDeps = {
    store,
    projectId,
    bus: new OutputBus(),
    chooser: new ModelChooser({ random: mulberry32(9) }),
    governor: createCostGovernor({ budgetUsd: 5 }),
    limits: defaultLimits,
    readiness: () => Promise.resolve([{ provider: 'openai', ready: true, detail: 'Scripted.' }]),
    adapter: () => Promise.resolve(adapter),
    template: () => createTemplateAdapter(),
    newId: () => `cost-${++n}`,
  };
  const state = await store.load(projectId);
  const returned = await answerMessage(deps, state, [{ from: 'user', text: 'Hello' }], 'm1', () => `id-${++n}`);
  await store.append(projectId, returned);
  return { events: await store.read(projectId), sent, returned };
}

const ofType = <T extends OrchestraEvent['type']>(events: readonly OrchestraEvent[], type: T) =>
  events.filter((event): event is Extract<OrchestraEvent, { type: T }> => event.type === type);

test("the Project Manager's chat reserves the same worst case as a task's call, response format included", async () => {
  const { events, sent } = await chat(20);
  const [reserve] = ofType(events, 'cost-reserve');
  const [request] = sent;
  if (!reserve || !request) throw new Error('no call was made');
  const arm = defaultCatalog.find((entry) => entry.id === reserve.payload.armId);
  if (!arm) throw new Error(`unknown arm ${reserve.payload.armId}`);
  const cache = cachePrices('openai', arm.model ?? arm.id, arm.inputPricePerMillion);
  const expected = createCostGovernor({ budgetUsd: 100 }).reserve({
    armId: arm.id,
    inputPricePerMillion: arm.inputPricePerMillion,
    outputPricePerMillion: arm.outputPricePerMillion,
    cachedInputPricePerMillion: cache.cachedInput,
    cacheWritePricePerMillion: cache.cacheWrite,
    input: {
      utf8Bytes: sentUtf8Bytes(
        request.system ?? '',
        request.messages.map((message) => measure(message.content)),
        projectManagerChat.responseFormat,
      ),
    },
    maxOutputTokens: projectManagerChat.maxOutputTokens,
  });
  if (!expected.ok) throw new Error(expected.message);
  expect(reserve.payload.maxUsd).toBeCloseTo(expected.reservation.amountUsd, 12);
});

test('a chat call that costs more than was set aside for it is recorded as a violation', async () => {
  const { events } = await chat(10_000_000);
  const [settle] = ofType(events, 'cost-settle');
  expect(settle).toBeDefined();
  expect(ofType(events, 'cost-violate').map((event) => event.payload.reservationId)).toContain(
    settle?.payload.reservationId,
  );
});

test('the router hears what a chat call really cost', async () => {
  const { events } = await chat(20);
  const [settle] = ofType(events, 'cost-settle');
  const observed = ofType(events, 'route-record').flatMap((event) =>
    event.payload.record.type === 'route-observe' ? [event.payload.record.outcome.costUsd] : [],
  );
  expect(settle?.payload.actualUsd).toBeGreaterThan(0);
  expect(observed).toEqual([settle?.payload.actualUsd]);
});
