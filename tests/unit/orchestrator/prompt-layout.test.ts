/**
 * Prompts laid out for the providers' prompt caches, through the real OpenAI SDK against
 * the simulator's cache model: every task's prompt starts with the project and the
 * upstream files (in path order) and ends with the task; the runner sends the cache key
 * of the project and role; calls of a role that see the same files read the prefix from
 * the cache, and the cost settles the cached tokens at the cached price. On Anthropic,
 * where a cache write costs a quarter more than plain input, a prompt nothing later reads
 * is not marked for caching.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eventsOfType } from '../../../worker/events/log-table.ts';
import { roleOf, scriptTeam } from '../../sim/agent-script.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { builderAnswer, files, passingReview, reviewWithMajorFinding, teamPlan } from '../../sim/team-answers.ts';
import { approvedRun, engineWithTeam, engineWithoutKey, scriptDefaultTeam, waitFor } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ promptCache: true });
});
afterAll(() => sim.close());

interface ChatBody {
  model?: string;
  prompt_cache_key?: string;
  messages?: { role: string; content: string }[];
}

test('every task sends its stable prefix first with the project and role cache key, and later calls read it from the cache', async () => {
  const { api, db } = await engineWithTeam(sim);
  scriptDefaultTeam(sim);
  const mark = sim.requests.length;
  // A description long enough that the prefix passes the providers' 1,024-token minimum.
  const description = `A notes service with a page. ${'Notes have a title, a body and tags; search by tag. '.repeat(90)}`;
  const projectId = await approvedRun(api, { name: 'Notes', description });
  await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped', 30_000);

  const calls = sim.requests.slice(mark).filter((request) => roleOf(request) !== undefined);
  const workers = calls.filter((request) => roleOf(request) !== 'project-manager');
  expect(workers.length).toBeGreaterThanOrEqual(5);
  for (const request of workers) {
    const body = request.body as ChatBody;
    const role = roleOf(request);
    expect(body.prompt_cache_key, role).toBe(`${projectId}:${role}`);
    const user = body.messages?.find((message) => message.role === 'user')?.content ?? '';
    expect(user.startsWith('# Project: Notes'), role).toBe(true);
    const files = user.indexOf('## Upstream files from the team');
    expect(files, role).toBeGreaterThan(0);
    expect(files, role).toBeLessThan(user.indexOf('## Your task'));
  }

  // The two reviews (before and after the fix) share the project and every file up to the
  // one the fix changed: the second reads that prefix from the cache.
  const settles = (await eventsOfType(db, 'cost-settle')).filter((event) => event.projectId === projectId);
  const cached = settles.filter((event) => (event.payload.cachedInputTokens ?? 0) > 0);
  expect(cached.length).toBeGreaterThan(0);
  for (const event of cached) {
    expect(event.payload.cachedInputTokens ?? 0).toBeLessThanOrEqual(event.payload.inputTokens);
    expect(event.payload.cacheSavedUsd ?? 0).toBeGreaterThan(0);
  }
});

test('Anthropic: a team with one task per role marks no prompt for caching, as no later call would read it', async () => {
  const { api } = engineWithoutKey();
  await api.updateProvider('anthropic', { baseUrl: sim.baseUrl('anthropic') });
  await api.setKey('anthropic', 'sk-ant-test-orchestra-0000000000');
  scriptTeam(sim, 'anthropic', {
    'project-manager': { kind: 'json', value: teamPlan },
    'code-generator': (request) => builderAnswer(request),
    'ui-designer': { kind: 'json', value: files.ui },
    'test-writer': { kind: 'json', value: files.tests },
    debugger: (_request, nth) => ({ kind: 'json', value: nth === 1 ? reviewWithMajorFinding : passingReview }),
  });
  const mark = sim.requests.length;
  const billed = sim.bills.length;
  // Every prompt passes the 1,024-token minimum: each could have been marked.
  const description = `A notes service with a page. ${'Notes have a title, a body and tags; search by tag. '.repeat(90)}`;
  const projectId = await approvedRun(api, { name: 'Notes', description });
  await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped', 30_000);

  const calls = sim.requests.slice(mark).filter((request) => roleOf(request) !== undefined);
  // The review, the fix it asked for and the second review came after the builders.
  expect(calls.filter((request) => roleOf(request) === 'debugger')).toHaveLength(2);
  for (const request of calls) expect(JSON.stringify(request.body), roleOf(request)).not.toContain('cache_control');
  expect(sim.bills.slice(billed).reduce((sum, bill) => sum + bill.cacheWriteTokens, 0)).toBe(0);
});
