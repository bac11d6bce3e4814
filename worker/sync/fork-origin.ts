import type { OrchestraEvent } from '../events/catalog.ts';
import type { ProjectCursor } from './device-sync-state.ts';
import {
  type AnyEventEnvelope,
  type BlobEnvelope,
  type ForkOrigin,
  openBlob,
  openEvents,
  SyncTamperError,
} from './sync-envelope.ts';

/**
 * A copy made when two devices wrote a project apart starts as a fork of the project's
 * stream (the protocol's `Stream-Forked-From`): the server copies the shared start, and
 * the device pushes only what it wrote apart. The shared start stays sealed as it was
 * written, under the project (or its own ancestors) — the additional data binds each
 * envelope to the project it was sealed for — so a reader of the copy opens each stretch
 * under the project that sealed it, then files the events under the copy.
 */

/**
 * The fork for a copy of `parentId`, made at the place where the parent's stream and the
 * device last agreed: `at.offset` in the parent's stream, holding its events up to `at.seq`.
 * Undefined when there is no shared start to fork (nothing was read from the stream yet).
 */
export function forkAt(
  parentId: string,
  parent: ProjectCursor,
  at: { offset: string; seq: number },
): ForkOrigin | undefined {
  if (at.offset === '-1' || at.seq <= 0) return undefined;
  // The parent's own shared start, as far as it reaches into this one; then the parent.
  const lineage: ForkOrigin['lineage'] = [];
  for (const item of parent.fork?.lineage ?? []) {
    lineage.push({ projectId: item.projectId, toSeq: Math.min(item.toSeq, at.seq) });
    if (item.toSeq >= at.seq) break;
  }
  if (lineage.at(-1)?.toSeq !== at.seq) lineage.push({ projectId: parentId, toSeq: at.seq });
  // A copy of a copy of … thirty-two deep is pushed whole instead.
  if (lineage.length > 32) return undefined;
  return { from: parentId, offset: at.offset, seq: at.seq, lineage };
}

/** The headers that create the copy's stream as its fork (and confirm it on every later create). */
export const forkHeaders = (fork: ForkOrigin | undefined): Record<string, string> =>
  fork ? { 'stream-forked-from': `projects/${fork.from}`, 'stream-fork-offset': fork.offset } : {};

/** The project whose key-binding sealed the event at `seq` of `projectId`'s stream. */
export function sealerOf(projectId: string, fork: ForkOrigin | undefined, seq: number): string {
  return fork?.lineage.find((item) => seq <= item.toSeq)?.projectId ?? projectId;
}

/** Which stretch of the lineage holds `seq` (its length: past the shared start). */
const stretchOf = (fork: ForkOrigin | undefined, seq: number) => {
  const at = fork?.lineage.findIndex((item) => seq <= item.toSeq) ?? -1;
  return at === -1 ? (fork?.lineage.length ?? 0) : at;
};

/**
 * Opens a run of `projectId`'s stream, sealed under the project or, in a fork's shared
 * start, under the ancestor that wrote it; the events are filed under `projectId`. A run
 * must lie within one stretch: one that crosses where a stretch ends was not in the
 * shared start as forked (an ancestor's run spliced in past it).
 * @throws SyncTamperError when the run was altered or moved
 */
export async function openForkEvents(
  key: CryptoKey,
  projectId: string,
  fork: ForkOrigin | undefined,
  envelope: AnyEventEnvelope,
): Promise<OrchestraEvent[]> {
  const sealer = sealerOf(projectId, fork, envelope.seq);
  const lastSeq = envelope.seq + (envelope.kind === 'events' ? envelope.ids.length : 1) - 1;
  if (stretchOf(fork, envelope.seq) !== stretchOf(fork, lastSeq))
    throw new SyncTamperError("A synced run crosses the end of a copy's shared start: it was not in it as forked.");
  const events = await openEvents(key, sealer, envelope);
  return sealer === projectId ? events : events.map((event) => ({ ...event, projectId }));
}

/**
 * Opens a text of `projectId`'s stream. A text carries no place, so one in a fork's
 * shared start is tried under each ancestor, newest first.
 * @throws SyncTamperError when no project of the lineage sealed it
 */
export async function openForkBlob(
  key: CryptoKey,
  projectId: string,
  fork: ForkOrigin | undefined,
  envelope: BlobEnvelope,
): Promise<string> {
  const sealers = [projectId, ...(fork?.lineage ?? []).map((item) => item.projectId).reverse()];
  let failure: unknown;
  for (const sealer of new Set(sealers)) {
    try {
      return await openBlob(key, sealer, envelope);
    } catch (error) {
      if (!(error instanceof SyncTamperError)) throw error;
      failure = error;
    }
  }
  throw failure;
}
