/**
 * What every completion shares: the `Completion` a task's answer becomes, the facts of the
 * answer it is made from, and the events every kind of completion ends with (its quality,
 * then `task-complete`) and the provenance its artifacts carry. The kinds themselves are in
 * file-completion.ts, plan-completion.ts and review-completion.ts.
 */
import type { EventDraft } from '../events/catalog.ts';
import type { BlobText } from '../events/store/contract.ts';
import type { TaskRow } from '../events/projections/rows.ts';
import type { Role } from '../events/schemas/common.ts';
import { system } from './run-context.ts';
import type { Destination, TotalUsage } from './task-attempt-outcome.ts';

export interface Completion {
  events: EventDraft[];
  blobs: BlobText[];
  quality: number;
  /** Set when nothing usable came out of a valid answer (every file path refused). */
  failure?: string;
  /** Set when the answer repeats what is already there: a fix that changes nothing. */
  loop?: string;
}

/** The facts of a valid answer that every kind of completion records. */
export interface AnswerFacts {
  task: TaskRow;
  role: Role;
  attempt: number;
  text: string;
  usage: TotalUsage;
  repairs: number;
  destination: Destination;
  durationMs: number;
}

/** The `task-complete` every completion ends with: what the attempt used and what it answered. */
export function completeEvent(
  task: TaskRow,
  attempt: number,
  usage: TotalUsage,
  durationMs: number,
  outputHash: string,
  repairs: number,
): EventDraft {
  return {
    type: 'task-complete',
    actor: system,
    payload: {
      taskId: task.taskId,
      attempt,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      costUsd: usage.costUsd,
      durationMs: Math.round(durationMs),
      outputHash,
      repairs,
    },
  };
}

/** A task's score, and the arm the router should credit with it. */
export function qualityEvent(
  task: TaskRow,
  score: { score: number; signals: Record<string, number> },
  destination: Destination,
): EventDraft {
  return {
    type: 'quality-assess',
    actor: system,
    payload: {
      subject: { kind: 'task', taskId: task.taskId },
      score: score.score,
      signals: score.signals,
      ...(task.taskType ? { taskType: task.taskType } : {}),
      ...(destination.kind === 'model' ? { armId: destination.choice.armId } : {}),
    },
  };
}

/** Where an artifact came from: the Template provider, or which model and attempt. */
export function provenanceOf(
  task: TaskRow,
  role: Role,
  destination: Destination,
  attempt: number,
  promptHash?: string,
) {
  return destination.kind === 'template'
    ? {
        source: 'template' as const,
        taskId: task.taskId,
        role,
        provider: 'template',
        model: destination.model,
        attempt,
      }
    : {
        source: 'ai' as const,
        taskId: task.taskId,
        role,
        provider: destination.choice.provider,
        model: destination.choice.model,
        attempt,
        ...(promptHash ? { promptHash } : {}),
      };
}
