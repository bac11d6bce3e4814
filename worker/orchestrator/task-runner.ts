/**
 * One attempt of one task: choose a model, set its worst case aside, call it (streaming
 * to the screen, checkpointing to the log), and repair an answer that fails its contract
 * at most `maxRepairs` times. What the answer means (files, a plan, a review) is for the
 * caller; this part only gets a valid answer or says why there is none. Where the call
 * goes is `chooseDestination` (attempt-destination.ts); writing its start is `AttemptStart`
 * (attempt-start.ts); the outcomes are task-attempt-outcome.ts.
 *
 *   choose ─▶ reserve ─▶ task-start ─▶ call ─▶ settle ─▶ valid? ──yes──▶ answered (settlement
 *                                                                           travels with it)
 *     │          │                       │                 └─no─▶ repair (reserve, call…)
 *     │          └─ refused: budget      └─ error / cancelled       └─ out of repairs: malformed
 *     └─ none available
 */
import type { AgentInput, AgentRole, Finding } from '../agents/index.ts';
import { repairPrompt } from '../agents/index.ts';
import { type CostGovernor, measure } from '../budget/index.ts';
import type { EventDraft } from '../events/catalog.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { TaskRow } from '../events/projections/rows.ts';
import { validateOutput } from '../artifacts/parse-output.ts';
import type { ProviderRequest } from '../providers/contract/provider-request.ts';
import { chooseDestination } from './attempt-destination.ts';
import { AttemptStart } from './attempt-start.ts';
import { type CallResult, callModel } from './call-model.ts';
import { Checkpointer } from './calls/checkpointer.ts';
import { type TotalUsage, sentUtf8Bytes } from './calls/metered-call.ts';
import type { RunnerDeps } from './run-context.ts';
import type { StopReason, TaskAttemptOutcome } from './task-attempt-outcome.ts';

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
  /** The router's records of this attempt not yet written: they go with its next append. */
  const routeEvents: EventDraft[] = [];
  const writeRouteEvents = async (more: EventDraft[] = []) => {
    const events = [...routeEvents.splice(0), ...more];
    if (events.length > 0) await deps.store.append(deps.projectId, events);
  };
  /** The reservation of the call under way: its retries are charged to it. */
  let reservation: string | undefined;
  const routed = await chooseDestination(deps, state, task, agent, attempt, routeEvents, {
    findings: options.findings,
    template: options.template,
    ...(options.conversation ? { conversation: options.conversation } : {}),
    ...(options.avoidArms ? { avoidArms: options.avoidArms } : {}),
    reservationId: () => reservation,
  });
  if (!routed.ok) {
    await writeRouteEvents();
    return { kind: routed.kind, message: routed.message };
  }
  const { destination, messages, measuredContents, firstSentBytes, cache } = routed;

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

  const start = new AttemptStart(
    deps,
    { task, attempt, provider, model, billed: route !== null, mayStart: options.mayStart },
    routeEvents,
  );
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
        await start.write(reserved);
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
          if (!first) await start.written;
          await closeRoute('withdraw');
          return { kind: 'budget', message: made.message };
        }
        ({ result, settled } = made);
      } else {
        await beforeCall([]);
        result = await callModel(destination.adapter, request(), options.signal, onDelta);
      }
    } catch (error) {
      if (!start.notStarted) throw error;
      await closeRoute('withdraw');
      return { kind: 'not-started' };
    }
    await checkpoints.done();
    const checked = options.signal.aborted || result.error ? null : validateOutput(agent.output, result.text);
    const errors = checked ? (checked.ok ? ((await options.extraCheck?.(checked.value)) ?? []) : checked.errors) : [];
    if (!(checked?.ok && errors.length === 0)) await start.written;
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
        started: start.written,
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
