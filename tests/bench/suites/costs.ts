/**
 * `npm run bench -- costs`: what prompt caching takes off the bill. The 41-task plan
 * (8 chains of 5 tasks and a review) runs through the real engine (fake-indexeddb in
 * Node) and each provider's real SDK against the simulator, whose cache model follows
 * each provider's rules (prefix match, 1,024-token minimum, 5-minute lifetime, the
 * cached-token fields). Only that provider has a key, so the router chooses among its
 * models. The same run is billed twice from its own settled usage: as the providers bill
 * it (cache reads and writes at their prices) and as it would be billed with no cache at
 * all (every input token at the input price), which is the baseline. Each provider's
 * figures are five runs billed together.
 */
// The engine's database in Node, as the unit tests run it (the other suites run in Chromium).
import 'fake-indexeddb/auto';
import { ulid } from 'ulid';
import type { OrchestraEvent } from '../../../worker/events/catalog.ts';
import type { ProviderId, RemoteProviderId } from '../../../worker/providers/contract/provider-id.ts';
import type { ProviderRequest } from '../../../worker/providers/contract/provider-request.ts';
import { cachePrices } from '../../../worker/providers/catalog.ts';
import { defaultCatalog, mulberry32 } from '../../../worker/router/index.ts';
import { systemPromptOf } from '../../sim/agent-script.ts';
import type { RecordedRequest } from '../../sim/simulator.ts';
import { answerFor, chainsPlan } from '../engine/plans.ts';
import { type BenchResult, withBaseline } from '../result.ts';

const providers: readonly RemoteProviderId[] = ['anthropic', 'openai', 'gemini'];
const arms = new Map(defaultCatalog.map((arm) => [arm.id, arm]));

/** The first user message of a request, from any of the three wire formats. */
function userTextOf(body: unknown): string {
  const record = (body ?? {}) as {
    messages?: { role?: string; content?: unknown }[];
    contents?: { parts?: { text?: string }[] }[];
  };
  const textOf = (content: unknown): string =>
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? (content as { text?: string }[]).map((part) => part.text ?? '').join('')
        : '';
  const user = record.messages?.find((message) => message.role === 'user');
  if (user) return textOf(user.content);
  return (record.contents?.[0]?.parts ?? []).map((part) => part.text ?? '').join('');
}

interface Billing {
  inputTokens: number;
  cachedTokens: number;
  withCacheUsd: number;
  withoutCacheUsd: number;
  calls: number;
}

/** Bills a run's settled calls from its log, with and without the providers' caches. */
function billingOf(events: readonly OrchestraEvent[]): Billing {
  const armOf = new Map<string, string>();
  const billing: Billing = { inputTokens: 0, cachedTokens: 0, withCacheUsd: 0, withoutCacheUsd: 0, calls: 0 };
  for (const event of events) {
    if (event.type === 'cost-reserve') armOf.set(event.payload.reservationId, event.payload.armId);
    if (event.type !== 'cost-settle') continue;
    const arm = arms.get(armOf.get(event.payload.reservationId) ?? '');
    if (!arm) continue;
    const provider = (arm.provider === 'google' ? 'gemini' : arm.provider) as ProviderId;
    const prices = cachePrices(provider, arm.model ?? arm.id, arm.inputPricePerMillion);
    const input = event.payload.inputTokens;
    const cached = Math.min(input, event.payload.cachedInputTokens ?? 0);
    const written = Math.min(input - cached, event.payload.cacheWriteTokens ?? 0);
    billing.calls += 1;
    billing.inputTokens += input;
    billing.cachedTokens += cached;
    billing.withoutCacheUsd += (input * arm.inputPricePerMillion) / 1_000_000;
    billing.withCacheUsd +=
      ((input - cached - written) * arm.inputPricePerMillion +
        cached * prices.cachedInput +
        written * prices.cacheWrite) /
      1_000_000;
  }
  return billing;
}

/** One run of the 41-task plan on one provider; its log. */
async function runOn(provider: RemoteProviderId): Promise<OrchestraEvent[]> {
  const [{ startSimulator }, { OrchestraDb }, { createEngine }, { createWorkerApi }, { ProviderService }] =
    await Promise.all([
      import('../../sim/simulator.ts'),
      import('../../../worker/db/database.ts'),
      import('../../../worker/engine.ts'),
      import('../../../worker/api.ts'),
      import('../../../worker/providers/provider-service.ts'),
    ]);
  const sim = await startSimulator({ promptCache: true });
  const plan = chainsPlan(8, 5);
  const project = `costs-${provider}`;
  sim.respond(provider, (request: RecordedRequest) => {
    const system = systemPromptOf(request);
    if (!/\(role: [a-z-]+\)/.test(system)) return undefined;
    const asked: ProviderRequest = {
      model: 'm',
      system,
      messages: [{ role: 'user', content: userTextOf(request.body) }],
      maxOutputTokens: 1,
    };
    return {
      kind: 'json',
      value: JSON.parse(answerFor(asked, plan, project).text) as unknown,
      // A model reads a prompt of thousands of tokens before its first one; Anthropic makes
      // what a request caches readable only then, so calls sent meanwhile cannot read it.
      firstTokenMs: firstTokenMs,
    };
  });
  const db = new OrchestraDb(`orchestra-costs-${provider}-${ulid()}`);
  try {
    const api = createWorkerApi({
      db,
      engine: createEngine(db),
      storage: undefined,
      appOrigin: '',
      providers: (options) => Promise.resolve(new ProviderService(db, options)),
      orchestrator: {
        limits: { maxPlanTasks: 500, maxRunTasks: 1000, maxRunTokens: 1_000_000_000 },
        random: mulberry32(7),
        templateDelayMs: 0,
      },
    });
    await api.updateProvider(provider, { baseUrl: sim.baseUrl(provider) });
    await api.setKey(provider, `${provider === 'gemini' ? 'AIza' : 'sk-'}bench-costs-key-0000000000`);
    const created = await api.createProject({
      name: 'Inventory',
      description: 'An inventory service: stock per SKU, restocking, a search page, and tests.',
      budgetUsd: 500,
      maxParallel: 8,
      autoApprove: true,
    });
    if (!created.ok) throw new Error(created.message);
    const { projectId } = created.value;
    await api.openProject(projectId);
    await api.startRun(projectId);
    const started = Date.now();
    for (;;) {
      const view = await api.getProjectView(projectId);
      if (view.ok && view.value.project.runStatus !== 'running' && view.value.project.plan?.status === 'approved') {
        if (view.value.project.runStatus !== 'stopped') {
          throw new Error(
            `The ${provider} run ended ${view.value.project.runStatus}: ${view.value.project.pauseReason}`,
          );
        }
        break;
      }
      if (Date.now() - started > 600_000) throw new Error(`The ${provider} run did not finish in 10 minutes.`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const events = await api.readEvents(projectId, 1, 1e9);
    if (!events.ok) throw new Error(events.message);
    return events.value;
  } finally {
    db.close();
    await sim.close();
  }
}

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Runs per provider, billed together. The router's choices follow the run's timing (its
 * observed latencies and the calls in flight), so one run may send a task or two to a
 * dearer model than the next: one Opus call among Haiku ones is half the bill.
 */
const runsPerProvider = 5;

/** The time to a first token of every answer: about what Haiku takes on a prompt of ten thousand tokens. */
const firstTokenMs = 500;

export async function costsSuite(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const provider of providers) {
    const billing: Billing = { inputTokens: 0, cachedTokens: 0, withCacheUsd: 0, withoutCacheUsd: 0, calls: 0 };
    for (let run = 0; run < runsPerProvider; run++) {
      const one = billingOf(await runOn(provider));
      for (const field of ['inputTokens', 'cachedTokens', 'withCacheUsd', 'withoutCacheUsd', 'calls'] as const) {
        billing[field] += one[field];
      }
      process.stdout.write(
        `${provider} run ${run + 1}: ${one.calls} calls, ${one.inputTokens} input tokens, ${one.cachedTokens} read from cache, billed input ${round(one.withCacheUsd / one.withoutCacheUsd, 3)} of uncached\n`,
      );
    }
    const share = billing.inputTokens > 0 ? billing.cachedTokens / billing.inputTokens : 0;
    const implicit = provider === 'gemini';
    results.push(
      withBaseline({
        metric: `billed_input_usd_with_cache_${provider}`,
        value: round(billing.withCacheUsd, 6),
        unit: 'USD',
        baseline: { name: 'same_run_without_cache', value: round(billing.withoutCacheUsd, 6) },
        target: implicit ? 'report (implicit cache)' : '<= 0.5 of baseline',
      }),
      {
        metric: `cache_read_share_of_input_tokens_${provider}`,
        value: round(share, 3),
        unit: 'share',
        target: implicit ? 'report (implicit cache)' : '>= 0.6',
      },
    );
  }
  return results;
}
