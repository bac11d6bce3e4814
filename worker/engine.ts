import type { OrchestraDb } from './db/database.ts';
import { StorageFullError } from './events/errors.ts';
import { EventStore } from './events/event-store.ts';
import { LiveFeed } from './events/live-feed.ts';
import { type Every, TabNotices, catchUpEveryMs, everyInterval } from './events/tab-notices.ts';
import { TimeTravel } from './events/time-travel.ts';
import { WriterLocks } from './events/writer-lock.ts';
import { ProjectNotices, storageFullSentence } from './projects/project-notices.ts';

export interface Engine {
  db: OrchestraDb;
  store: EventStore;
  feed: LiveFeed;
  locks: WriterLocks;
  timeTravel: TimeTravel;
  /** What the log cannot say (a full disk, a take-over that failed), per project, in memory. */
  notices: ProjectNotices;
  /**
   * Stops what the engine runs on its own: the idle check for missed notices and the
   * listener on the tabs' channel (the channel itself is the caller's to close).
   */
  dispose(): void;
}

export interface EngineOptions {
  /** `navigator.locks`; without it (Node tests) this engine writes every project. */
  locks?: LockManager | undefined;
  /** A channel shared with the other tabs' engines; without it, this engine is alone. */
  channel?: BroadcastChannel | undefined;
  now?: () => number;
  snapshotEvery?: number;
  /** The timer of the idle check for missed notices (`TabNotices.catchUp`); setInterval by default. */
  every?: Every;
}

/**
 * Wires the event log, the live feed and the writer locks together. Every committed
 * append reaches this tab's subscribers and, through the channel, every other tab's
 * engine, which drops its cached state of that project and feeds its own subscribers
 * (`events/tab-notices.ts`); a notice lost is caught by an idle check of the log's head.
 */
export function createEngine(db: OrchestraDb, options: EngineOptions = {}): Engine {
  const feed = new LiveFeed((projectId, fromSeq, toSeq) => store.read(projectId, fromSeq, toSeq));
  const notices = new ProjectNotices();
  const store = new EventStore(db, {
    ...(options.now ? { now: options.now } : {}),
    ...(options.snapshotEvery ? { snapshotEvery: options.snapshotEvery } : {}),
    onAppend: (events) => {
      feed.publish(events);
      tabNotices?.post(events);
    },
    onWriteFailed: (projectId, error) => {
      if (error instanceof StorageFullError)
        notices.set(projectId, { kind: 'storage-full', message: storageFullSentence });
    },
  });
  const locks = new WriterLocks(options.locks);
  const channel = options.channel;
  const tabNotices = channel ? new TabNotices({ channel, store, feed, locks }) : undefined;
  const stopCatchUp = tabNotices
    ? (options.every ?? everyInterval)(catchUpEveryMs, () => tabNotices.catchUp())
    : undefined;
  return {
    db,
    store,
    feed,
    locks,
    timeTravel: new TimeTravel((projectId, fromSeq) => store.read(projectId, fromSeq)),
    notices,
    dispose: () => {
      stopCatchUp?.();
      tabNotices?.close();
    },
  };
}
