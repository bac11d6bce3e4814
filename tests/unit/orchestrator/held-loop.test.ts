/**
 * A held run loop starts nothing and writes nothing, even when the hold begins while a
 * tick is awaiting the state: a runner closed (the tab lost the lock, the project is
 * being deleted), halted (a full disk), or writing an emergency stop must not launch a
 * task, end the run or pause it from a state it read before. The tick's state read is
 * held open by the test (no timing: the hold is applied while the read is provably
 * pending), then let go.
 */
import { describe, expect, test } from 'vitest';
import type { EventDraft } from '../../../worker/events/catalog.ts';
import { MemoryEventLog } from '../../../worker/events/store/memory-store.ts';
import { defaultLimits } from '../../../worker/orchestrator/limits.ts';
import { ModelChooser } from '../../../worker/orchestrator/model-choice.ts';
import { OutputBus } from '../../../worker/orchestrator/output-bus.ts';
import { pauseRun } from '../../../worker/orchestrator/run-controls.ts';
import type { RunContext } from '../../../worker/orchestrator/run-context.ts';
import { RunLoop } from '../../../worker/orchestrator/run-loop.ts';
import { createTemplateAdapter } from '../../../worker/providers/template/template-adapter.ts';
import { oneTaskPlan } from './one-task-plan.ts';

const projectId = 'held';
const system = { kind: 'system', component: 'orchestrator' } as const;

/** A running run whose one task is ready, finished (cancelled), or failed for good (stalled). */
const scenarios: Record<'ready' | 'finished' | 'stalled', EventDraft[]> = {
  ready: [],
  finished: [{ type: 'task-cancel', actor: { kind: 'user' }, payload: { taskId: 'only', reason: 'Not needed.' } }],
  stalled: [
    { type: 'task-start', actor: system, payload: { taskId: 'only', attempt: 1, provider: 'openai', model: 'gpt-5' } },
    {
      type: 'task-fail',
      actor: system,
      payload: { taskId: 'only', attempt: 1, kind: 'bad_request', message: 'Refused.', retryable: false },
    },
  ],
};

async function runningProject(store: MemoryEventLog, scenario: keyof typeof scenarios) {
  await store.append(projectId, [...oneTaskPlan('Held'), ...scenarios[scenario]]);
}

/** A loop over the in-memory log whose first state read waits until `release`. */
function heldTick(store: MemoryEventLog) {
  let reached: () => void = () => undefined;
  let release: () => void = () => undefined;
  const gate = {
    reached: new Promise<void>((resolve) => (reached = resolve)),
    released: new Promise<void>((resolve) => (release = resolve)),
  };
  let first = true;
  const launched: string[] = [];
  const reports: unknown[] = [];
  const ctx: RunContext = {
    projectId,
    deps: {
      store,
      bus: new OutputBus(50),
      chooser: new ModelChooser(),
      limits: defaultLimits,
      readiness: () => Promise.resolve([]),
      adapter: () => Promise.reject(new Error('No model provider in this test.')),
      template: () => createTemplateAdapter({ delayMs: 0 }),
    },
    state: async () => {
      const state = await store.load(projectId);
      if (first) {
        first = false;
        reached();
        await gate.released;
      }
      return state;
    },
    append: (events, blobs) => store.append(projectId, events, blobs ? { blobs } : {}),
    pause: (kind, reason, also) => pauseRun(ctx, kind, reason, also ?? []),
    report: (error) => {
      reports.push(error);
      return Promise.resolve();
    },
  };
  const loop = new RunLoop(ctx, (taskId) => {
    launched.push(taskId);
    return Promise.resolve();
  });
  return { loop, launched, reports, reached: gate.reached, release };
}

const holds: Record<
  'closed' | 'halted' | 'held for an emergency stop',
  (loop: RunLoop, release: () => void) => Promise<void>
> = {
  closed: async (loop, release) => {
    loop.closed = true;
    release();
    await loop.idle();
  },
  halted: async (loop, release) => {
    loop.halted = true;
    release();
    await loop.idle();
  },
  // The stop's own writing is the test's: the loop must add nothing while it is held.
  'held for an emergency stop': (loop, release) =>
    loop.holding(async () => {
      release();
      await loop.idle();
    }),
};

describe.each(Object.keys(holds) as (keyof typeof holds)[])('a loop %s while its tick reads the state', (hold) => {
  test.each(Object.keys(scenarios) as (keyof typeof scenarios)[])(
    'with a run whose task is %s: nothing launched, nothing written',
    async (scenario) => {
      const store = new MemoryEventLog();
      await runningProject(store, scenario);
      const before = (await store.read(projectId)).length;
      const { loop, launched, reports, reached, release } = heldTick(store);

      loop.pump();
      await reached;
      await holds[hold](loop, release);

      expect(launched).toEqual([]);
      expect((await store.read(projectId)).slice(before).map((event) => event.type)).toEqual([]);
      expect(reports).toEqual([]);
    },
  );
});

test('the same loop, not held, does each of those things (so the test above can fail)', async () => {
  const did: string[] = [];
  for (const scenario of Object.keys(scenarios) as (keyof typeof scenarios)[]) {
    const store = new MemoryEventLog();
    await runningProject(store, scenario);
    const before = (await store.read(projectId)).length;
    const { loop, launched, release } = heldTick(store);
    loop.pump();
    release();
    await loop.idle();
    const written = (await store.read(projectId)).slice(before).map((event) => event.type);
    did.push(`${scenario}: ${[...launched.map((taskId) => `launch ${taskId}`), ...written].join(', ')}`);
  }
  expect(did).toEqual(['ready: launch only', 'finished: run-stop', 'stalled: run-pause']);
});
