import type { OrchestraEvent } from './catalog.ts';
import type { EventStore } from './event-store.ts';
import type { LiveFeed } from './live-feed.ts';
import type { WriterLocks } from './writer-lock.ts';

/**
 * What crosses the BroadcastChannel between tabs: one commit of a project, with the
 * sequence number it committed (the log's head once it was written). A tab that missed
 * a commit sees the gap at the next notice (the feed reads it from the log); one that
 * missed the last commit before the writer fell quiet (paused, or closed as it
 * committed) sees it on its idle check, which compares the log's head with what it holds.
 */
export interface CommittedNotice {
  kind: 'appended';
  projectId: string;
  /** The project's last sequence number once this commit was written. */
  seq: number;
  events: OrchestraEvent[];
}

/** Runs `tick` every `ms` (never two at once) until the returned function is called. */
export type Every = (ms: number, tick: () => Promise<void>) => () => void;

/**
 * How often a tab that watches projects others write reads their heads: one index read
 * per watched project. A missed notice shows at most this late.
 */
export const catchUpEveryMs = 2000;

export const everyInterval: Every = (ms, tick) => {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    tick()
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, ms);
  // Node (tests, benchmarks): an engine's check must not keep the process alive.
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
};

interface TabNoticesDeps {
  channel: BroadcastChannel;
  store: Pick<EventStore, 'invalidate' | 'dropIfBehind' | 'headSeq'>;
  feed: Pick<LiveFeed, 'publish' | 'projects' | 'catchUp'>;
  locks: Pick<WriterLocks, 'role'>;
}

/**
 * The cross-tab side of the log: tells the other tabs of this tab's commits, hears
 * theirs, and catches up on those it never heard of.
 *
 *   notice heard ──▶ cached state dropped, feed given the events (gap read from the log)
 *   idle check ──log's head ahead──▶ cached state dropped, feed reads from the log
 */
export class TabNotices {
  private readonly onMessage = (message: MessageEvent<Partial<CommittedNotice>>) => {
    if (message.data?.kind === 'appended') this.receive(message.data);
  };

  constructor(private readonly deps: TabNoticesDeps) {
    deps.channel.addEventListener('message', this.onMessage);
  }

  /** Stops hearing the other tabs (the engine is disposed); the channel is the caller's. */
  close(): void {
    this.deps.channel.removeEventListener('message', this.onMessage);
  }

  /** Tells the other tabs of a commit of this tab (the events of one project, in order). */
  post(events: OrchestraEvent[]): void {
    const last = events.at(-1);
    if (!last) return;
    const notice: CommittedNotice = { kind: 'appended', projectId: last.projectId, seq: last.seq, events };
    this.deps.channel.postMessage(notice);
  }

  private receive(notice: Partial<CommittedNotice>): void {
    const events = notice.events ?? [];
    // A notice of an older version of the app names its commit by its events alone.
    const heads = new Map<string, number>();
    for (const event of events) heads.set(event.projectId, Math.max(heads.get(event.projectId) ?? 0, event.seq));
    if (notice.projectId !== undefined && notice.seq !== undefined)
      heads.set(notice.projectId, Math.max(heads.get(notice.projectId) ?? 0, notice.seq));
    // Another tab wrote: this tab's cached state is behind, dropped and rebuilt from the
    // database on next use. A take-over never trusts it either (`Orchestrator.attach`).
    for (const projectId of heads.keys()) this.deps.store.invalidate(projectId);
    this.deps.feed.publish(events);
    // Events missing from the notice itself: the feed reads them from the log.
    for (const [projectId, seq] of heads) this.deps.feed.catchUp(projectId, seq);
  }

  /**
   * Reads the head of each project this tab watches and does not write; where the log
   * is ahead of what this tab holds (a notice lost), its cached state is dropped and its
   * watchers are given the events they missed.
   */
  async catchUp(): Promise<void> {
    for (const projectId of this.deps.feed.projects()) {
      if (this.deps.locks.role(projectId) === 'writer') continue;
      const head = await this.deps.store.headSeq(projectId);
      this.deps.store.dropIfBehind(projectId, head);
      this.deps.feed.catchUp(projectId, head);
    }
  }
}
