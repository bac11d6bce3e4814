/**
 * The run's captured stdout and stderr, interleaved, capped: the first {@link headLimit}
 * characters and the last {@link tailLimit} are kept, with a line saying how much was cut
 * between them. Progress gets the text in batches.
 */
import type { CheckProgress } from '../../worker/checks/contract.ts';
import { hostClearTimeout, hostSetTimeout } from './host.ts';

export const headLimit = 192 * 1024;
export const tailLimit = 64 * 1024;
/** At most this much output is sent as progress; the report still has head and tail. */
const progressLimit = 256 * 1024;

export class OutputSink {
  private head = '';
  private tail: string[] = [];
  private tailLength = 0;
  private dropped = 0;
  private pending: { stream: 'stdout' | 'stderr'; text: string } | undefined;
  private flushTimer: unknown;
  private emitted = 0;

  constructor(private readonly emit: (progress: CheckProgress) => void) {}

  write(stream: 'stdout' | 'stderr', text: string): void {
    if (text === '') return;
    this.keep(text);
    if (this.emitted >= progressLimit) return;
    if (this.pending && this.pending.stream !== stream) this.flush();
    if (this.pending) this.pending.text += text;
    else this.pending = { stream, text };
    if (this.pending.text.length > 16 * 1024) this.flush();
    else this.flushTimer ??= hostSetTimeout(() => this.flush(), 100);
  }

  flush(): void {
    if (this.flushTimer !== undefined) {
      hostClearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    let text = pending.text;
    if (this.emitted + text.length > progressLimit)
      text = `${text.slice(0, progressLimit - this.emitted)}\n[more output in the report]\n`;
    this.emitted += text.length;
    this.emit({ type: 'output', stream: pending.stream, text });
  }

  text(): string {
    if (this.dropped === 0 && this.tailLength === 0) return this.head;
    const tail = this.tail.join('');
    if (this.dropped === 0) return this.head + tail;
    return `${this.head}\n[… ${this.dropped} characters of output cut …]\n${tail}`;
  }

  private keep(text: string): void {
    if (this.head.length < headLimit) {
      const room = headLimit - this.head.length;
      this.head += text.slice(0, room);
      if (text.length <= room) return;
      text = text.slice(room);
    }
    this.tail.push(text);
    this.tailLength += text.length;
    while (this.tailLength > tailLimit && this.tail.length > 0) {
      const first = this.tail[0] ?? '';
      const excess = this.tailLength - tailLimit;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailLength -= first.length;
        this.dropped += first.length;
      } else {
        this.tail[0] = first.slice(excess);
        this.tailLength -= excess;
        this.dropped += excess;
      }
    }
  }
}
