/**
 * A pause written between a task's launch and its start wins: the task's `task-start` is
 * appended on condition that the run still lets it start, so no call goes out while the
 * run reads "Paused", and Continue starts the task. Found by the model test against the
 * provider simulator under load (Retry task → Start → Execute all → Pause).
 */
import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { createWorkerApi } from '../../../worker/api.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import type { ProviderAdapter } from '../../../worker/providers/contract/provider-adapter.ts';
import { mulberry32 } from '../../../worker/router/index.ts';
import { waitFor } from './helpers.ts';
import { eventsOf, roleOfRequest, scriptedProviders } from './scripted-provider.ts';

const plan = {
  summary: 'One module.',
  complexity: 'small',
  estimate: { tokens: 1000, costUsd: 0.01 },
  stack: ['Python 3.12'],
  languages: ['python'],
  tasks: [
    {
      id: 'a',
      role: 'code-generator',
      title: 'Build a',
      instructions: 'Write a.py.',
      dependsOn: [],
      expectedArtifacts: ['a.py'],
      acceptance: [],
    },
  ],
};

const calls: string[] = [];
const adapter: ProviderAdapter = {
  provider: 'openai',
  async *stream(request) {
    const role = roleOfRequest(request);
    calls.push(role);
    await Promise.resolve();
    const answer =
      role === 'project-manager'
        ? plan
        : { files: [{ path: 'a.py', language: 'python', content: '# a\n' }], notes: '' };
    yield { type: 'text-delta', text: JSON.stringify(answer) };
    yield { type: 'usage', usage: { inputTokens: 50, outputTokens: 20, cachedInputTokens: 0, estimated: false } };
    yield { type: 'finish', reason: 'stop' };
  },
};

/** A provider service whose adapter is handed out only when the test lets it: the window between launch and start. */
function gatedService() {
  const service = scriptedProviders(adapter);
  /** Closed once the test says so (the builders' calls), open before (the plan's). */
  let closed = false;
  let open: () => void = () => undefined;
  let asked: () => void = () => undefined;
  const gate = {
    opened: new Promise<void>((resolve) => (open = resolve)),
    asked: new Promise<void>((r) => (asked = r)),
  };
  // Everything else is the scripted service's own (its `keys` getter throws if read).
  const gatedAdapter = async (...args: Parameters<typeof service.adapter>) => {
    if (closed) {
      asked();
      await gate.opened;
    }
    return service.adapter(...args);
  };
  return {
    service: Object.assign(Object.create(service) as typeof service, { adapter: gatedAdapter }),
    asked: gate.asked,
    close: () => (closed = true),
    open: () => open(),
  };
}

test('a pause written after a task was launched but before it started holds it back; Continue starts it', async () => {
  const db = new OrchestraDb(`pause-before-start-${Date.now()}`);
  const gated = gatedService();
  const api = createWorkerApi({
    db,
    engine: createEngine(db),
    storage: undefined,
    appOrigin: '',
    providers: () => Promise.resolve(gated.service),
    orchestrator: { random: mulberry32(3), templateDelayMs: 0 },
  });
  const created = await api.createProject({ name: 'One', description: 'One module.' });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  await api.openProject(projectId);
  expect((await api.startRun(projectId)).ok).toBe(true);
  await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  expect(calls).toEqual(['project-manager']);

  // Approved, task a is launched and routed; its adapter is being fetched: pause now.
  gated.close();
  expect((await api.approvePlan(projectId)).ok).toBe(true);
  await gated.asked;
  expect((await api.pauseRun(projectId)).ok).toBe(true);
  gated.open();

  const paused = await waitFor(api, projectId, (view) => view.project.runStatus === 'paused');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const events = await eventsOf(api, projectId);
  const pauseAt = events.findIndex((event) => event.type === 'run-pause');
  const startsBefore = events.slice(0, pauseAt).filter((event) => event.type === 'task-start').length;
  expect(startsBefore).toBe(1); // the plan's
  expect(pauseAt).toBeGreaterThan(0);
  // Nothing was started, reserved or called after the pause; the decision was withdrawn.
  const after = events.slice(pauseAt + 1).map((event) => event.type);
  expect(after).not.toContain('task-start');
  expect(after).not.toContain('cost-reserve');
  expect(calls).toEqual(['project-manager']);
  expect(paused.tasks.find((task) => task.taskId === 'a')?.status).toBe('scheduled');
  expect(paused.project.reservedUsd).toBe(0);

  // Continue: the task starts now, and is built.
  expect((await api.resumeRun(projectId)).ok).toBe(true);
  await waitFor(api, projectId, (view) => view.tasks.find((task) => task.taskId === 'a')?.status === 'done');
  expect(calls).toEqual(['project-manager', 'code-generator']);
});
