/**
 * After an emergency stop the runner's live cost governor says what a governor rebuilt
 * from the log says: the same spend, nothing reserved. Two ways it did not:
 * - the Project Manager's answer to a message was no call of the loop, so the stop did
 *   not abort it and gave its reservation back in the log while the call went on, held
 *   in the governor (and billed);
 * - a reservation whose call's closing was never written (a failed write) was given back
 *   in the log, while the governor had settled it: the log said less was spent.
 * Each test compares the two governors right after the stop; both failed before.
 */
import { expect, test } from 'vitest';
import { createCostGovernor } from '../../../worker/budget/index.ts';
import type { EventDraft } from '../../../worker/events/catalog.ts';
import type { EventLog } from '../../../worker/events/store/contract.ts';
import { Orchestrator } from '../../../worker/orchestrator/orchestrator.ts';
import type { ProjectRunner } from '../../../worker/orchestrator/runner.ts';
import type { ProviderAdapter } from '../../../worker/providers/contract/provider-adapter.ts';
import { ProviderError } from '../../../worker/providers/contract/provider-error.ts';
import type { ProviderRequest } from '../../../worker/providers/contract/provider-request.ts';
import { memoryOrchestratorDeps } from './memory-orchestrator.ts';
import { oneTaskPlan } from './one-task-plan.ts';
import { scriptedProviders } from './scripted-provider.ts';

const projectId = 'governed';
const usage = { inputTokens: 2_000, outputTokens: 300, cachedInputTokens: 0, estimated: false };

/** A paused run with an approved plan, and a message to the team waiting for its answer. */
const history: EventDraft[] = [
  ...oneTaskPlan('Governed'),
  { type: 'run-pause', actor: { kind: 'user' }, payload: { runId: 'r1', reason: 'Paused by you.', kind: 'user' } },
  { type: 'user-message', actor: { kind: 'user' }, payload: { messageId: 'm1', text: 'Add a README, please.' } },
];

const isChat = (request: ProviderRequest) => request.responseFormat?.name === 'orchestra_chat_reply';

/** The live governor of the runner, and one made from the project's row as a reload would. */
async function governors(runner: ProjectRunner, store: EventLog) {
  const live = (await runner.callDeps()).governor.status();
  const project = (await store.load(projectId)).project;
  const rebuilt = createCostGovernor({ budgetUsd: project?.budgetUsd ?? 0, spentUsd: project?.spentUsd ?? 0 }).status();
  return {
    live: { spent: live.spentUsd, reserved: live.reservedUsd, available: live.availableUsd },
    log: { spent: rebuilt.spentUsd, reserved: project?.reservedUsd ?? 0, available: rebuilt.availableUsd },
  };
}

function expectAgree({ live, log }: Awaited<ReturnType<typeof governors>>) {
  expect(live.reserved).toBeCloseTo(log.reserved, 12);
  expect(live.spent).toBeCloseTo(log.spent, 12);
  expect(live.available).toBeCloseTo(log.available, 12);
}

async function orchestrated(adapter: ProviderAdapter, wrapStore?: (store: EventLog) => EventLog) {
  const deps = memoryOrchestratorDeps();
  await deps.store.append(projectId, history);
  const store = wrapStore ? wrapStore(deps.store) : deps.store;
  const orchestrator = new Orchestrator(
    { ...deps, store },
    { providers: () => Promise.resolve(scriptedProviders(adapter)), templateDelayMs: 0 },
  );
  return { orchestrator, store, runner: await orchestrator.runner(projectId) };
}

test('an emergency stop while the Project Manager answers aborts that call too, and the governor agrees with the log', async () => {
  let called: () => void = () => undefined;
  const calling = new Promise<void>((resolve) => (called = resolve));
  const aborted: unknown[] = [];
  // The answer's call is on the wire (its reservation written) until it is aborted; the
  // provider took it, so it bills the input.
  const adapter: ProviderAdapter = {
    provider: 'openai',
    async *stream(request, signal) {
      if (!isChat(request)) throw new Error('Only the chat is called in this test.');
      called();
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      aborted.push(signal.reason);
      yield { type: 'usage', usage: { ...usage, outputTokens: 0, estimated: true } };
      yield { type: 'error', error: new ProviderError({ provider: 'openai', kind: 'cancelled' }) };
    },
  };
  const { orchestrator, store, runner } = await orchestrated(adapter);
  const answering = orchestrator.answer(projectId, 'm1');
  await calling;
  expect((await store.load(projectId)).project?.reservedUsd).toBeGreaterThan(0);

  await runner.emergencyStop();
  expectAgree(await governors(runner, store));
  expect(aborted).toEqual(['emergency']);
  const state = await store.load(projectId);
  expect(state.project?.runStatus).toBe('stopped');
  expect(state.project?.spentUsd).toBeGreaterThan(0);
  await answering;
  await orchestrator.detach(projectId);
});

test('a reservation whose closing was never written is charged by the stop, and the governor is made again from the log', async () => {
  const adapter: ProviderAdapter = {
    provider: 'openai',
    // eslint-disable-next-line @typescript-eslint/require-await
    async *stream(request) {
      if (!isChat(request)) throw new Error('Only the chat is called in this test.');
      yield {
        type: 'text-delta',
        text: JSON.stringify({ reply: 'Noted.', changes: { add: [], update: [], cancel: [] } }),
      };
      yield { type: 'usage', usage };
      yield { type: 'finish', reason: 'stop' };
    },
  };
  // The write of the answer (its reply and its settlement) fails once: the reservation
  // stays open in the log, though the governor settled the call.
  let failed = false;
  const failReply = (store: EventLog): EventLog =>
    new Proxy(store, {
      get(target, property) {
        if (property === 'append') {
          return (id: string, drafts: EventDraft[], options?: Parameters<EventLog['append']>[2]) => {
            if (!failed && drafts.some((draft) => draft.type === 'agent-reply')) {
              failed = true;
              return Promise.reject(new Error('The disk hiccupped.'));
            }
            return target.append(id, drafts, options);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  const { orchestrator, store, runner } = await orchestrated(adapter, failReply);
  await expect(orchestrator.answer(projectId, 'm1')).rejects.toThrow('The disk hiccupped.');
  expect(failed).toBe(true);
  expect((await store.load(projectId)).project?.reservedUsd).toBeGreaterThan(0);

  await runner.emergencyStop();
  const state = await store.load(projectId);
  expect(state.project?.reservedUsd).toBe(0);
  // Charged at its estimate (its request went out), not given back.
  expect(state.project?.estimatedUsd).toBeGreaterThan(0);
  expectAgree(await governors(runner, store));
  await orchestrator.detach(projectId);
});
