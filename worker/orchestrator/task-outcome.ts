/**
 * What an attempt's outcome (`task-runner.ts`) becomes in the log, and whether the run
 * goes on: an answer is completed (its task agent says what it becomes), a failure
 * retried while attempts remain, a refusal sent once to another model, a stop recorded
 * as a cancel or an interruption; anything else pauses the run with a sentence naming
 * the task and the one way on. The runner (`runner.ts`) calls `settle` once per attempt.
 *
 *   answered ─▶ completion (files / plan / review) ─▶ append, requires the attempt's start
 *   failed ──▶ retryable and attempts left? ─▶ task-retry, else pause (failure)
 *   refused ─▶ first refusal? ─▶ task-retry on another model, else pause (failure)
 *   budget / unavailable / loop ─▶ pause;  stopped ─▶ task-cancel / task-interrupt (+ retry on a switch)
 */
import type { AgentRole } from '../agents/index.ts';
import type { EventDraft, OrchestraEvent } from '../events/catalog.ts';
import type { TaskRow } from '../events/projections/rows.ts';
import { errorKindSchema } from '../providers/contract/error-kind.ts';
import { providerIdSchema, providerLabels } from '../providers/contract/provider-id.ts';
import { remedy } from '../providers/contract/provider-error.ts';
import { startSource } from '../run-state/start-source.ts';
import { taskDeclinedSentence, taskFailedSentence, taskLoopSentence } from '../run-state/task-stop-sentences.ts';
import { type TaskRefusal, refusalsFromLog } from './refusal-memory.ts';
import { type RunContext, system } from './run-context.ts';
import type { Answer } from './task-agent.ts';
import type { AnswerFacts } from './task-completion.ts';
import type { TaskAttemptOutcome } from './task-attempt-outcome.ts';

/** What the outcomes need of the runner beyond its context: its halt, and the slot of a task. */
export interface OutcomeHooks {
  /** The disk refused a write: nothing more is written until Continue. */
  halted(): boolean;
  /** The task's completion is folded: its slot is free for the tasks that wait on it. */
  release(taskId: string): void;
}

export class TaskOutcomes {
  /**
   * Tasks a provider declined, by the models that declined them and the last sentence
   * said: the next attempt goes to another model, once. Cleared when the person retries
   * the task (perhaps with new instructions), so every model may try it again.
   */
  readonly refusals = new Map<string, TaskRefusal>();
  /**
   * Tasks whose call the person stopped to switch models (the model was silent), by the
   * model left: the next attempt goes to another one. That attempt only: the model may
   * answer again later.
   */
  readonly switchedFrom = new Map<string, string>();
  /** The completion being written, so the next is computed from the state it leaves. */
  private completing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: RunContext,
    private readonly hooks: OutcomeHooks,
  ) {}

  /** The models that declined a task, read from the log: not asked again after a reload either. */
  rememberRefusals(events: Iterable<OrchestraEvent>): void {
    for (const [taskId, refusal] of refusalsFromLog(events)) {
      if (!this.refusals.has(taskId)) this.refusals.set(taskId, refusal);
    }
  }

  /** Turns an attempt's outcome into events, and decides whether the run goes on. */
  async settle(task: TaskRow, agent: AgentRole<unknown>, outcome: TaskAttemptOutcome<Answer>): Promise<void> {
    const { taskId } = task;
    switch (outcome.kind) {
      case 'answered': {
        // One completion at a time: each is computed from the state the previous one left
        // (two reviews finishing together must not both name their re-review "review-2").
        // That state is there once the previous completion is folded, before it commits,
        // so completions finishing together still share a transaction.
        const previous = this.completing;
        let next = () => undefined as void;
        this.completing = new Promise<void>((resolve) => (next = resolve));
        // Once the completion is folded, the next completion may be computed, and the
        // tasks that waited on this one may start: neither waits for the write.
        const release = () => {
          next();
          this.hooks.release(taskId);
        };
        await previous;
        try {
          await this.completeAnswer(task, agent, outcome, release);
        } finally {
          release();
        }
        return;
      }
      case 'budget': {
        // Refused at a repair call, the attempt had started: back to the queue with the
        // pause, or it would stay "running" with no call behind it and never finish.
        const started = (await this.ctx.state()).tasks.get(taskId);
        await this.ctx.pause(
          'budget',
          outcome.message,
          started?.status === 'running'
            ? [
                {
                  type: 'task-interrupt',
                  actor: system,
                  payload: { taskId, attempt: started.attempt, reason: 'The budget ran out before its repair call.' },
                },
                {
                  type: 'task-retry',
                  actor: system,
                  payload: { taskId, reason: 'Runs again once the budget allows.' },
                },
              ]
            : [],
        );
        return;
      }
      case 'unavailable': {
        const refused = this.refusals.get(taskId);
        if (refused) {
          // Declined, and no other model to ask: the person decides, with the provider's words.
          await this.pauseForRefusal(task, refused.message, [
            {
              type: 'task-fail',
              actor: system,
              payload: {
                taskId,
                attempt: Math.max(1, task.attempt),
                kind: 'refused',
                message: `${refused.message} No other model can take this task.`.slice(0, 4000),
                retryable: false,
              },
            },
          ]);
          return;
        }
        // No model can take the call: the keys are locked (the banner asks for the
        // passphrase), or no provider is set up or ready (the message says which).
        const source = startSource(await this.ctx.deps.readiness());
        await this.ctx.pause(source === 'locked' ? 'keys' : 'no-model', outcome.message);
        return;
      }
      case 'refused': {
        const refused = this.refusals.get(taskId) ?? { arms: new Set<string>(), message: outcome.message };
        refused.message = outcome.message;
        if (outcome.armId) refused.arms.add(outcome.armId);
        this.refusals.set(taskId, refused);
        // A blocked prompt is about the prompt: another model would be sent the same one.
        const another = !outcome.promptBlocked && refused.arms.size === 1;
        const failure: EventDraft = {
          type: 'task-fail',
          actor: system,
          payload: {
            taskId,
            attempt: outcome.attempt,
            kind: 'refused',
            message: outcome.message.slice(0, 4000),
            retryable: another,
          },
        };
        if (another && outcome.attempt < this.ctx.deps.limits.maxAttempts) {
          // Once on another model: a refusal is the model's policy, another may not share it.
          await this.ctx.append([
            failure,
            {
              type: 'task-retry',
              actor: system,
              payload: { taskId, reason: 'The model declined this task; another model tries it.' },
            },
          ]);
          return;
        }
        await this.pauseForRefusal(task, outcome.message, [failure]);
        return;
      }
      case 'stopped':
        // Stopped by a full disk: nothing can be written; Continue recovers the task.
        if (this.hooks.halted()) return;
        if (outcome.reason === 'switch') {
          if (outcome.armId) this.switchedFrom.set(taskId, outcome.armId);
          await this.ctx.append([
            {
              type: 'task-interrupt',
              actor: { kind: 'user' },
              payload: {
                taskId,
                attempt: outcome.attempt,
                reason: `No answer from ${outcome.armId ?? 'the model'}: you switched to another model.`,
              },
            },
            {
              type: 'task-retry',
              actor: { kind: 'user' },
              payload: { taskId, reason: 'Runs again on another model.' },
            },
          ]);
          return;
        }
        await this.ctx.append([
          outcome.reason === 'cancel'
            ? {
                type: 'task-cancel',
                actor: { kind: 'user' },
                payload: { taskId, reason: 'Cancelled by you while it ran; its call was stopped.' },
              }
            : {
                type: 'task-interrupt',
                actor: { kind: 'user' },
                payload: { taskId, attempt: outcome.attempt, reason: 'Emergency stop.' },
              },
        ]);
        return;
      case 'loop':
        await this.ctx.append([
          {
            type: 'task-fail',
            actor: system,
            payload: { taskId, attempt: outcome.attempt, kind: 'loop', message: outcome.message, retryable: false },
          },
        ]);
        await this.ctx.pause('loop', taskLoopSentence(task, outcome.message).slice(0, 1000));
        return;
      case 'failed':
        await this.fail(task, outcome.attempt, outcome.errorKind, outcome.message, outcome.retryable);
        return;
      case 'not-started':
        // Paused or stopped before its start was written: it waits, as it was, for the run to go on.
        return;
    }
  }

  private async completeAnswer(
    task: TaskRow,
    agent: AgentRole<unknown>,
    outcome: Extract<TaskAttemptOutcome<Answer>, { kind: 'answered' }>,
    folded: () => void,
  ): Promise<void> {
    // The last call's settlement is written with the first append that follows, ahead of
    // the completion (one append per task fewer); whatever goes wrong, it is written.
    let settlement = outcome.settlement;
    const withSettlement = (events: EventDraft[]) => {
      const all = [...settlement, ...events];
      settlement = [];
      return all;
    };
    try {
      await this.writeCompletion(task, agent, outcome, withSettlement, folded);
    } finally {
      if (settlement.length > 0) {
        await outcome.started;
        await this.ctx.append(withSettlement([]));
      }
    }
  }

  private async writeCompletion(
    task: TaskRow,
    agent: AgentRole<unknown>,
    outcome: Extract<TaskAttemptOutcome<Answer>, { kind: 'answered' }>,
    withSettlement: (events: EventDraft[]) => EventDraft[],
    folded: () => void,
  ): Promise<void> {
    const { taskId } = task;
    const state = await this.ctx.state();
    const current = state.tasks.get(taskId) ?? task;
    const facts: AnswerFacts = {
      task: current,
      role: agent.role,
      attempt: outcome.attempt,
      text: outcome.text,
      usage: outcome.usage,
      repairs: outcome.repairs,
      destination: outcome.destination,
      durationMs: outcome.latencyMs,
    };
    const completion = await outcome.value.complete({
      state,
      facts,
      readBlob: (hash) => this.ctx.deps.store.blob(hash),
      limits: this.ctx.deps.limits,
    });
    if (completion.failure || completion.loop) {
      // Anything but the completion itself is written once the attempt's start is.
      await outcome.started;
      // A valid answer that left nothing usable is worth nothing to the router either.
      const records = withSettlement(
        outcome.destination.kind === 'model' ? outcome.destination.route.observe(0, outcome.latencyMs) : [],
      );
      if (records.length > 0) await this.ctx.append(records);
    }
    if (completion.failure) {
      await this.fail(current, outcome.attempt, 'no_files', completion.failure, true);
      return;
    }
    if (completion.loop) {
      await this.settle(task, agent, { kind: 'loop', attempt: outcome.attempt, message: completion.loop });
      return;
    }
    // The router learns from the answer's quality: its record goes into the same batch.
    const learned =
      outcome.destination.kind === 'model'
        ? outcome.destination.route.observe(completion.quality, outcome.latencyMs)
        : [];
    // Appended without waiting for the start's write: folded on top of it, it is written
    // after it or not at all. Were the start's write to fail first, the state would no
    // longer hold this attempt, and the completion is refused.
    const attempt = outcome.attempt;
    await this.ctx.deps.store.append(this.ctx.projectId, withSettlement([...completion.events, ...learned]), {
      ...(completion.blobs ? { blobs: completion.blobs } : {}),
      folded,
      requires: {
        holds: (current) => {
          const row = current.tasks.get(taskId);
          return row?.status === 'running' && row.attempt === attempt;
        },
        message: `The start of ${taskId}'s attempt ${attempt} was not saved, so its answer was not either.`,
      },
    });
  }

  /** A task no model would do: the run pauses with the provider's sentence and the ways on. */
  private async pauseForRefusal(task: TaskRow, message: string, also: EventDraft[]): Promise<void> {
    if (also.length > 0) await this.ctx.append(also);
    await this.ctx.pause('failure', taskDeclinedSentence(task, message).slice(0, 1000));
  }

  /** A failed attempt: retried automatically while attempts remain and it can help, else the run pauses. */
  async fail(task: TaskRow, attempt: number, kind: string, message: string, retryable: boolean): Promise<void> {
    const events: EventDraft[] = [
      {
        type: 'task-fail',
        actor: system,
        payload: {
          taskId: task.taskId,
          attempt,
          kind: kind.slice(0, 60),
          message: message.slice(0, 4000) || 'The task failed.',
          retryable,
        },
      },
    ];
    if (retryable && attempt < this.ctx.deps.limits.maxAttempts) {
      events.push({
        type: 'task-retry',
        actor: system,
        payload: { taskId: task.taskId, reason: `Attempt ${attempt} failed; trying again.` },
      });
      await this.ctx.append(events);
      return;
    }
    await this.ctx.append(events);
    // Name the model that failed and why, and one way on (nothing goes on without the plan).
    const parsed = providerIdSchema.safeParse(task.provider);
    const provider = parsed.success && parsed.data !== 'template' ? parsed.data : null;
    const errorKind = errorKindSchema.safeParse(kind);
    const sentence = taskFailedSentence(task, {
      on: provider && task.model ? `${providerLabels[provider]} ${task.model}` : null,
      attempts: attempt,
      cause: message || 'The task failed.',
      remedy: provider && errorKind.success ? remedy(provider, errorKind.data) : undefined,
    });
    await this.ctx.pause('failure', sentence.slice(0, 1000));
  }
}
