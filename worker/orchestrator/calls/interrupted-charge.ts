/**
 * What a call interrupted by a closed tab, a reload or a crash is charged on recovery.
 * Its request went out (the reservation is committed before it leaves), so the provider
 * bills the input it received and the output it generated, whether or not the answer
 * was kept; the log has no usage for it, only its reservation and the checkpoints of
 * its streamed output. So it is charged at an estimate, marked as one:
 *
 * - input: the prompt's tokens as measured when it was sent (the reservation's basis),
 *   once for the call and once more for each retry the provider billed before it
 *   (`call-retry` events with `billed`, written before each retry went out);
 * - output: the last checkpoint's text, plus the text that may have arrived after it
 *   unsaved: a checkpoint is made at least every `checkpointEveryChars` and only once
 *   the one before it is written (`checkpointer.ts`), so while the next one was being
 *   written one more interval may have come — two intervals in all (the caller passes
 *   them as `unsavedChars`), never more than the call's output limit;
 * - input at four characters a token (the reservation's basis, measured as it was
 *   sent), output at three (`estimateOutputTokens`: answers are JSON and code), at the
 *   prices of the reservation.
 *
 * A reservation written before the basis was recorded cannot be estimated: it is given
 * back, as it always was.
 */
import type { EventDraft } from '../../events/catalog.ts';
import type { CostRow } from '../../events/projections/rows.ts';
import { estimateOutputTokens } from '../../providers/contract/usage.ts';
import { system } from '../run-context.ts';

export interface InterruptedOutput {
  /** Characters of the call's output in its last checkpoint (0 if none was written). */
  checkpointChars: number;
  /** The most characters that may have arrived after that checkpoint unsaved. */
  unsavedChars: number;
}

/** Tokens and dollars an interrupted call is charged, or null when its reservation has no basis. */
export function interruptedCharge(
  cost: Pick<CostRow, 'basis' | 'billedRetries'>,
  output: InterruptedOutput,
): { inputTokens: number; outputTokens: number; usd: number } | null {
  const basis = cost.basis;
  if (!basis) return null;
  const inputTokens = basis.inputTokens * (1 + (cost.billedRetries ?? 0));
  const outputTokens = Math.min(
    basis.maxOutputTokens,
    estimateOutputTokens(Math.max(0, output.checkpointChars) + Math.max(0, output.unsavedChars)),
  );
  const usd = (inputTokens * basis.inputPricePerMillion + outputTokens * basis.outputPricePerMillion) / 1_000_000;
  return { inputTokens, outputTokens, usd };
}

/**
 * The event that closes an interrupted call's reservation: a `cost-settle` marked as an
 * estimate, or a `cost-release` when the reservation predates the basis.
 * @example closeInterrupted(cost, { checkpointChars: task.outputChars, unsavedChars: limits.checkpointEveryChars })
 */
export function closeInterrupted(cost: CostRow, output: InterruptedOutput): EventDraft {
  const charge = interruptedCharge(cost, output);
  if (!charge) return { type: 'cost-release', actor: system, payload: { reservationId: cost.reservationId } };
  return {
    type: 'cost-settle',
    actor: system,
    payload: {
      reservationId: cost.reservationId,
      actualUsd: charge.usd,
      inputTokens: charge.inputTokens,
      outputTokens: charge.outputTokens,
      latencyMs: 0,
      estimated: true,
    },
  };
}
