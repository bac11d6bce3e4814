import Dexie from 'dexie';
import type { OrchestraDb } from '../db/database.ts';
import type { OrchestraEvent } from './catalog.ts';

/**
 * Consecutive events of a project's log, in order, `first` to `last`, in one row: an
 * append's transaction writes one row, or a few when its events are many.
 *
 * IndexedDB charges for every request (in Chromium each `put` is a message to the
 * browser process, about a tenth of a millisecond here, whatever its size), so the log
 * is written a commit at a time rather than an event at a time. The key is
 * `[projectId+first]`: a writer that missed another's commit adds at a `first` that is
 * already taken and is refused — the optimistic concurrency check, for free. `types`
 * (multi-entry) finds the commits holding an event type across projects.
 */
export interface CommitRow {
  projectId: string;
  first: number;
  last: number;
  types: string[];
  events: OrchestraEvent[];
}

/**
 * About the most characters (as JSON) a commit row holds. Past 64 KB Chromium stores a
 * value as a file beside the database, and a put costs three to four times as much per
 * event: 96 events of 530 characters took 1.9 ms of the writer's thread, 64 took 0.3 ms.
 */
export const commitChars = 40_000;
/** The most events in one commit row. */
export const commitEvents = 1000;
/** An event's characters as JSON, near enough: its payload and an envelope of ids. */
const envelopeChars = 300;

/** A commit of consecutive events of one project, in order. */
export function commitOf(events: OrchestraEvent[]): CommitRow {
  const head = events[0];
  const tail = events[events.length - 1];
  if (!head || !tail) throw new Error('A commit holds at least one event.');
  const types: string[] = [];
  for (const event of events) if (!types.includes(event.type)) types.push(event.type);
  return { projectId: head.projectId, first: head.seq, last: tail.seq, types, events };
}

/**
 * Consecutive events cut into commit rows of at most `commitEvents` events and about
 * `commitChars` characters (an event bigger than that has a row of its own).
 */
export function commitsOf(events: OrchestraEvent[]): CommitRow[] {
  const rows: CommitRow[] = [];
  let start = 0;
  let chars = 0;
  events.forEach((event, index) => {
    const size = envelopeChars + (JSON.stringify(event.payload)?.length ?? 0);
    if (index > start && (index - start === commitEvents || chars + size > commitChars)) {
      rows.push(commitOf(events.slice(start, index)));
      start = index;
      chars = 0;
    }
    chars += size;
  });
  if (start < events.length) rows.push(commitOf(events.slice(start)));
  return rows;
}

/** Events of a project with `fromSeq <= seq <= toSeq`, in order: two requests whatever the range. */
export async function readLog(
  db: OrchestraDb,
  projectId: string,
  fromSeq = 1,
  toSeq = Number.MAX_SAFE_INTEGER,
): Promise<OrchestraEvent[]> {
  if (toSeq < fromSeq) return [];
  // The commit holding `fromSeq` is the first whose last event is at or after it.
  let start = Dexie.minKey;
  if (fromSeq > 1) {
    const [key] = await db.commits
      .where('[projectId+last]')
      .between([projectId, fromSeq], [projectId, Dexie.maxKey])
      .limit(1)
      .primaryKeys();
    if (!key) return [];
    start = key[1];
  }
  const rows = await db.commits
    .where('[projectId+first]')
    .between([projectId, start], [projectId, toSeq], true, true)
    .toArray();
  const events: OrchestraEvent[] = [];
  for (const row of rows) {
    if (row.first >= fromSeq && row.last <= toSeq) {
      for (const event of row.events) events.push(event);
    } else {
      for (const event of row.events) if (event.seq >= fromSeq && event.seq <= toSeq) events.push(event);
    }
  }
  return events;
}

/** The project's last sequence number in the log (0 for none), read off an index key alone. */
export async function logHead(db: OrchestraDb, projectId: string): Promise<number> {
  const key = (await db.commits
    .where('[projectId+last]')
    .between([projectId, Dexie.minKey], [projectId, Dexie.maxKey])
    .lastKey()) as [string, number] | undefined;
  return key?.[1] ?? 0;
}

/** Every event of one type on this device, project by project, each project's in order. */
export async function eventsOfType<T extends OrchestraEvent['type']>(
  db: OrchestraDb,
  type: T,
): Promise<Extract<OrchestraEvent, { type: T }>[]> {
  // Index order: by type, then by primary key — each project's commits in order.
  const rows = await db.commits.where('types').equals(type).toArray();
  const events: Extract<OrchestraEvent, { type: T }>[] = [];
  for (const row of rows) {
    for (const event of row.events) if (event.type === type) events.push(event as Extract<OrchestraEvent, { type: T }>);
  }
  return events;
}

/** Removes a project's whole log (inside the caller's transaction). */
export function deleteLogRows(db: OrchestraDb, projectId: string): Promise<number> {
  return db.commits.where('[projectId+first]').between([projectId, Dexie.minKey], [projectId, Dexie.maxKey]).delete();
}
