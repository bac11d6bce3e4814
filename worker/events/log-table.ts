import Dexie from 'dexie';
import type { OrchestraDb } from '../db/database.ts';
import type { OrchestraEvent } from './catalog.ts';

/**
 * One append to a project's log: its events in order, `first` to `last`, in one row.
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

/** The most events in one commit row when a whole log is written at once (an import). */
export const eventsPerImportedCommit = 1000;

/** A commit of consecutive events of one project, in order. */
export function commitOf(events: OrchestraEvent[]): CommitRow {
  const head = events[0];
  const tail = events[events.length - 1];
  if (!head || !tail) throw new Error('A commit holds at least one event.');
  const types: string[] = [];
  for (const event of events) if (!types.includes(event.type)) types.push(event.type);
  return { projectId: head.projectId, first: head.seq, last: tail.seq, types, events };
}

/** A whole log cut into commits of at most `size` events. */
export function commitsOf(events: OrchestraEvent[], size = eventsPerImportedCommit): CommitRow[] {
  const rows: CommitRow[] = [];
  for (let at = 0; at < events.length; at += size) rows.push(commitOf(events.slice(at, at + size)));
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
