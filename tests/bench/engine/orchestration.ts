/**
 * Whole runs of the real engine in the benchmark page: the worker API as worker/index.ts
 * wires it (createWorkerApi, the Orchestrator, the event store on this browser's
 * IndexedDB), with the in-page model of plans.ts in place of the provider service.
 */
import { ulid } from 'ulid';
import { createWorkerApi } from '../../../worker/api.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import type { EventStore } from '../../../worker/events/event-store.ts';
import { criticalPathLength } from '../../../worker/orchestrator/plan-validation.ts';
import { mulberry32 } from '../../../worker/router/index.ts';
import { benchProviders, chainsPlan, latencyOf, layeredPlan } from './plans.ts';

export interface RunShape {
  plan: { kind: 'layered'; layers: number; width: number } | { kind: 'chains'; chains: number; depth: number };
  maxParallel: number;
  /** Each call answers after `latencyOf(taskId)` ms; otherwise at once. */
  latency: boolean;
}

export interface RunFigures {
  tasks: number;
  /** From the approval command to the committed `run-stop`. */
  wallMs: number;
  /** The longest chain of the plan, adding each task's simulated latency. */
  criticalPathMs: number;
  /** Every call's latency added up: the least a strictly sequential run can take. */
  totalLatencyMs: number;
  /** Time inside the store's writes (they run one after another per project, so this is storage's share of the wall). */
  appendMs: number;
  appends: number;
  /** Transactions that wrote them: appends queued behind one in flight share the next (group commit). */
  transactions: number;
  events: number;
  /** Texts read back from the blob store (upstream files for prompts, findings), and the time in those reads. */
  blobReads: number;
  blobMs: number;
  /** The most tasks in flight at once. */
  peakParallel: number;
  outcome: string;
}

type Commit = (this: EventStore, ...args: unknown[]) => Promise<void>;

/** Plans, approves and runs one project to its end; figures from the approval on. */
export async function runProject(shape: RunShape): Promise<RunFigures> {
  const plan =
    shape.plan.kind === 'layered'
      ? layeredPlan(shape.plan.layers, shape.plan.width)
      : chainsPlan(shape.plan.chains, shape.plan.depth);
  const latency = shape.latency ? latencyOf : () => 0;
  const name = `orchestra-bench-run-${ulid()}`;
  const db = new OrchestraDb(name);
  const engine = createEngine(db);

  // The store's own writes (after the per-project queue): how long storage holds the run up.
  let appendMs = 0;
  let appends = 0;
  let transactions = 0;
  let events = 0;
  const append = engine.store.append.bind(engine.store);
  engine.store.append = (...args) => {
    appends += 1;
    return append(...args);
  };
  const store = engine.store as unknown as { commit: Commit };
  const commit = store.commit;
  store.commit = async function (this: EventStore, ...args: unknown[]) {
    const start = performance.now();
    try {
      await commit.apply(this, args);
    } finally {
      appendMs += performance.now() - start;
      transactions += 1;
    }
  };

  let blobReads = 0;
  let blobMs = 0;
  const blob = engine.store.blob.bind(engine.store);
  engine.store.blob = async (hash) => {
    const start = performance.now();
    try {
      return await blob(hash);
    } finally {
      blobMs += performance.now() - start;
      blobReads += 1;
    }
  };

  const api = createWorkerApi({
    db,
    engine,
    storage: undefined,
    appOrigin: '',
    providers: () => Promise.resolve(benchProviders(plan, latency, name)),
    orchestrator: {
      limits: { maxPlanTasks: 500, maxRunTasks: 1000, maxRunTokens: 1_000_000_000 },
      random: mulberry32(7),
    },
  });
  const check = <T>(result: { ok: true; value: T } | { ok: false; message: string }): T => {
    if (!result.ok) throw new Error(result.message);
    return result.value;
  };

  try {
    const { projectId } = check(
      await api.createProject({
        name: 'Inventory service',
        description: 'An inventory service: stock records, restocking, a search page and tests.',
        maxParallel: shape.maxParallel,
        budgetUsd: 10_000,
      }),
    );
    check(await api.openProject(projectId));

    // Every committed batch, as it commits: when the plan is proposed, when the run ends,
    // and how many tasks were in flight at once.
    let running = 0;
    let peakParallel = 0;
    const waiters: { type: string; resolve: (at: number) => void }[] = [];
    engine.feed.subscribe(projectId, 0, (batch) => {
      const at = performance.now();
      events += batch.length;
      for (const event of batch) {
        if (event.type === 'task-start') peakParallel = Math.max(peakParallel, ++running);
        if (event.type === 'task-complete' || event.type === 'task-fail') running -= 1;
        for (const waiter of waiters.filter((entry) => entry.type === event.type)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(at);
        }
      }
    });
    const next = (type: string) => new Promise<number>((resolve) => waiters.push({ type, resolve }));

    const proposed = next('plan-propose');
    check(await api.startRun(projectId));
    await proposed;

    const stopped = next('run-stop');
    [appendMs, appends, transactions, events, peakParallel, blobReads, blobMs] = [0, 0, 0, 0, 0, 0, 0];
    const start = performance.now();
    check(await api.approvePlan(projectId));
    const end = await stopped;
    const wallMs = end - start;
    const figures = { appendMs, appends, transactions, events, peakParallel, blobReads, blobMs };

    const view = check(await api.getProjectView(projectId));
    const notDone = view.tasks.filter((row) => row.status !== 'done');
    if (notDone.length > 0 || view.tasks.length !== plan.tasks.length + 1) {
      throw new Error(
        `The run ended with ${view.tasks.length} tasks, not done: ${notDone.map((row) => `${row.taskId}:${row.status}`).join(', ')}; ${view.project.runMessage ?? ''}`,
      );
    }
    return {
      tasks: plan.tasks.length,
      wallMs,
      criticalPathMs: criticalPathLength(plan.tasks, latency),
      totalLatencyMs: plan.tasks.reduce((sum, entry) => sum + latency(entry.id), 0),
      ...figures,
      outcome: view.project.runMessage ?? '',
    };
  } finally {
    db.close();
    // Gone before the next run starts, so its deletion doesn't share the backend with it.
    await new Promise<void>((resolve) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
  }
}
