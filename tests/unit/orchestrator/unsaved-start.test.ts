import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { createWorkerApi } from '../../../worker/api.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import type { CommitRow } from '../../../worker/events/log-table.ts';
import type { ProviderAdapter } from '../../../worker/providers/contract/provider-adapter.ts';
import { mulberry32 } from '../../../worker/router/index.ts';
import { interceptWrites } from '../events/intercept-writes.ts';
import { approvedRun, waitFor } from './helpers.ts';
import { eventsOf, roleOfRequest, scriptedProviders, taskIdOfRequest } from './scripted-provider.ts';

const plan = {
  summary: 'Two modules.',
  complexity: 'small',
  estimate: { tokens: 1000, costUsd: 0.01 },
  stack: ['Python 3.12'],
  languages: ['python'],
  tasks: ['a', 'b'].map((id) => ({
    id,
    role: 'code-generator',
    title: `Build ${id}`,
    instructions: `Write ${id}.py.`,
    dependsOn: [],
    expectedArtifacts: [`${id}.py`],
    acceptance: [],
  })),
};

/** Calls made and answered so far, and the tasks they were made for. */
const calls = { made: 0, answered: 0, tasks: [] as string[] };

/** Answers every call after 30 ms: long after the write of the attempt's start settles. */
const slowAdapter: ProviderAdapter = {
  provider: 'openai',
  async *stream(request) {
    calls.made += 1;
    calls.tasks.push(taskIdOfRequest(request));
    await new Promise((resolve) => setTimeout(resolve, 30));
    calls.answered += 1;
    const taskId = taskIdOfRequest(request);
    const answer =
      roleOfRequest(request) === 'project-manager'
        ? plan
        : { files: [{ path: `${taskId}.py`, language: 'python', content: `# ${taskId}\n` }], notes: '' };
    yield { type: 'text-delta', text: JSON.stringify(answer) };
    yield { type: 'usage', usage: { inputTokens: 50, outputTokens: 20, cachedInputTokens: 0, estimated: false } };
    yield { type: 'finish', reason: 'stop' };
  },
};

test('an answer whose start was never saved is not saved either; the run pauses, and Continue builds the task again', async () => {
  const db = new OrchestraDb(`unsaved-start-${Date.now()}`);
  // The first write that holds b's task-start fails, as a full disk would.
  let failed = false;
  interceptWrites(db, 'commits', 'fail-start-of-b', (proceed, request) => {
    const rows = (request.type === 'add' ? request.values : []) as CommitRow[];
    const startsB = rows.some((row) =>
      row.events.some((event) => event.type === 'task-start' && event.payload.taskId === 'b'),
    );
    if (failed || !startsB) return proceed();
    failed = true;
    return Promise.reject(new DOMException('QuotaExceededError (simulated)', 'QuotaExceededError'));
  });
  const service = scriptedProviders(slowAdapter);
  const api = createWorkerApi({
    db,
    engine: createEngine(db),
    storage: undefined,
    appOrigin: '',
    providers: () => Promise.resolve(service),
    orchestrator: { random: mulberry32(3), templateDelayMs: 0 },
  });
  const projectId = await approvedRun(api, { name: 'Two', description: 'Two modules.', maxParallel: 2 });

  const paused = await waitFor(api, projectId, (view) => view.project.runStatus !== 'running');
  // A call in flight (a's, if its start was written apart from b's) comes back (and is
  // refused, or written) before Continue, or its report would pause the run again.
  await expect.poll(() => calls.answered === calls.made).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(failed).toBe(true);
  // b's call never went out: a call leaves only once its start and reservation are
  // committed, so nothing is billed that the log does not know of (issue 19).
  expect(calls.tasks.filter((taskId) => taskId === 'b')).toEqual([]);
  expect(paused.project.runStatus).toBe('paused');
  // A refused write names storage at once (issue 19), from memory: the log cannot say it.
  expect(paused.project.pauseReason).toMatch(/out of room for Orchestra|no room left|not saved/);
  // Nothing of b's unsaved attempt is in the log: no start, and no answer without one.
  const before = await eventsOf(api, projectId);
  expect(before.filter((event) => event.type === 'task-complete' && event.payload.taskId === 'b')).toEqual([]);

  expect((await api.resumeRun(projectId)).ok).toBe(true);
  const finished = await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped');
  expect(finished.tasks.map((task) => `${task.taskId}:${task.status}`).sort()).toEqual([
    'a:done',
    'b:done',
    'plan:done',
  ]);
  expect(calls.tasks.filter((taskId) => taskId === 'b')).toEqual(['b']);
  // Every completion in the log follows a start of the same attempt.
  const events = await eventsOf(api, projectId);
  for (const [index, event] of events.entries()) {
    if (event.type !== 'task-complete') continue;
    const { taskId, attempt } = event.payload;
    const start = events.findIndex(
      (other) => other.type === 'task-start' && other.payload.taskId === taskId && other.payload.attempt === attempt,
    );
    expect(start, `${taskId} attempt ${attempt}`).toBeGreaterThanOrEqual(0);
    expect(start).toBeLessThan(index);
  }
});
