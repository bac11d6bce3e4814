/**
 * One attempt of one task: choose a model, set its worst case aside, call it (streaming
 * to the screen, checkpointing to the log), and repair an answer that fails its contract
 * at most `maxRepairs` times. What the answer means (files, a plan, a review) is for the
 * caller; this part only gets a valid answer or says why there is none.
 *
 *   choose ─▶ reserve ─▶ task-start ─▶ call ─▶ settle ─▶ valid? ──yes──▶ answered (settlement
 *                                                                           travels with it)
 *     │          │                       │                 └─no─▶ repair (reserve, call…)
 *     │          └─ refused: budget      └─ error / cancelled       └─ out of repairs: malformed
 *     └─ none available
 */
import type { AgentInput, AgentRole, Finding } from '../agents/index.ts';
import { repairPrompt } from '../agents/index.ts';
import { type CostGovernor, type MeasuredText, measure } from '../budget/index.ts';
import type { EventDraft } from '../events/catalog.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { TaskRow } from '../events/projections/rows.ts';
import type { Actor } from '../events/schemas/common.ts';
import { validateOutput } from '../artifacts/parse-output.ts';
import type { ProviderAdapter } from '../providers/contract/provider-adapter.ts';
import type { PromptCacheHint, ProviderMessage, ProviderRequest } from '../providers/contract/provider-request.ts';
import type { ResilienceObserver } from '../providers/resilience/resilience-records.ts';
import { taskSignals } from '../router/index.ts';
import { agentInputFor } from './agent-input.ts';
import { type CallResult, callModel } from './call-model.ts';
import { Checkpointer } from './calls/checkpointer.ts';
import { type MeteredRoute, type TotalUsage, chooseRoute, sentUtf8Bytes } from './calls/metered-call.ts';
import { estimateTokens } from './context.ts';
import type { RunnerDeps } from './run-context.ts';
import type { ModelChoice } from './model-choice.ts';

/** Where a call goes: a routed model, or the Template provider (no AI, no cost). */
export type Destination =
  | { kind: 'model'; choice: ModelChoice; route: MeteredRoute; adapter: ProviderAdapter }
  | { kind: 'template'; model: string; adapter: ProviderAdapter };

/** What one model call needs: the runner's store, router, providers and limits, with the project's governor. */
export interface TaskRunnerDeps extends Pick<
  RunnerDeps,
  'store' | 'bus' | 'chooser' | 'limits' | 'readiness' | 'adapter' | 'template'
> {
  projectId: string;
  governor: CostGovernor;
  /** A fresh id for a reservation in the log. */
  newId(): string;
}

export type TaskAttemptOutcome<T> =
  | {
      kind: 'answered';
      value: T;
      text: string;
      usage: TotalUsage;
      repairs: number;
      destination: Destination;
      attempt: number;
      latencyMs: number;
      /**
       * The last call's `cost-settle` (and any `cost-violate`), not yet in the log: the
       * caller writes them ahead of the completion, in the same append.
       */
      settlement: EventDraft[];
      /**
       * The write of the attempt's `task-start`, maybe still in flight: an answer comes
       * back without waiting for it, so the caller appends the completion on condition
       * that the start is in the state (`AppendOptions.requires`), or awaits this.
       */
      started: Promise<unknown>;
    }
  | { kind: 'budget'; message: string }
  | { kind: 'unavailable'; message: string }
  | {
      kind: 'failed';
      attempt: number;
      errorKind: string;
      message: string;
      retryable: boolean;
      destination: Destination | null;
    }
  | {
      /**
       * The provider declined (a refusal, a blocked prompt, a filter that cut the answer):
       * an outcome of that model on this task, which the router has already observed.
       */
      kind: 'refused';
      attempt: number;
      armId: string | null;
      /** Our sentence with the provider's own words in it. */
      message: string;
      explanation: string;
      /** The prompt was blocked: another model of the same provider would see the same prompt. */
      promptBlocked: boolean;
    }
  | {
      kind: 'stopped';
      attempt: number;
      reason: StopReason;
      /** The model the stopped call went to (null: the Template provider). */
      armId: string | null;
    }
  | { kind: 'loop'; attempt: number; message: string }
  /** The run was paused or stopped before the attempt's start was written: no call went out, the task waits. */
  | { kind: 'not-started' };

export type { TotalUsage };

const system: Actor = { kind: 'system', component: 'orchestrator' };

/**
 * Why a call was aborted: the person cancelled its task, stopped everything, or chose
 * another model for it (the one it went to was silent).
 */
export type StopReason = 'cancel' | 'emergency' | 'switch';

/**
 * Runs one attempt of `task` with `agent`. `extraCheck` adds the checks a schema cannot
 * express (a plan's graph, whether edit blocks fit the files); its errors are repaired like schema errors.
 */
export async function runTaskAttempt<T>(
  deps: TaskRunnerDeps,
  state: ProjectState,
  task: TaskRow,
  agent: AgentRole<T>,
  options: {
    signal: AbortSignal;
    findings: Finding[];
    template: string | null;
    extraCheck?: (value: T) => string[] | Promise<string[]>;
    /** What the person said to the team so far (the Project Manager plans with it). */
    conversation?: AgentInput['conversation'];
    /** Models that declined this task: not chosen again for it. */
    avoidArms?: ReadonlySet<string>;
    /**
     * Whether the attempt may still start, checked on the state its `task-start` folds on:
     * a pause or stop written since the launch was decided wins, and no call goes out.
     */
    mayStart?: (state: ProjectState) => boolean;
  },
): Promise<TaskAttemptOutcome<T>> {
  const attempt = task.attempt + 1;
  const project = state.project;
  const preference = project?.preference ?? 'balanced';
  const taskType = task.kind === 'fix' ? 'fix' : agent.taskType;
  const readiness = options.template ? [] : await deps.readiness();

  // The model first, so the context can be trimmed to its window. A model whose worst
  // case does not fit what is left of the budget is passed over for the next best one;
  // only when none fits does the run stop for the budget.
  const roughInput = estimateTokens(task.instructions) + 2000;
  /** The router's records of this attempt not yet written: they go with its next append. */
  const routeEvents: EventDraft[] = [];
  const writeRouteEvents = async (more: EventDraft[] = []) => {
    const events = [...routeEvents.splice(0), ...more];
    if (events.length > 0) await deps.store.append(deps.projectId, events);
  };
  const passedOver = new Set<string>();
  /** The reservation of the call under way: its retries are charged to it. */
  let reservation: string | undefined;
  let destination: Destination;
  let messages: ProviderMessage[];
  /** The messages' contents, measured: a repair's reservation counts the first prompt from its count. */
  let measuredContents: MeasuredText[] = [];
  /** What the first call sends, in UTF-8 bytes: counted once, for the check below and its reservation. */
  let firstSentBytes = 0;
  // What the task is about, for the router: read once, not on every pass-over.
  const signals = taskSignals({ instructions: task.instructions, files: task.expectedArtifacts });
  /** The start of the prompt other tasks of this role send too, for the providers' prompt caches. */
  let cache: PromptCacheHint | undefined;
  for (;;) {
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
        await writeRouteEvents();
        const budgetStop = routed.budget || passedOver.size > 0;
        if (!budgetStop && options.avoidArms && options.avoidArms.size > 0) {
          return { kind: 'unavailable', message: 'No other model can take this task.' };
        }
        return {
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
        onRetry: (record) =>
          deps.store.append(deps.projectId, [
            {
              type: 'call-retry',
              actor: system,
              payload: { ...record, taskId: task.taskId, ...(reservation ? { reservationId: reservation } : {}) },
            },
          ]),
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
      messages = [
        { role: 'user', content: agent.templateMessage?.(input) ?? (input.project.description || input.project.name) },
      ];
      break;
    }
    const prompt = agent.measuredPrompt(input);
    messages = [{ role: 'user', content: prompt.text }];
    const stablePrefixChars = agent.stablePrefixChars?.(input) ?? 0;
    const blockEnds = agent.stableBlockEnds?.(input) ?? [];
    cache = {
      key: `${deps.projectId}:${agent.role}`,
      stablePrefixChars,
      ...(blockEnds.length > 0 ? { blockEnds } : {}),
    };
    measuredContents = [prompt];
    firstSentBytes = sentUtf8Bytes(agent.systemPrompt, measuredContents, agent.responseFormat);
    if (destination.route.fits({ utf8Bytes: firstSentBytes, maxOutputTokens: agent.maxOutputTokens })) break;
    routeEvents.push(...destination.route.withdraw());
    passedOver.add(destination.choice.armId);
  }

  const model = destination.kind === 'model' ? destination.choice.model : destination.model;
  const provider = destination.kind === 'model' ? destination.choice.provider : 'template';
  const route = destination.kind === 'model' ? destination.route : null;
  const request = (): ProviderRequest => ({
    model,
    system: agent.systemPrompt,
    messages: [...messages],
    maxOutputTokens: agent.maxOutputTokens,
    responseFormat: agent.responseFormat,
    ...(cache ? { cache } : {}),
  });
  const totals = (): TotalUsage => ({ ...(route?.totals ?? { inputTokens: 0, outputTokens: 0, costUsd: 0 }) });

  // A model call leaves only once its task-start and reservation are committed: it is
  // billed as soon as it goes out, so the log must know of it even if the tab dies the
  // next instant (a fresh runner charges it, `closeInterrupted`). The Template provider
  // bills nothing: its call starts once task-start is folded into the state, and its
  // answer goes back without waiting for the commit (see `started`).
  let startWritten: Promise<unknown> = Promise.resolve();
  /** The start was refused because the run no longer lets the task start (`mayStart`). */
  let notStarted = false;
  const mayStart = options.mayStart;
  const writeStart = async (reserved: EventDraft[]) => {
    let folded = () => undefined as void;
    const startFolded = new Promise<void>((resolve) => (folded = resolve));
    const routed = routeEvents.splice(0);
    startWritten = deps.store
      .append(
        deps.projectId,
        [
          ...routed,
          ...reserved,
          { type: 'task-start', actor: system, payload: { taskId: task.taskId, attempt, provider, model } },
        ],
        {
          folded,
          ...(mayStart
            ? {
                requires: {
                  holds: (current: ProjectState) => {
                    notStarted = !mayStart(current);
                    return !notStarted;
                  },
                  message: `The run was paused or stopped before task ${task.taskId} started.`,
                },
              }
            : {}),
        },
      )
      .catch((error: unknown) => {
        // Its router records go with the withdrawal instead (`closeRoute`).
        if (notStarted) routeEvents.unshift(...routed);
        throw error;
      });
    void startWritten.catch(() => undefined); // awaited below, or by whoever completes the answer
    if (route) await startWritten;
    else await Promise.race([startFolded, startWritten]);
  };

  let started = performance.now();
  /**
   * Closes the route when the attempt gives no answer: a call that failed or was stopped
   * teaches nothing about the model (withdrawn); an answer that never met its contract is
   * the model's doing (quality 0).
   */
  const closeRoute = async (how: 'withdraw' | 'worthless') => {
    if (route)
      routeEvents.push(...(how === 'withdraw' ? route.withdraw() : route.observe(0, performance.now() - started)));
    await writeRouteEvents();
  };
  /** Live text to the screen: `reset` starts the task's output afresh (a new call). */
  const publish = (text: string, reset: boolean) =>
    deps.bus.publish(deps.projectId, { taskId: task.taskId, attempt, role: agent.role, provider, model, text, reset });
  let previousText: string | null = null;
  for (let repairs = 0; ; repairs += 1) {
    const first = repairs === 0;
    const checkpoints = new Checkpointer({ ...deps, taskId: task.taskId, attempt });
    const onDelta = (delta: string) => {
      publish(delta, false);
      checkpoints.add(delta);
    };
    const beforeCall = async (reserved: EventDraft[]) => {
      for (const event of reserved) if (event.type === 'cost-reserve') reservation = event.payload.reservationId;
      if (first) {
        await writeStart(reserved);
        started = performance.now();
      } else await writeRouteEvents(reserved);
      publish('', true);
    };
    let result: CallResult;
    let settled: EventDraft[] = [];
    try {
      if (route) {
        const made = await route.call({
          adapter: destination.adapter,
          request: request(),
          size: {
            utf8Bytes: first
              ? firstSentBytes
              : sentUtf8Bytes(agent.systemPrompt, measuredContents, agent.responseFormat),
            maxOutputTokens: agent.maxOutputTokens,
          },
          signal: options.signal,
          onDelta,
          beforeCall,
        });
        if (made.kind === 'budget') {
          if (!first) await startWritten;
          await closeRoute('withdraw');
          return { kind: 'budget', message: made.message };
        }
        ({ result, settled } = made);
      } else {
        await beforeCall([]);
        result = await callModel(destination.adapter, request(), options.signal, onDelta);
      }
    } catch (error) {
      if (!notStarted) throw error;
      await closeRoute('withdraw');
      return { kind: 'not-started' };
    }
    await checkpoints.done();
    const checked = options.signal.aborted || result.error ? null : validateOutput(agent.output, result.text);
    const errors = checked ? (checked.ok ? ((await options.extraCheck?.(checked.value)) ?? []) : checked.errors) : [];
    if (!(checked?.ok && errors.length === 0)) await startWritten;
    if (checked?.ok && errors.length === 0) {
      return {
        kind: 'answered',
        value: checked.value,
        text: result.text,
        usage: totals(),
        repairs,
        destination,
        attempt,
        latencyMs: performance.now() - started,
        settlement: settled,
        started: startWritten,
      };
    }
    // No answer to complete: what the call cost goes into the log at once.
    if (settled.length > 0) await deps.store.append(deps.projectId, settled);

    if (options.signal.aborted) {
      const why: unknown = options.signal.reason;
      const reason: StopReason = why === 'emergency' || why === 'switch' ? why : 'cancel';
      await closeRoute('withdraw');
      return {
        kind: 'stopped',
        attempt,
        reason,
        armId: destination.kind === 'model' ? destination.choice.armId : null,
      };
    }
    if (result.error?.kind === 'refused') {
      // The model's own answer to this task: the router learns it, as it does a worthless one.
      await closeRoute('worthless');
      return {
        kind: 'refused',
        attempt,
        armId: destination.kind === 'model' ? destination.choice.armId : null,
        message: result.error.message,
        explanation: result.error.explanation ?? result.error.message,
        promptBlocked: result.error.promptBlocked,
      };
    }
    if (result.error) {
      await closeRoute('withdraw');
      return {
        kind: 'failed',
        attempt,
        errorKind: result.error.kind,
        // The cause alone: what to do about it depends on whether the task is retried,
        // which the runner decides (its pause sentence says the one way on).
        message: result.error.message,
        retryable: result.error.isRetryable,
        destination,
      };
    }
    if (previousText !== null && previousText === result.text) {
      await closeRoute('worthless');
      return {
        kind: 'loop',
        attempt,
        message: `The ${agent.title} sent the same invalid answer again after being told what was wrong; stopping instead of paying for more of the same.`,
      };
    }
    if (result.finish === 'length')
      errors.unshift(
        'The answer was cut off at the output limit: make it shorter (fewer or smaller files) and complete.',
      );
    if (repairs >= deps.limits.maxRepairs) {
      await closeRoute('worthless');
      return {
        kind: 'failed',
        attempt,
        errorKind: 'malformed_output',
        message: `The ${agent.title}'s answer still did not match what was asked after ${repairs} repair${repairs === 1 ? '' : 's'}: ${errors.slice(0, 3).join('; ')}`,
        retryable: true,
        destination,
      };
    }
    previousText = result.text;
    const repair = repairPrompt(errors, result.text);
    messages.push({ role: 'assistant', content: result.text }, { role: 'user', content: repair });
    measuredContents.push(measure(result.text), measure(repair));
  }
}
