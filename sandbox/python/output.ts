import type { CheckProgress } from '../../worker/checks/contract.ts';

/** How much of a run's stdout and stderr is kept and sent on. */
export const outputCapChars = 64 * 1024;
/** Output is sent on in pieces of about this size, or before any other progress message. */
const pieceChars = 4 * 1024;

/**
 * Collects a run's stdout and stderr in the order they were written, up to
 * {@link outputCapChars}, and sends it on as `output` progress in pieces (a test that
 * prints in a loop must not become a message per line).
 */
export class OutputSink {
  #kept = '';
  #pending = '';
  #pendingStream: 'stdout' | 'stderr' = 'stdout';
  #cut = false;

  constructor(private readonly emit: (progress: CheckProgress) => void) {}

  write(stream: 'stdout' | 'stderr', text: string): void {
    if (text === '' || this.#cut) return;
    if (stream !== this.#pendingStream) this.flush();
    this.#pendingStream = stream;
    const room = outputCapChars - this.#kept.length - this.#pending.length;
    if (text.length > room) {
      this.#pending += `${text.slice(0, Math.max(0, room))}\n[output cut at ${outputCapChars / 1024} KB]\n`;
      this.#cut = true;
      this.flush();
      return;
    }
    this.#pending += text;
    if (this.#pending.length >= pieceChars) this.flush();
  }

  flush(): void {
    if (this.#pending === '') return;
    this.#kept += this.#pending;
    this.emit({ type: 'output', stream: this.#pendingStream, text: this.#pending });
    this.#pending = '';
  }

  /** Everything kept so far, stdout and stderr interleaved. */
  text(): string {
    return this.#kept + this.#pending;
  }
}
