import type { OrchestraDb } from './db/database.ts';
import type { OrchestraEvent } from './events/catalog.ts';
import { EventStore } from './events/event-store.ts';
import { LiveFeed } from './events/live-feed.ts';
import { TimeTravel } from './events/time-travel.ts';
import { WriterLocks } from './events/writer-lock.ts';

/** What crosses the BroadcastChannel between tabs: a batch one tab appended. */
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
  const store = new EventStore(db, {
    ...(options.now ? { now: options.now } : {}),
    ...(options.snapshotEvery ? { snapshotEvery: options.snapshotEvery } : {}),
    onAppend: (events) => {
      feed.publish(events);
      options.channel?.postMessage({ kind: 'appended', events } satisfies AppendedMessage);
    },
  });
  options.channel?.addEventListener('message', (message: MessageEvent<AppendedMessage>) => {
    if (message.data?.kind !== 'appended') return;
    const projects = new Set(message.data.events.map((event) => event.projectId));
    for (const projectId of projects) store.invalidate(projectId);
    feed.publish(message.data.events);
  });
  return {
    db,
    store,
    feed,
    locks: new WriterLocks(options.locks),
    timeTravel: new TimeTravel((projectId, fromSeq) => store.read(projectId, fromSeq)),
  };
}
