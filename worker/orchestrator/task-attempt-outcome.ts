/**
 * What one attempt of a task comes to (`runTaskAttempt`, task-runner.ts): an answer with
 * what it cost, or why there is none. The outcomes are data; what each becomes in the log
 * is task-outcome.ts's job.
 */
import type { EventDraft } from '../events/catalog.ts';
import type { ProviderAdapter } from '../providers/contract/provider-adapter.ts';
import type { MeteredRoute, TotalUsage } from './calls/metered-call.ts';
import type { ModelChoice } from './model-choice.ts';

/** Where a call goes: a routed model, or the Template provider (no AI, no cost). */
export type Destination =
  | { kind: 'model'; choice: ModelChoice; route: MeteredRoute; adapter: ProviderAdapter }
  | { kind: 'template'; model: string; adapter: ProviderAdapter };

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

/**
 * Why a call was aborted: the person cancelled its task, stopped everything, or chose
 * another model for it (the one it went to was silent).
 */
export type StopReason = 'cancel' | 'emergency' | 'switch';

export type { TotalUsage };
