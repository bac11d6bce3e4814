/**
 * Every call that went out is paid for in the log (issue 19): over random interruption
 * points — a tab killed while calls stream, its successor taking over from the log — the
 * sum the log charges is never below what the simulator billed for the calls it received
 * (the input of each, and the output it streamed before the cut). Every builder's first
 * request is cut before any text, so each of its calls is retried within one reservation:
 * both attempts are billed, and both must be charged, live or on recovery.
 *
 * Runs `CHARGE_PROPERTY_RUNS` runs (3 by default: each is a whole run of the team,
 * killed once or twice, a few seconds each).
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { OrchestraEvent } from '../../../worker/events/catalog.ts';
import { cachePrices } from '../../../worker/providers/catalog.ts';
import { defaultCatalog } from '../../../worker/router/catalog.ts';
import { scriptTeam } from '../../sim/agent-script.ts';
import type { RecordedRequest } from '../../sim/simulator.ts';
import { type SimBill, type Simulator, startSimulator } from '../../sim/simulator.ts';
import { builderAnswer, files, passingReview, teamPlan } from '../../sim/team-answers.ts';
import { summary, waitFor } from '../orchestrator/helpers.ts';
import { MemoryLocks } from '../events/memory-locks.ts';
import { type Tab, openTab } from './tabs.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ promptCache: true });
  const pace = { firstTokenMs: 20, tokensPerSecond: 250 };
  // The first time a prompt is sent, the simulator takes it and cuts the stream before any
  // text (billed for the input): the call is retried. The same prompt again is answered.
  const seen = new Set<string>();
  const firstCut = (request: RecordedRequest) => {
    const key = JSON.stringify(request.body);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  scriptTeam(sim, 'openai', {
    'project-manager': { kind: 'json', value: teamPlan, ...pace },
    'code-generator': (request) =>
      firstCut(request) ? { kind: 'truncated', text: '' } : { ...builderAnswer(request), ...pace },
    'ui-designer': { kind: 'json', value: files.ui, ...pace },
    'test-writer': { kind: 'json', value: files.tests, ...pace },
    debugger: { kind: 'json', value: passingReview, ...pace },
  });
});
afterAll(() => sim.close());

// Checkpoints every 200 characters: what an interrupted call is charged for its output
// rests on them, and the allowance for text not yet checkpointed is one interval.
const limits = { checkpointEveryChars: 200, checkpointEveryMs: 100 };
const runs = Number(process.env['CHARGE_PROPERTY_RUNS'] ?? 3);

/** What the simulator billed, at the list prices the router knows each model by. */
function billedUsd(bills: readonly SimBill[]): number {
  let total = 0;
  for (const bill of bills) total += billUsd(bill);
  return total;
}

/** The task a request was for: named in its prompt (`## Your task: … (id: api, …)`), or the plan. */
function taskOf(bill: SimBill): string {
  const body = JSON.stringify(bill.request?.body ?? '');
  return /\(id: ([a-z0-9-]+), /.exec(body)?.[1] ?? 'plan';
}

/** What the log charged each task's calls, and what the simulator billed for them. */
function byTask(events: readonly OrchestraEvent[], bills: readonly SimBill[]) {
  const tasks = new Map<string, { charged: number; billed: number }>();
  const row = (taskId: string) => {
    let entry = tasks.get(taskId);
    if (!entry) tasks.set(taskId, (entry = { charged: 0, billed: 0 }));
    return entry;
  };
  const taskOfReservation = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'cost-reserve') taskOfReservation.set(event.payload.reservationId, event.payload.taskId ?? '?');
    if (event.type === 'cost-settle')
      row(taskOfReservation.get(event.payload.reservationId) ?? '?').charged += event.payload.actualUsd;
  }
  for (const bill of bills) row(taskOf(bill)).billed += billUsd(bill);
  return tasks;
}

function billUsd(bill: SimBill): number {
  const arm = defaultCatalog.find((entry) => entry.provider === 'openai' && (entry.model ?? entry.id) === bill.model);
  if (!arm) throw new Error(`No price for ${bill.model}.`);
  const cache = cachePrices('openai', bill.model, arm.inputPricePerMillion);
  const fresh = bill.inputTokens - bill.cachedInputTokens - bill.cacheWriteTokens;
  return (
    (fresh * arm.inputPricePerMillion +
      bill.cachedInputTokens * cache.cachedInput +
      bill.cacheWriteTokens * cache.cacheWrite +
      bill.outputTokens * arm.outputPricePerMillion) /
    1_000_000
  );
}

async function eventsOf(tab: Tab, projectId: string): Promise<OrchestraEvent[]> {
  const events = await tab.api.readEvents(projectId, 1, Number.MAX_SAFE_INTEGER);
  if (!events.ok) throw new Error(events.message);
  return events.value;
}

async function stopped(tab: Tab, projectId: string): Promise<boolean> {
  const view = await tab.api.getProjectView(projectId);
  return view.ok && view.value.project.runStatus === 'stopped';
}

let counter = 0;
let estimatedCharges = 0;
let billedRetries = 0;

/** One interruption: once the `call`-th call of the run is streaming, `afterMs` later the writer dies. */
const interruption = fc.record({ call: fc.integer({ min: 1, max: 5 }), afterMs: fc.integer({ min: 0, max: 400 }) });

test('the log charges at least what the simulator billed, whatever the interruptions', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(interruption, { minLength: 1, maxLength: 2 }), async (cuts) => {
      await sim.settled();
      const firstBill = sim.bills.length;
      const name = `charge-${++counter}-${Date.now()}`;
      const locks = new MemoryLocks();
      const channelName = `${name}-events`;
      let writer = openTab(name, locks, channelName, { limits });
      const tabs = [writer];
      await writer.api.updateProvider('openai', { baseUrl: sim.baseUrl('openai') });
      await writer.api.setKey('openai', 'sk-test-charge-000000000000000');
      const created = await writer.api.createProject({
        name: 'Notes',
        description: 'Notes.',
        autoApprove: true,
        maxParallel: 2,
        budgetUsd: 5,
      });
      if (!created.ok) throw new Error(created.message);
      const { projectId } = created.value;
      expect((await writer.api.openProject(projectId)).ok).toBe(true);
      await writer.api.startRun(projectId);

      for (const cut of cuts) {
        // The next tab watches the project, waiting for the writer lock.
        const next = openTab(name, locks, channelName, { limits });
        tabs.push(next);
        expect((await next.api.openProject(projectId)).ok).toBe(true);
        // A run with fewer calls left than `cut.call` ends before: nothing to interrupt then.
        const calls = sim.bills.length;
        for (;;) {
          if (sim.bills.length >= calls + cut.call) break;
          if (await stopped(writer, projectId)) break;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await new Promise((resolve) => setTimeout(resolve, cut.afterMs));
        writer.kill(projectId);
        writer = next;
      }

      const finished = await waitFor(writer.api, projectId, (view) => view.project.runStatus === 'stopped', 30_000);
      expect(finished.project.runMessage, JSON.stringify(summary(finished))).toMatch(/^Every task is done/);
      await sim.settled();
      const events = await eventsOf(writer, projectId);
      let charged = 0;
      let estimatedUsd = 0;
      for (const event of events) {
        if (event.type === 'call-retry' && event.payload.billed) billedRetries += 1;
        if (event.type !== 'cost-settle') continue;
        charged += event.payload.actualUsd;
        if (event.payload.estimated) {
          estimatedCharges += 1;
          estimatedUsd += event.payload.actualUsd;
        }
      }
      // The costs view shows what of the spend is an estimate.
      const report = await writer.api.getRouterReport();
      if (!report.ok) throw new Error(report.message);
      expect(report.value.projects.find((project) => project.id === projectId)?.estimatedUsd).toBeCloseTo(
        estimatedUsd,
        12,
      );
      const billed = billedUsd(sim.bills.slice(firstBill));
      expect(charged).toBeGreaterThanOrEqual(billed - 1e-12);
      // And task by task: no call's overcharge hides another's undercharge.
      for (const [taskId, task] of byTask(events, sim.bills.slice(firstBill))) {
        expect(task.charged, `task ${taskId}: charged ${task.charged}, billed ${task.billed}`).toBeGreaterThanOrEqual(
          task.billed - 1e-12,
        );
      }
      // Every reservation was closed, and the project's spend is what the log charged.
      expect(finished.project.reservedUsd).toBe(0);
      expect(finished.project.spentUsd).toBeCloseTo(charged, 10);
      for (const tab of tabs) tab.close(projectId);
    }),
    {
      numRuns: runs,
      endOnFailure: true,
      // Besides the random points, two fixed ones that cut a builder mid-answer (two build at
      // once; the second call's bill marks the first done), so the check below cannot
      // pass for want of an interrupted call.
      examples: [[[{ call: 2, afterMs: 60 }]], [[{ call: 3, afterMs: 30 }]]],
    },
  );
  // The runs did interrupt calls mid-stream: some were charged at their estimate.
  expect(estimatedCharges).toBeGreaterThan(0);
  // And calls were retried after a billed attempt.
  expect(billedRetries).toBeGreaterThan(0);
}, 300_000);
