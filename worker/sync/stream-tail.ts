import type { DurableStream } from '@durable-streams/client';
import type { ProjectSyncHost } from './project-sync.ts';
import { ensureStream } from './space-streams.ts';
import { syncFailure } from './sync-errors.ts';
import type { Backoff } from './sync-retry.ts';

/** The pause before a long-poll the server ended is made again. */
const reopenMs = 1000;
/** How often a polled tail reads what is new, give or take a fifth (so polls spread out). */
export const defaultPollMs = 15_000;

/** A batch of the stream, handed to the project's fold; false stops the tail (the project diverged). */
export type FoldBatch = (items: readonly unknown[], offset: string, upToDate: boolean) => Promise<boolean>;

/**
 * The loop that reads one project's stream from where the project stands: live (a
 * long-poll held open, so another device's event arrives at once) or polled (it reads
 * what is new, then rests `pollMs`). Over HTTP/1.1 a browser opens at most six
 * connections to a server and each long-poll holds one, so the service keeps only a few
 * tails live (`setLive`) and polls the rest. Failures back off (`sync-retry.ts`).
 */
export class StreamTail {
  private live: boolean;
  /** Ends the current read or rest early (the tail changed mode). */
  private interrupt = new AbortController();
  /** The batch being folded: a read cut short waits for it before the next read begins. */
  private folding: Promise<unknown> = Promise.resolve();
  private readonly pollMs: number;
  /** What the stream is created with (a fork's source), so that making sure of it confirms it. */
  private readonly createHeaders: Record<string, string>;

  constructor(
    private readonly stream: DurableStream,
    private readonly host: Pick<ProjectSyncHost, 'connection' | 'retry' | 'reachable' | 'failed'>,
    private readonly backoff: Backoff,
    private readonly from: () => string,
    private readonly fold: FoldBatch,
    options: { live?: boolean; pollMs?: number; createHeaders?: Record<string, string> } = {},
  ) {
    this.live = options.live ?? true;
    this.pollMs = options.pollMs ?? defaultPollMs;
    this.createHeaders = options.createHeaders ?? {};
  }

  get isLive(): boolean {
    return this.live;
  }

  /** A long-poll held open is let go at once (its connection is free); a resting poll goes live at once. */
  setLive(live: boolean): void {
    if (this.live === live) return;
    this.live = live;
    this.interrupt.abort();
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (this.interrupt.signal.aborted) this.interrupt = new AbortController();
      const interrupted = this.interrupt.signal;
      const live = this.live;
      try {
        await ensureStream(this.host.connection, this.stream.url, signal, this.createHeaders);
        const response = await this.stream.stream<unknown>({
          offset: this.from(),
          live: live ? 'long-poll' : false,
          signal: AbortSignal.any([signal, interrupted]),
        });
        this.host.reachable();
        this.backoff.succeeded();
        await new Promise<void>((resolve, reject) => {
          const unsubscribe = response.subscribeJson<unknown>(async (batch) => {
            try {
              if (signal.aborted) return;
              this.host.reachable();
              this.backoff.succeeded();
              const folded = this.fold(batch.items, batch.offset, batch.upToDate);
              this.folding = folded.catch(() => undefined);
              if (!(await folded)) unsubscribe();
            } catch (error) {
              unsubscribe();
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
          response.closed.then(resolve, reject);
        });
        // A polled tail rests, spread out so that many projects' polls do not come together.
        const rest = live ? reopenMs : this.pollMs * (0.8 + 0.4 * Math.random());
        await this.host.retry.sleep(rest, AbortSignal.any([signal, interrupted]));
      } catch (error) {
        if (signal.aborted) return;
        // The tail changed mode while a read was open: once what it brought is folded
        // (the place moved past it), read again in the new mode.
        if (interrupted.aborted) {
          await this.folding;
          continue;
        }
        const failure = syncFailure(error, this.host.connection.serverUrl);
        this.host.failed(failure);
        await this.backoff.after(failure, signal);
      }
    }
  }
}
