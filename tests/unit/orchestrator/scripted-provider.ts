/**
 * An in-process provider service for properties of the scheduler: OpenAI is "ready", and
 * its adapter answers each request by the agent role its system prompt names, after a
 * small delay. The SDK and wire path is covered by the simulator tests; here only the
 * order and overlap of tasks matter, so thousands of calls must stay cheap.
 */
import { createWorkerApi } from '../../../worker/api.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import type { OrchestraEvent } from '../../../worker/events/catalog.ts';
import type { RunLimits } from '../../../worker/orchestrator/limits.ts';
import type { ProviderAdapter } from '../../../worker/providers/contract/provider-adapter.ts';
import type { ProviderRequest } from '../../../worker/providers/contract/provider-request.ts';
import type { ProviderServiceApi } from '../../../worker/providers/contract/provider-service-api.ts';
import type { StreamPart } from '../../../worker/providers/contract/stream-part.ts';
import { mulberry32 } from '../../../worker/router/index.ts';

/** What the scripted model says to one request: the JSON value it answers with. */
export type ScriptedAnswer = (request: ProviderRequest, role: string, taskId: string) => unknown;

/** The agent role named on the first line of a system prompt (`… (role: code-generator).`). */
export const roleOfRequest = (request: ProviderRequest) => /\(role: ([a-z-]+)\)/.exec(request.system ?? '')?.[1] ?? '';

/** The task a request is for, from the prompt's "## Your task: … (id: x, build, round 1)". */
export const taskIdOfRequest = (request: ProviderRequest) =>
  /\(id: ([^,]+), [a-z]+, round \d+\)/.exec(request.messages[0]?.content ?? '')?.[1] ?? '';

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** An adapter that streams `answer`'s JSON in a few pieces after a delay of up to `maxDelayMs`. */
export function scriptedAdapter(
  answer: ScriptedAnswer,
  options: { seed: number; maxDelayMs: number },
): ProviderAdapter {
  const random = mulberry32(options.seed);
  return {
    provider: 'openai',
    async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<StreamPart> {
      await sleep(Math.floor(random() * options.maxDelayMs), signal);
      const text = JSON.stringify(answer(request, roleOfRequest(request), taskIdOfRequest(request)));
      const third = Math.ceil(text.length / 3);
      for (let at = 0; at < text.length; at += third) {
        yield { type: 'text-delta', text: text.slice(at, at + third) };
        await Promise.resolve();
      }
      yield { type: 'usage', usage: { inputTokens: 50, outputTokens: 20, cachedInputTokens: 0, estimated: false } };
      yield { type: 'finish', reason: 'stop' };
    },
  };
}

const unused = (what: string) => () => Promise.reject(new Error(`${what} is not scripted in this test.`));

/** A provider service where OpenAI is ready and every call goes to `adapter`. */
export function scriptedProviders(adapter: ProviderAdapter): ProviderServiceApi {
  return {
    get keys(): never {
      throw new Error('Keys are not scripted in this test.');
    },
    configs: unused('configs'),
    updateConfig: unused('updateConfig'),
    testKey: unused('testKey'),
    fetchModels: unused('fetchModels'),
    adapter: () => Promise.resolve(adapter),
    readiness: () => Promise.resolve([{ provider: 'openai', ready: true, detail: 'Scripted in process.' }]),
  };
}

let counter = 0;

/** The worker API as worker/index.ts wires it, on a fresh database, with the scripted provider. */
export function engineWithScriptedProvider(adapter: ProviderAdapter, limits: Partial<RunLimits> = {}) {
  const db = new OrchestraDb(`scheduler-${++counter}-${Date.now()}`);
  const service = scriptedProviders(adapter);
  return createWorkerApi({
    db,
    engine: createEngine(db),
    storage: undefined,
    appOrigin: '',
    providers: () => Promise.resolve(service),
    orchestrator: { limits, random: mulberry32(11), templateDelayMs: 0 },
  });
}

/** Every event of a project, in log order. */
export async function eventsOf(api: ReturnType<typeof createWorkerApi>, projectId: string): Promise<OrchestraEvent[]> {
  const events = await api.readEvents(projectId, 1, 1e9);
  if (!events.ok) throw new Error(events.message);
  return events.value;
}
