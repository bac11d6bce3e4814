import type {
  CheckCase,
  CheckFileResult,
  CheckOutcome,
  CheckProgress,
  CheckReport,
  CheckRequest,
} from '../../worker/checks/contract.ts';

/** How much captured output the frame keeps for a report it has to write itself. */
const outputCap = 64 * 1024;

/**
 * What the frame has seen of a run, so that a run it ends (time limit, Stop, a crashed
 * worker) still reports the results that arrived before the end, never a pass.
 */
export class RunRecord {
  readonly #cases: CheckCase[] = [];
  readonly #files: CheckFileResult[] = [];
  #output = '';
  readonly #startedAt: number;

  constructor(
    readonly request: CheckRequest,
    now: number,
  ) {
    this.#startedAt = now;
  }

  see(progress: CheckProgress): void {
    if (progress.type === 'case') this.#cases.push(progress.case);
    else if (progress.type === 'file-end') this.#files.push(progress.result);
    else if (progress.type === 'output' && this.#output.length < outputCap)
      this.#output = (this.#output + progress.text).slice(0, outputCap);
  }

  /** The report of a run the frame ended, with what arrived before the end. */
  endedBy(outcome: Exclude<CheckOutcome, 'completed'>, reason: string, now: number): CheckReport {
    const counts = { pass: 0, fail: 0, error: 0, skip: 0, todo: 0 };
    for (const one of this.#cases) counts[one.status] += 1;
    return {
      runtime: this.request.runtime,
      outcome,
      reason,
      files: [...this.#files],
      cases: [...this.#cases],
      counts,
      output: this.#output,
      durationMs: Math.max(0, now - this.#startedAt),
      command: '',
    };
  }
}

/** The report of a run that produced no results: what ended it, in a sentence. */
export function emptyReport(
  runtime: CheckRequest['runtime'],
  outcome: Exclude<CheckOutcome, 'completed'>,
  reason: string,
): CheckReport {
  return {
    runtime,
    outcome,
    reason,
    files: [],
    cases: [],
    counts: { pass: 0, fail: 0, error: 0, skip: 0, todo: 0 },
    output: '',
    durationMs: 0,
    command: '',
  };
}

/** The sentence for a run the time limit ended. */
export function timeLimitReason(timeoutMs: number): string {
  const seconds = Math.round(timeoutMs / 100) / 10;
  return `Stopped after ${seconds} s: the run reached its time limit (an endless loop, or a suite slower than the limit).`;
}
