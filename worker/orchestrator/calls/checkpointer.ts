/**
 * Keeps a streaming answer durable: every so often its text so far goes to the blob store
 * with a `task-checkpoint`, so a reload shows how far the agent got and an interrupted
 * call is charged for what it had streamed (`interrupted-charge.ts`).
 *
 *   idle ──(interval of text or time)──▶ writing ──written──▶ idle
 *                                          │  more text meanwhile: noted, not written
 *                                          └─ written with a checkpoint due: writing (the latest text)
 *
 * One checkpoint is written at a time, and the next one waits for it: checkpoints that
 * pile up unwritten behind a slow commit would all be lost together, leaving the last
 * written one several intervals behind the text. So the text past the last written
 * checkpoint is at most the interval that was being written plus the one since.
 */
import type { EventLog } from '../../events/store/contract.ts';
import { sha256Hex } from '../../events/hash.ts';
import type { RunLimits } from '../limits.ts';
import { system } from '../run-context.ts';

export interface CheckpointTarget {
  store: Pick<EventLog, 'append'>;
  projectId: string;
  limits: Pick<RunLimits, 'checkpointEveryChars' | 'checkpointEveryMs'>;
  taskId: string;
  attempt: number;
  /** The clock the time interval is measured by. */
  now?: () => number;
}

export class Checkpointer {
  private text = '';
  private lastChars = 0;
  private lastAt: number;
  private writing: Promise<void> | null = null;
  private due = false;
  private readonly now: () => number;

  constructor(private readonly target: CheckpointTarget) {
    this.now = target.now ?? (() => performance.now());
    this.lastAt = this.now();
  }

  add(delta: string): void {
    this.text += delta;
    const { checkpointEveryChars, checkpointEveryMs } = this.target.limits;
    if (this.text.length - this.lastChars < checkpointEveryChars && this.now() - this.lastAt < checkpointEveryMs)
      return;
    if (this.writing) {
      this.due = true;
      return;
    }
    this.start();
  }

  /** Settles once no checkpoint is being written. */
  async done(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private start(): void {
    this.due = false;
    this.lastChars = this.text.length;
    this.lastAt = this.now();
    const text = this.text;
    this.writing = this.write(text).then(() => {
      this.writing = null;
      if (this.due) this.start();
    });
  }

  /** Appends a checkpoint and waits until it is written (a failed write is a lost convenience). */
  private async write(text: string): Promise<void> {
    const textHash = await sha256Hex(text);
    const { store, projectId, taskId, attempt } = this.target;
    await store
      .append(
        projectId,
        [
          {
            type: 'task-checkpoint',
            actor: system,
            payload: { taskId, attempt, outputChars: text.length, textHash },
          },
        ],
        { blobs: [{ hash: textHash, content: text }] },
      )
      .catch(() => undefined);
  }
}
