/**
 * Issue 20, point 4: when a task or a call stops for good, the person reads the cause
 * (the provider and model, and why) and one way on that the paused run offers. Never a
 * promise that Orchestra tries again once it has stopped trying, never "Cancel task" for
 * the plan the run cannot do without, never an internal id.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import type { OrchestraEvent } from '../../../worker/events/catalog.ts';
import type { ProjectView } from '../../../worker/projects/project-view.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { approvedRun, engineWithTeam, scriptDefaultTeam, waitFor } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.respond('openai', undefined);
});

const paused = (view: ProjectView) => view.project.runStatus === 'paused' && view.project.pauseReason !== null;
/** Phrases that promise more tries, which a paused run will not make by itself. */
const promisesMore = /Orchestra (tries|asks|waits)|tries again|try it again shortly/;
const jargon = /\b(cut_off|malformed_response|rate_limited|network:|loop:)|\b01[0-9A-HJKMNP-TV-Z]{24}\b|cost-01/;

test('a build task cut off on its last attempt: the model and the cause, then Retry or Cancel — no promise of another try', async () => {
  const { api } = await engineWithTeam(sim, { maxAttempts: 1 });
  scriptDefaultTeam(sim, {
    'code-generator': { kind: 'truncated', text: 'the first half of an answer that never finished arriving' },
  });
  const projectId = await approvedRun(api, { name: 'Notes', description: 'A notes service with a page.' });
  const view = await waitFor(api, projectId, paused);
  const reason = view.project.pauseReason ?? '';
  expect(reason).toMatch(/^Task “Notes module” failed on OpenAI \(GPT\) \S+: /);
  expect(reason).toContain('was cut off before it was complete');
  expect(reason).toMatch(/Press Retry task, or Cancel task to go on without it\.$/);
  expect(reason).not.toMatch(promisesMore);
  expect(reason).not.toMatch(jargon);
  // The task's own error says the cause, and nothing it will not do.
  const api_ = view.tasks.find((task) => task.taskId === 'api');
  expect(api_?.lastError?.message).toContain('was cut off');
  expect(api_?.lastError?.message).not.toMatch(promisesMore);
});

test('a Project Manager that repeats itself: one way on, Retry task, and no "Cancel task" for the plan', async () => {
  const { api } = await engineWithTeam(sim);
  scriptDefaultTeam(sim, { 'project-manager': { kind: 'wrong-schema' } });
  const created = await api.createProject({ name: 'Loop', description: 'Notes.' });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  await api.openProject(projectId);
  expect((await api.startRun(projectId)).ok).toBe(true);
  const view = await waitFor(api, projectId, paused);
  expect(view.project.pauseKind).toBe('loop');
  const reason = view.project.pauseReason ?? '';
  expect(reason).toContain('same invalid answer again');
  expect(reason).toMatch(/Press Retry task: the run needs a plan to go on\.$/);
  expect(reason).not.toContain('Cancel task');
  expect(reason).not.toMatch(jargon);
});

test('a message the Project Manager could not answer says why and to send it again, not that Orchestra retries', async () => {
  const { api } = await engineWithTeam(sim);
  scriptDefaultTeam(sim, { chat: { kind: 'truncated', text: '{"reply": "Half a rep' } });
  // The Project Manager answers once there is a plan (before, a message is context for planning).
  const projectId = await approvedRun(api, { name: 'Chat', description: 'Notes.' });
  expect((await api.sendMessage(projectId, 'Use FastAPI, please.')).ok).toBe(true);
  const replied = async () => {
    const events = await api.readEvents(projectId, 1, 1e9);
    return events.ok
      ? events.value.filter((event: OrchestraEvent) => event.type === 'agent-reply').map((event) => event.payload.text)
      : [];
  };
  const started = Date.now();
  while ((await replied()).length === 0 && Date.now() - started < 20_000) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const [reply] = await replied();
  expect(reply).toContain('The Project Manager could not be reached');
  expect(reply).toContain('was cut off');
  expect(reply).toMatch(/Send your message again in a moment\.$/);
  expect(reply).not.toMatch(promisesMore);
});
