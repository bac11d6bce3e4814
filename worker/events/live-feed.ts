import type { OrchestraEvent } from './catalog.ts';

export type FeedListener = (events: OrchestraEvent[]) => void;

interface Subscription {
  projectId: string;
  /** The last sequence number this subscriber has been given. */
  lastSeq: number;
  listener: FeedListener;
  /** Deliveries run one after another, so a catch-up read never overtakes live events. */
  queue: Promise<void>;
}

/**
 * Delivers a project's new events to its subscribers in order and without gaps. Events
 * arrive from this tab's appends and, through a BroadcastChannel, from other tabs; if
 * a subscriber would see a gap (it subscribed late, or a message was missed), the
 * missing range is read from the log first.
 */
export class LiveFeed {
  private readonly subscriptions = new Set<Subscription>();

  constructor(
    private readonly readLog: (projectId: string, fromSeq: number, toSeq?: number) => Promise<OrchestraEvent[]>,
  ) {}

  /**
   * Subscribes to a project's events after `afterSeq`: those already in the log come
   * first, then each new batch as it is appended. Returns the unsubscribe function.
   */
  subscribe(projectId: string, afterSeq: number, listener: FeedListener): () => void {
    const subscription: Subscription = { projectId, lastSeq: afterSeq, listener, queue: Promise.resolve() };
    this.subscriptions.add(subscription);
    this.enqueue(subscription, () => this.deliver(subscription, []));
    return () => this.subscriptions.delete(subscription);
  }

  /** Hands newly appended events (of any projects, each project's in order) to their subscribers. */
  publish(events: OrchestraEvent[]): void {
    for (const subscription of this.subscriptions) {
      const mine = events.filter((event) => event.projectId === subscription.projectId);
      if (mine.length > 0) this.enqueue(subscription, () => this.deliver(subscription, mine));
    }
  }

  /**
   * Gives a project's subscribers that are behind `headSeq` the events they lack, read
   * from the log (a notice of another tab's commit was lost). Checked when their turn
   * comes, so a subscriber that a publish already brought up to date reads nothing.
   */
  catchUp(projectId: string, headSeq: number): void {
    for (const subscription of this.subscriptions) {
      if (subscription.projectId !== projectId) continue;
      this.enqueue(subscription, () =>
        subscription.lastSeq < headSeq ? this.deliver(subscription, []) : Promise.resolve(),
      );
    }
  }

  /** The projects with a subscriber. */
  projects(): Set<string> {
    return new Set([...this.subscriptions].map((subscription) => subscription.projectId));
  }

  get size(): number {
    return this.subscriptions.size;
  }

  private enqueue(subscription: Subscription, work: () => Promise<void>): void {
    subscription.queue = subscription.queue.then(work).catch(() => {
      // A failed read leaves lastSeq where it was: the next delivery fills the gap.
    });
  }

  private async deliver(subscription: Subscription, incoming: OrchestraEvent[]): Promise<void> {
    if (!this.subscriptions.has(subscription)) return;
    let fresh = incoming.filter((event) => event.seq > subscription.lastSeq);
    const first = fresh[0];
    if (incoming.length === 0 || (first && first.seq > subscription.lastSeq + 1)) {
      const missing = await this.readLog(
        subscription.projectId,
        subscription.lastSeq + 1,
        first ? first.seq - 1 : undefined,
      );
      fresh = [...missing, ...fresh];
    }
    const last = fresh[fresh.length - 1];
    if (!last || !this.subscriptions.has(subscription)) return;
    subscription.lastSeq = last.seq;
    subscription.listener(fresh);
  }
}
