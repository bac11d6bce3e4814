import type { OrchestraDb } from './db/database.ts';
import type { OrchestraEvent } from './events/catalog.ts';
import { StorageFullError } from './events/errors.ts';
import { EventStore } from './events/event-store.ts';
import { LiveFeed } from './events/live-feed.ts';
import { TimeTravel } from './events/time-travel.ts';
import { WriterLocks } from './events/writer-lock.ts';
import { ProjectNotices, storageFullSentence } from './projects/project-notices.ts';

/**
 * What crosses the BroadcastChannel between tabs: a batch one tab committed. Its events
 * carry their projects and sequence numbers, so a tab that missed a batch notices the gap
 * at the next one (the feed reads the gap from the log).
 */
interface AppendedMessage {
  kind: 'appended';
  events: OrchestraEvent[];
}

export interface Engine {
  db: OrchestraDb;
  store: EventStore;
  feed: LiveFeed;
  locks: WriterLocks;
  timeTravel: TimeTravel;
  /** What the log cannot say (a full disk, a take-over that failed), per project, in memory. */
  notices: ProjectNotices;
}

export interface EngineOptions {
  /** `navigator.locks`; without it (Node tests) this engine writes every project. */
  locks?: LockManager | undefined;
  /** A channel shared with the other tabs' engines; without it, this engine is alone. */
  channel?: BroadcastChannel | undefined;
  now?: () => number;
  snapshotEvery?: number;
}

/**
 * Wires the event log, the live feed and the writer locks together. Every committed
 * append reaches this tab's subscribers and, through the channel, every other tab's
 * engine, which drops its cached state of that project and feeds its own subscribers.
 */
export function createEngine(db: OrchestraDb, options: EngineOptions = {}): Engine {
  const feed = new LiveFeed((projectId, fromSeq, toSeq) => store.read(projectId, fromSeq, toSeq));
  const notices = new ProjectNotices();
  const store = new EventStore(db, {
    ...(options.now ? { now: options.now } : {}),
    ...(options.snapshotEvery ? { snapshotEvery: options.snapshotEvery } : {}),
    onAppend: (events) => {
      feed.publish(events);
      options.channel?.postMessage({ kind: 'appended', events } satisfies AppendedMessage);
    },
    onWriteFailed: (projectId, error) => {
      if (error instanceof StorageFullError)
        notices.set(projectId, { kind: 'storage-full', message: storageFullSentence });
    },
  });
  options.channel?.addEventListener('message', (message: MessageEvent<AppendedMessage>) => {
    if (message.data?.kind !== 'appended') return;
    const { events } = message.data;
    // Every batch from another tab means this tab's cached state is behind: dropped, and
    // rebuilt from the database on next use. The feed reads any gap before the batch from
    // the log (a batch missed). A batch missed with none after it is caught on take-over:
    // a tab that becomes the writer reloads first (`Orchestrator.attach`).
    for (const projectId of new Set(events.map((event) => event.projectId))) store.invalidate(projectId);
    feed.publish(events);
  });
  return {
    db,
    store,
    feed,
    locks: new WriterLocks(options.locks),
    timeTravel: new TimeTravel((projectId, fromSeq) => store.read(projectId, fromSeq)),
    notices,
  };
}
