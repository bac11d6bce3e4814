/**
 * Where an attempt's first call goes and what it sends: the router's best model whose
 * worst case fits what is left of the budget and whose window fits the prompt trimmed for
 * it, or the Template provider. A model that does not fit is passed over for the next
 * best; only when none is left does the attempt end (budget, or no model available).
 *
 *   choose ─▶ adapter ─▶ prompt for its window ─▶ fits? ──yes──▶ destination
 *     │                                             └─no─▶ withdraw, pass it over, choose again
 *     └─ none: budget / unavailable
 */
import type { AgentInput, AgentRole, Finding } from '../agents/index.ts';
import type { MeasuredText } from '../budget/index.ts';
import type { EventDraft } from '../events/catalog.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { TaskRow } from '../events/projections/rows.ts';
import type { PromptCacheHint, ProviderMessage } from '../providers/contract/provider-request.ts';
import type { ResilienceObserver } from '../providers/resilience/resilience-records.ts';
import { taskSignals } from '../router/index.ts';
import { agentInputFor } from './agent-input.ts';
import { chooseRoute, sentUtf8Bytes } from './calls/metered-call.ts';
import { estimateTokens } from './context.ts';
import { readLaterExpected } from './prompt-sharing.ts';
import { system } from './run-context.ts';
import type { Destination } from './task-attempt-outcome.ts';
import type { TaskRunnerDeps } from './task-runner.ts';

/** Where the first call goes, and the prompt it sends. */
export interface Routed {
  ok: true;
  destination: Destination;
  messages: ProviderMessage[];
  /** The messages' contents, measured: a repair's reservation counts the first prompt from its count. */
  measuredContents: MeasuredText[];
  /** What the first call sends, in UTF-8 bytes: counted once, for the fit and its reservation. */
  firstSentBytes: number;
  /** The start of the prompt other tasks of this role send too, for the providers' prompt caches. */
  cache?: PromptCacheHint;
}

export interface DestinationOptions {
  findings: Finding[];
  template: string | null;
  conversation?: AgentInput['conversation'];
  avoidArms?: ReadonlySet<string>;
  /** The reservation of the call under way, which a retry of it is charged to. */
  reservationId: () => string | undefined;
}

/**
 * Chooses where the attempt's first call goes. The router's records are pushed onto
 * `routeEvents` (the attempt's records not yet written); the caller writes them, with the
 * start or, when no model is left, before the attempt ends.
 */
export async function chooseDestination<T>(
  deps: TaskRunnerDeps,
  state: ProjectState,
  task: TaskRow,
  agent: AgentRole<T>,
  attempt: number,
  routeEvents: EventDraft[],
  options: DestinationOptions,
): Promise<Routed | { ok: false; kind: 'budget' | 'unavailable'; message: string }> {
  const preference = state.project?.preference ?? 'balanced';
  const taskType = task.kind === 'fix' ? 'fix' : agent.taskType;
  const readiness = options.template ? [] : await deps.readiness();
  // The model first, so the context can be trimmed to its window.
  const roughInput = estimateTokens(task.instructions) + 2000;
  const passedOver = new Set<string>();
  // What the task is about, for the router: read once, not on every pass-over.
  const signals = taskSignals({ instructions: task.instructions, files: task.expectedArtifacts });
  for (;;) {
    let destination: Destination;
    if (options.template) {
      destination = { kind: 'template', model: `template:${options.template}`, adapter: deps.template() };
    } else {
      const budget = deps.governor.status();
      const remaining = Math.max(1, [...state.tasks.values()].filter((row) => row.status === 'scheduled').length);
      const routed = chooseRoute(
        deps,
        {
          taskType,
          preference,
          inputTokens: roughInput,
          outputTokens: agent.maxOutputTokens / 2,
          attempt,
          language: state.plan?.languages[0],
          signals,
          budgetRemainingUsd: budget.availableUsd,
          allowanceUsd: deps.governor.allowance(remaining),
        },
        readiness,
        {
          taskId: task.taskId,
          passedOver:
            options.avoidArms && options.avoidArms.size > 0
              ? new Set([...passedOver, ...options.avoidArms])
              : passedOver,
        },
      );
      routeEvents.push(...routed.events);
      if (!routed.ok) {
        const budgetStop = routed.budget || passedOver.size > 0;
        if (!budgetStop && options.avoidArms && options.avoidArms.size > 0) {
          return { ok: false, kind: 'unavailable', message: 'No other model can take this task.' };
        }
        return {
          ok: false,
          kind: budgetStop ? 'budget' : 'unavailable',
          message:
            budgetStop && !routed.budget
              ? `Budget reached — raise it or stop. No model can do this task within the $${Math.max(0, budget.availableUsd).toFixed(4)} left of the $${budget.budgetUsd.toFixed(2)} budget.`
              : routed.message,
        };
      }
      // Each retry of this task's calls is a line in the feed, written before the retry
      // goes out: a billed one is charged to the call's reservation if the tab dies.
      const retries: ResilienceObserver = {
        onRetry: (record) => {
          const reservation = options.reservationId();
          return deps.store.append(deps.projectId, [
            {
              type: 'call-retry',
              actor: system,
              payload: { ...record, taskId: task.taskId, ...(reservation ? { reservationId: reservation } : {}) },
            },
          ]);
        },
      };
      const { route } = routed;
      destination = {
        kind: 'model',
        choice: route.choice,
        route,
        adapter: await deps.adapter(route.choice.provider, retries),
      };
    }

    const contextWindow = destination.kind === 'model' ? destination.choice.contextWindow : 1_000_000;
    const budgetTokens = Math.max(2000, Math.min(60_000, Math.floor(contextWindow * 0.6) - agent.maxOutputTokens));
    const input = await agentInputFor(state, task, agent, {
      readBlob: (hash) => deps.store.blob(hash),
      budgetTokens,
      findings: options.findings,
      maxPlanTasks: deps.limits.maxPlanTasks,
      ...(options.conversation ? { conversation: options.conversation } : {}),
    });
    // The Template provider builds from the description alone; models get the whole prompt.
    if (destination.kind === 'template') {
      const content = agent.templateMessage?.(input) ?? (input.project.description || input.project.name);
      return { ok: true, destination, messages: [{ role: 'user', content }], measuredContents: [], firstSentBytes: 0 };
    }
    const prompt = agent.measuredPrompt(input);
    const stablePrefixChars = agent.stablePrefixChars?.(input) ?? 0;
    const blockEnds = agent.stableBlockEnds?.(input) ?? [];
    const measuredContents = [prompt];
    const firstSentBytes = sentUtf8Bytes(agent.systemPrompt, measuredContents, agent.responseFormat);
    if (destination.route.fits({ utf8Bytes: firstSentBytes, maxOutputTokens: agent.maxOutputTokens })) {
      return {
        ok: true,
        destination,
        messages: [{ role: 'user', content: prompt.text }],
        measuredContents,
        firstSentBytes,
        cache: {
          key: `${deps.projectId}:${agent.role}`,
          stablePrefixChars,
          ...(blockEnds.length > 0 ? { blockEnds } : {}),
          readLater: readLaterExpected(state, task),
        },
      };
    }
    routeEvents.push(...destination.route.withdraw());
    passedOver.add(destination.choice.armId);
  }
}
