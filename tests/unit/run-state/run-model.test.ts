/**
 * Model-based tests of the run lifecycle: random sequences of everything a person (or the
 * world) can do to a run — Start, Pause, Continue, Next agent, Execute all, Cancel task,
 * Retry task, Emergency stop, Approve, Reject, a budget that runs out and is raised, a
 * provider that fails, a reload — against the real engine on a real (fake-indexeddb)
 * database. After every step the state the screens show (derived by worker/run-state from
 * the projection) is checked against what the engine is doing; every control pressed is
 * checked against the screen's (`runControls`, `taskControls`): enabled, it is accepted;
 * disabled, it writes nothing; after every sequence the run must be able to reach an end.
 *
 * Two worlds run the same commands: a scripted provider in process (cheap, so many
 * sequences), and the provider simulator over HTTP through the real OpenAI SDK, the
 * provider service, its retries and its breaker (fewer sequences: each call is a request).
 *
 * Runs: ORCHESTRA_MODEL_RUNS (default 60 in process) and ORCHESTRA_MODEL_SIM_RUNS (default
 * 12 against the simulator); the closing note reports a run of thousands.
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createWorkerApi } from '../../../worker/api.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import type { ProjectView } from '../../../worker/projects/project-view.ts';
import type { ProviderAdapter } from '../../../worker/providers/contract/provider-adapter.ts';
import { ProviderError } from '../../../worker/providers/contract/provider-error.ts';
import type { ProviderRequest } from '../../../worker/providers/contract/provider-request.ts';
import type { StreamPart } from '../../../worker/providers/contract/stream-part.ts';
import { mulberry32 } from '../../../worker/router/index.ts';
import {
  type RunControl,
  type RunControls,
  type RunState,
  runControls,
  runState,
} from '../../../worker/run-state/run-state.ts';
import { runSentence } from '../../../worker/run-state/run-words.ts';
import { taskControls } from '../../../worker/run-state/task-controls.ts';
import { ProviderService } from '../../../worker/providers/provider-service.ts';
import { roleOf } from '../../sim/agent-script.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { roleOfRequest, scriptedProviders, taskIdOfRequest } from '../orchestrator/scripted-provider.ts';

const plan = {
  summary: 'Four modules and a review.',
  complexity: 'small',
  estimate: { tokens: 1000, costUsd: 0.01 },
  stack: ['Python 3.12'],
  languages: ['python'],
  tasks: [
    { id: 'a', role: 'code-generator', title: 'Build a', deps: [] },
    { id: 'b', role: 'code-generator', title: 'Build b', deps: ['a'] },
    { id: 'c', role: 'test-writer', title: 'Test a', deps: ['a'] },
    { id: 'd', role: 'code-generator', title: 'Build d', deps: [] },
    { id: 'review', role: 'debugger', title: 'Review', deps: ['b', 'c', 'd'] },
  ].map((task) => ({
    id: task.id,
    role: task.role,
    title: task.title,
    instructions: `Do ${task.id}.`,
    dependsOn: task.deps,
    expectedArtifacts: task.role === 'debugger' ? [] : [`${task.id}.py`],
    acceptance: [],
  })),
};

/** The world outside the engine: how slow the model is, and faults queued for the next calls. */
interface World {
  /** In process, or the provider simulator over HTTP. */
  kind: 'in-process' | 'simulator';
  faults: number;
  /** The task of each model call started so far (the simulator's requests, or the adapter's streams). */
  calls: string[];
  random: () => number;
}

function answerFor(role: string, taskId: string): unknown {
  if (role === 'project-manager') return plan;
  if (role === 'debugger') return { verdict: 'pass', summary: 'Looks good.', findings: [] };
  const id = taskId || 'x';
  return { files: [{ path: `${id}.py`, language: 'python', content: `# ${id}\n` }], notes: '' };
}

let sim: Simulator | undefined;
beforeAll(async () => {
  if (simRuns > 0) sim = await startSimulator();
});
afterAll(() => sim?.close());

/** The simulator answers as the in-process world does: after a small delay, or with a queued fault (a 401). */
function scriptSimulator(world: World): void {
  if (!sim) throw new Error('The simulator is not running.');
  sim.respond('openai', (request) => {
    const role = roleOf(request);
    if (!role) return undefined;
    const taskId = /\(id: ([^,]+), [a-z]+, round \d+\)/.exec(JSON.stringify(request.body))?.[1] ?? '';
    world.calls.push(taskId || 'plan');
    if (world.faults > 0) {
      world.faults -= 1;
      return { kind: 'auth' };
    }
    return { kind: 'json', value: answerFor(role, taskId), firstTokenMs: Math.floor(world.random() * 25) };
  });
}

function worldAdapter(world: World): ProviderAdapter {
  return {
    provider: 'openai',
    async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<StreamPart> {
      world.calls.push(taskIdOfRequest(request) || 'plan');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.floor(world.random() * 25));
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      // Adapters never throw: a stopped or failed call is an error part (the contract).
      if (signal.aborted) {
        yield { type: 'error', error: new ProviderError({ provider: 'openai', kind: 'cancelled' }) };
        return;
      }
      if (world.faults > 0) {
        world.faults -= 1;
        yield {
          type: 'error',
          error: new ProviderError({ provider: 'openai', kind: 'auth', status: 401, detail: 'Incorrect API key.' }),
        };
        return;
      }
      const text = JSON.stringify(answerFor(roleOfRequest(request), taskIdOfRequest(request)));
      const half = Math.ceil(text.length / 2);
      yield { type: 'text-delta', text: text.slice(0, half) };
      yield { type: 'text-delta', text: text.slice(half) };
      yield { type: 'usage', usage: { inputTokens: 400, outputTokens: 200, cachedInputTokens: 0, estimated: false } };
      yield { type: 'finish', reason: 'stop' };
    },
  };
}

interface Real {
  api: ReturnType<typeof createWorkerApi>;
  db: OrchestraDb;
  name: string;
  projectId: string;
  world: World;
  steps: string[];
  /** Tasks Next agent launched since the run last went on: they may call while it is paused. */
  stepped: Set<string>;
}

let counter = 0;
function openApi(name: string, world: World) {
  const db = new OrchestraDb(name);
  const service = world.kind === 'in-process' ? scriptedProviders(worldAdapter(world)) : undefined;
  const api = createWorkerApi({
    db,
    engine: createEngine(db),
    storage: undefined,
    appOrigin: '',
    // The simulator's world: the real provider service (keys in this database, the OpenAI
    // SDK, retries, the breaker), made anew on each reload as a new tab would.
    providers: (options) => Promise.resolve(service ?? new ProviderService(db, options)),
    orchestrator: { random: mulberry32(5), templateDelayMs: 0 },
  });
  return { api, db };
}

async function viewOf(real: Real): Promise<ProjectView> {
  const result = await real.api.getProjectView(real.projectId);
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where the run stands, for a failure message: state, tasks and the log's last events. */
async function situation(real: Real): Promise<string> {
  const view = await viewOf(real);
  const state = runState({ project: view.project, plan: view.project.plan, tasks: view.tasks });
  const events = await real.api.readEvents(real.projectId, 1, 1e9);
  const tail = events.ok ? events.value.slice(-14).map((event) => `${event.seq}:${event.type}`) : [];
  return `state ${JSON.stringify(state)}; tasks ${view.tasks
    .map((task) => `${task.taskId}:${task.status}`)
    .join(' ')}; after ${real.steps.join(' → ')}; log ends ${tail.join(' ')}`;
}

/** Polls until `until` holds for the derived state; fails naming the steps taken. */
async function eventually(
  real: Real,
  what: string,
  until: (state: RunState, view: ProjectView) => boolean,
  ms: number,
) {
  const started = Date.now();
  for (;;) {
    const view = await viewOf(real);
    const state = runState({ project: view.project, plan: view.project.plan, tasks: view.tasks });
    if (until(state, view)) return { state, view };
    if (Date.now() - started > ms) throw new Error(`${what} within ${ms} ms; ${await situation(real)}`);
    await sleep(10);
  }
}

/** What holds at every moment, whatever happened before. */
async function checkShown(real: Real): Promise<void> {
  const view = await viewOf(real);
  const state = runState({ project: view.project, plan: view.project.plan, tasks: view.tasks });
  const where = `after ${real.steps.join(' → ')}`;
  if (state.phase === 'ended') {
    if (state.outcome === 'completed')
      expect(
        view.tasks.every((task) => task.status === 'done'),
        `"complete" with undone tasks ${where}`,
      ).toBe(true);
    if (state.outcome === 'completed-with-cancelled') {
      expect(
        view.tasks.every((task) => task.status === 'done' || task.status === 'cancelled'),
        where,
      ).toBe(true);
      expect(runSentence(state), where).toContain(state.cancelled.join(', '));
    }
    // An ended run has no reservation left open and nothing running.
    expect(
      view.tasks.filter((task) => task.status === 'running').map((task) => task.taskId),
      `a task runs after the end ${where}`,
    ).toEqual([]);
  }
  // "Running" is shown only while something runs or can start; a stall is resolved by the
  // engine at once (it pauses naming the blocked tasks), never left showing.
  if (state.phase === 'stalled') {
    await eventually(real, 'a stalled run pauses or ends', (next) => next.phase !== 'stalled', 3000);
  }
  // A pause lets the calls in flight finish, then nothing runs.
  if (state.phase === 'pausing') {
    await eventually(real, 'calls in flight finish after a pause', (next) => next.phase !== 'pausing', 5000);
  }
  if (state.phase === 'paused') {
    expect(
      view.tasks.some((task) => task.status === 'running'),
      `a task runs while paused ${where}`,
    ).toBe(false);
    // Nor does any call start while it stays paused (a launch would read "pausing", then
    // end, and the state alone would never show it). Next agent is the one exception: it
    // runs exactly one task (its attempts included) while the run is paused, and only that one.
    const calls = real.world.calls.length;
    await sleep(40);
    const after = await viewOf(real);
    if (after.project.runStatus === 'paused') {
      const started = real.world.calls.slice(calls).filter((taskId) => !real.stepped.has(taskId));
      if (started.length > 0)
        expect.fail(`calls of ${started.join(', ')} started while paused; ${await situation(real)}`);
    }
  }
}

/** Plays the person who wants the project finished, from wherever the run stands. */
async function driveToEnd(real: Real): Promise<RunState> {
  const started = Date.now();
  let starts = 0;
  for (;;) {
    if (Date.now() - started > 30_000) throw new Error(`The run never ended: ${await situation(real)}`);
    const view = await viewOf(real);
    const state = runState({ project: view.project, plan: view.project.plan, tasks: view.tasks });
    const controls = runControls(state, true);
    const id = real.projectId;
    switch (state.phase) {
      case 'ended':
        // After an emergency stop, Start retries what was left (issue 20, point 1) — it must
        // lead to a run that ends again; a finished run has nothing to retry.
        if (controls.start.enabled && state.unfinished.length > 0 && starts < 3) {
          starts += 1;
          expect((await real.api.startRun(id)).ok).toBe(true);
          break;
        }
        return state;
      case 'idle':
        expect(controls.start.enabled).toBe(true);
        await real.api.startRun(id);
        starts += 1;
        break;
      case 'awaiting-approval':
        await real.api.approvePlan(id);
        break;
      case 'paused': {
        if (state.kind === 'budget') await real.api.setBudget(id, 1000);
        for (const task of view.tasks)
          if (task.status === 'failed' || task.status === 'interrupted') await real.api.retryTask(id, task.taskId);
        const again = await viewOf(real);
        if (again.project.runStatus === 'paused') await real.api.resumeRun(id);
        break;
      }
      default:
        await sleep(15);
    }
  }
}

type Cmd = fc.AsyncCommand<object, Real>;
/** What a command answers: an engine result, or nothing when it is not a control. */
type Answer = { ok: boolean } | undefined;
/** The control on screen a command presses, in the state and view just before it. */
type ControlOf = (state: RunState, view: ProjectView) => RunControl | undefined;

const command = (name: string, act: (real: Real) => Promise<unknown>, control?: ControlOf): Cmd => ({
  check: () => true,
  async run(_model, real) {
    real.steps.push(name);
    const before = control ? await viewOf(real) : undefined;
    const state = before && runState({ project: before.project, plan: before.project.plan, tasks: before.tasks });
    const shown = before && state ? control?.(state, before) : undefined;
    const seq = before ? await headSeq(real) : 0;
    const answer = (await act(real)) as Answer;
    if (shown && state && settled(state, real)) await checkControl(real, name, shown, answer, seq);
    await checkShown(real);
  },
  toString: () => name,
});

/** The log's last sequence number. */
async function headSeq(real: Real): Promise<number> {
  const events = await real.api.readEvents(real.projectId, 1, 1e9);
  return events.ok ? (events.value.at(-1)?.seq ?? 0) : 0;
}

/** A state in which nothing moves by itself, so what a control says it does is all that happens. */
const settled = (state: RunState, real: Real) =>
  real.stepped.size === 0 && ['idle', 'ended', 'paused', 'awaiting-approval'].includes(state.phase);

/**
 * Controls are offered only when they do something: an enabled control is accepted (where
 * keys are always ready, in process); a disabled one writes nothing of the person's.
 */
async function checkControl(real: Real, name: string, shown: RunControl, answer: Answer, seq: number) {
  const where = `${name} (${shown.enabled ? 'enabled' : 'disabled'}: “${shown.does}”) after ${real.steps.join(' → ')}`;
  if (shown.enabled) {
    if (real.world.kind === 'in-process') expect(answer?.ok, `refused though enabled: ${where}`).toBe(true);
    return;
  }
  if (!answer?.ok) return;
  const events = await real.api.readEvents(real.projectId, seq + 1, 1e9);
  const written = events.ok
    ? events.value.filter((event) => event.actor.kind === 'user').map((event) => event.type)
    : [];
  expect(written, `wrote ${written.join(', ')} though disabled: ${where}`).toEqual([]);
}

/** The run screen's control `name` for the state. */
const runControl =
  (name: keyof RunControls): ControlOf =>
  (state) =>
    runControls(state, true)[name];

/** Cancel task / Retry task on the task at `index`, as its row shows them. */
const taskControl =
  (index: number, which: 'cancel' | 'retry'): ControlOf =>
  (_state, view) => {
    const task = view.tasks.length === 0 ? undefined : view.tasks[index % view.tasks.length];
    return task && taskControls(task, true)[which];
  };

/** A command after which the run goes on: Next agent's exception ends. */
const goesOn = async (real: Real, command: Promise<unknown>) => {
  real.stepped.clear();
  return command;
};

const taskAt = async (real: Real, index: number) => {
  const tasks = (await viewOf(real)).tasks;
  return tasks.length === 0 ? undefined : tasks[index % tasks.length];
};

const commands = [
  fc.constant(command('Start', (real) => goesOn(real, real.api.startRun(real.projectId)), runControl('start'))),
  fc.constant(command('Pause', (real) => real.api.pauseRun(real.projectId), runControl('pause'))),
  fc.constant(command('Continue', (real) => goesOn(real, real.api.resumeRun(real.projectId)), runControl('resume'))),
  fc.constant(
    command(
      'Next agent',
      async (real) => {
        const stepped = await real.api.stepRun(real.projectId);
        if (stepped.ok && stepped.value.taskId) real.stepped.add(stepped.value.taskId);
        return stepped;
      },
      runControl('step'),
    ),
  ),
  fc.constant(
    command('Execute all', (real) => goesOn(real, real.api.executeAll(real.projectId)), runControl('executeAll')),
  ),
  fc.constant(command('Stop run', (real) => real.api.stopRun(real.projectId), runControl('stop'))),
  fc.constant(command('Emergency stop', (real) => real.api.emergencyStop(real.projectId), runControl('emergencyStop'))),
  fc.constant(command('Approve', (real) => real.api.approvePlan(real.projectId))),
  fc.constant(command('Reject', (real) => real.api.rejectPlan(real.projectId, 'Not this.'))),
  fc.nat(9).map((index) =>
    command(
      `Cancel task #${index}`,
      async (real) => {
        const task = await taskAt(real, index);
        return task && real.api.cancelTask(real.projectId, task.taskId);
      },
      taskControl(index, 'cancel'),
    ),
  ),
  fc.nat(9).map((index) =>
    command(
      `Retry task #${index}`,
      async (real) => {
        const task = await taskAt(real, index);
        return task && real.api.retryTask(real.projectId, task.taskId);
      },
      taskControl(index, 'retry'),
    ),
  ),
  fc.constant(
    command('Budget runs out', async (real) => {
      const view = await viewOf(real);
      await real.api.setBudget(real.projectId, view.project.spentUsd + view.project.reservedUsd + 0.000_01);
    }),
  ),
  fc.constant(command('Raise budget', (real) => real.api.setBudget(real.projectId, 1000))),
  fc.nat({ max: 3 }).map((count) =>
    command(`Provider fails ×${count + 1}`, (real) => {
      real.world.faults += count + 1;
      return Promise.resolve();
    }),
  ),
  fc.integer({ min: 0, max: 120 }).map((ms) => command(`Wait ${ms} ms`, () => sleep(ms))),
  fc.constant(
    command('Reload', async (real) => {
      // The tab closes: its database goes, so nothing it still has in flight can land.
      real.db.close();
      real.stepped.clear();
      const next = openApi(real.name, real.world);
      real.api = next.api;
      real.db = next.db;
      expect((await real.api.openProject(real.projectId)).ok).toBe(true);
    }),
  ),
];

const runs = Number(process.env['ORCHESTRA_MODEL_RUNS'] ?? 60);
const simRuns = Number(process.env['ORCHESTRA_MODEL_SIM_RUNS'] ?? 12);

/** Random command sequences in `kind`'s world, each driven to an end. */
async function modelRuns(kind: World['kind'], numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: 14 }), fc.integer(), async (sequence, seed) => {
      const world: World = { kind, faults: 0, calls: [], random: mulberry32(seed) };
      const name = `run-model-${++counter}-${Date.now()}`;
      const { api, db } = openApi(name, world);
      if (kind === 'simulator' && sim) {
        scriptSimulator(world);
        await api.updateProvider('openai', { baseUrl: sim.baseUrl('openai') });
        await api.setKey('openai', 'sk-test-orchestra-0000000000');
      }
      const created = await api.createProject({ name: 'Model', description: 'Four modules.' });
      if (!created.ok) throw new Error(created.message);
      const real: Real = {
        api,
        db,
        name,
        projectId: created.value.projectId,
        world,
        steps: [],
        stepped: new Set(),
      };
      await api.openProject(real.projectId);
      try {
        await fc.asyncModelRun(() => ({ model: {}, real }), sequence);
        world.faults = 0;
        real.steps.push('(drive to the end)');
        const end = await driveToEnd(real);
        expect(end.phase).toBe('ended');
      } finally {
        await real.api.emergencyStop(real.projectId);
        real.db.close();
      }
    }),
    {
      numRuns,
      endOnFailure: true,
      ...(process.env['ORCHESTRA_MODEL_SEED']
        ? { seed: Number(process.env['ORCHESTRA_MODEL_SEED']), path: process.env['ORCHESTRA_MODEL_PATH'] ?? '0' }
        : {}),
    },
  );
}

test(`the shown run state matches the engine after every step, and every sequence can reach an end (${runs} sequences)`, async () => {
  await modelRuns('in-process', runs);
}, 1_800_000);

test.skipIf(simRuns === 0)(
  `against the provider simulator over HTTP, the same holds (${simRuns} sequences)`,
  async () => {
    await modelRuns('simulator', simRuns);
    // The calls went over HTTP: the simulator served the team's requests.
    const served = sim?.requests.filter((request) => roleOf(request) !== undefined) ?? [];
    expect(served.length).toBeGreaterThan(simRuns);
  },
  1_800_000,
);
