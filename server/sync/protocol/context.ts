import type { StoreTx, StreamRecord, SyncStore } from '../store/contract.ts';
import type { LiveWaiters } from './live-waiters.ts';

export interface ProtocolLimits {
  /** Largest append or create body, bytes. */
  maxAppendBytes: number;
  /** Largest read response, bytes (at least one entry is always sent). */
  maxReadBytes: number;
  /** How long a long-poll waits before answering 204. */
  longPollMs: number;
  /** How long an SSE response stays open before the server closes it. */
  sseMs: number;
  /** Per-space storage quota, bytes. */
  maxSpaceBytes: number;
  /** Per-space stream count quota. */
  maxSpaceStreams: number;
}

/** Everything a protocol handler needs for one request on one stream of one space. */
export interface StreamRequest {
  store: SyncStore;
  waiters: LiveWaiters;
  limits: ProtocolLimits;
  spaceId: string;
  /** The stream's path inside the space, without a leading slash. */
  path: string;
  /** The URL path of the space's stream root, with a trailing slash: `/sync/spaces/<id>/streams/`. */
  root: string;
  request: Request;
  now: () => number;
}

/** What `new Headers(...)` accepts (the DOM's HeadersInit, not global under Node's types). */
export type HeaderInit = ConstructorParameters<typeof Headers>[0];

/** A response with a short JSON reason, for refusals a person may read. */
export function refuse(status: number, error: string, message: string, headers: HeaderInit = {}): Response {
  const all = new Headers(headers);
  all.set('content-type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify({ error, message }), { status, headers: all });
}

export function isExpired(stream: StreamRecord, now: number): boolean {
  if (stream.expiresAt !== null && now >= stream.expiresAt) return true;
  return stream.ttlSeconds !== null && now >= stream.lastAccessAt + stream.ttlSeconds * 1000;
}

/**
 * Removes a stream for good and lets go of its fork source; a soft-deleted source whose
 * last fork goes is removed too, up the chain. Returns nothing; usage counters follow.
 */
export async function removeStream(tx: StoreTx, stream: StreamRecord): Promise<void> {
  await tx.deleteStream(stream.id);
  await tx.addUsage(stream.spaceId, -stream.bytes, -1);
  tx.notify(stream.id);
  let sourceId = stream.sourceId;
  while (sourceId !== null) {
    const source = await tx.getStreamById(sourceId);
    if (!source) return;
    const refCount = Math.max(0, source.refCount - 1);
    if (source.softDeleted && refCount === 0) {
      await tx.deleteStream(source.id);
      await tx.addUsage(source.spaceId, -source.bytes, -1);
      sourceId = source.sourceId;
    } else {
      await tx.updateStream(source.id, { refCount });
      return;
    }
  }
}

/** The stream at `path` inside a transaction, removed first if it has expired. */
export async function liveStream(
  tx: StoreTx,
  spaceId: string,
  path: string,
  now: number,
): Promise<StreamRecord | undefined> {
  const stream = await tx.getStream(spaceId, path);
  if (stream && !stream.softDeleted && isExpired(stream, now)) {
    if (stream.refCount > 0) await tx.updateStream(stream.id, { softDeleted: true });
    else await removeStream(tx, stream);
    return undefined;
  }
  return stream;
}

/** Common headers of a stream's metadata. */
export function streamHeaders(stream: StreamRecord): Headers {
  const headers = new Headers({ 'content-type': stream.contentType });
  if (stream.ttlSeconds !== null) headers.set('stream-ttl', String(stream.ttlSeconds));
  if (stream.expiresAt !== null) headers.set('stream-expires-at', new Date(stream.expiresAt).toISOString());
  return headers;
}
