import type { EntryRecord, StreamRecord } from '../store/contract.ts';
import { readBody } from './body.ts';
import { type HeaderInit, isExpired, liveStream, refuse, type StreamRequest, streamHeaders } from './context.ts';
import { nextCursor } from './cursor.ts';
import { h, isJson } from './headers.ts';
import { formatOffset, parseOffset } from './offset.ts';
import { sseResponse } from './sse.ts';

/** The stream for a read, or the refusal; expired streams are removed on the way. */
export async function openForRead(ctx: StreamRequest, touch: boolean): Promise<StreamRecord | Response> {
  const now = ctx.now();
  const stream = await ctx.store.getStream(ctx.spaceId, ctx.path);
  if (!stream) return refuse(404, 'not_found', 'No stream at this path.');
  if (stream.softDeleted) return refuse(410, 'gone', 'This stream has been deleted.');
  if (isExpired(stream, now)) {
    await ctx.store.transact(ctx.spaceId, (tx) => liveStream(tx, ctx.spaceId, ctx.path, now));
    return refuse(404, 'not_found', 'No stream at this path.');
  }
  // Reads slide a TTL window; streams without one are never written to by a read.
  if (touch && stream.ttlSeconds !== null) {
    // Stamped once the space is ours: a read that waited for it must not slide the window less.
    await ctx.store.transact(ctx.spaceId, (tx) => tx.updateStream(stream.id, { lastAccessAt: ctx.now() }));
  }
  return stream;
}

/** HEAD: the stream's metadata, never cached. */
export async function headStream(ctx: StreamRequest): Promise<Response> {
  const stream = await openForRead(ctx, false);
  if (stream instanceof Response) return new Response(null, { status: stream.status, headers: stream.headers });
  const headers = streamHeaders(stream);
  headers.set(h.nextOffset, formatOffset(stream.tailSeq));
  headers.set('cache-control', 'no-store');
  if (stream.closed) headers.set(h.closed, 'true');
  return new Response(null, { status: 200, headers });
}

const etagOf = (stream: StreamRecord, start: number, next: number, closed: boolean) =>
  `"${stream.id}:${formatOffset(start)}:${formatOffset(next)}${closed ? ':c' : ''}"`;

function matchesEtag(header: string | null, etag: string): boolean {
  if (header === null) return false;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
}

/** A 200 with the entries read from `start`, or the empty answer at the tail. */
function dataResponse(
  ctx: StreamRequest,
  stream: StreamRecord,
  start: number,
  entries: readonly EntryRecord[],
  extra: HeaderInit,
): Response {
  const next = entries.length > 0 ? entries[entries.length - 1]!.seq + 1 : start;
  const upToDate = next >= stream.tailSeq;
  const closed = stream.closed && upToDate;
  const etag = etagOf(stream, start, next, closed);
  const headers = new Headers(extra);
  headers.set('content-type', stream.contentType);
  headers.set(h.nextOffset, formatOffset(next));
  headers.set('etag', etag);
  // Our streams are one person's data: private, and never cached at the live tail.
  headers.set('cache-control', upToDate ? 'no-store' : 'private, max-age=60, stale-while-revalidate=300');
  if (upToDate) headers.set(h.upToDate, 'true');
  if (closed) headers.set(h.closed, 'true');
  if (matchesEtag(ctx.request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
  return new Response(readBody(entries, isJson(stream.contentType)), { status: 200, headers });
}

/** GET: catch-up, long-poll (`live=long-poll`) or SSE (`live=sse`) from an offset. */
export async function readStream(ctx: StreamRequest): Promise<Response> {
  const params = new URL(ctx.request.url).searchParams;
  const live = params.get('live');
  const offsetText = params.get('offset');
  const cursor = params.get('cursor') ?? undefined;
  if (live !== null && live !== 'long-poll' && live !== 'sse') {
    return refuse(400, 'bad_live', 'live must be long-poll or sse.');
  }
  if (live !== null && offsetText === null) return refuse(400, 'bad_offset', 'Live reads need an offset.');
  const offset = parseOffset(offsetText ?? '-1');
  if (offset === undefined) return refuse(400, 'bad_offset', 'offset is not an offset of this server.');

  const stream = await openForRead(ctx, true);
  if (stream instanceof Response) return stream;
  const start = offset === 'now' ? stream.tailSeq : offset;
  if (start > stream.tailSeq) return refuse(400, 'bad_offset', "offset is past the stream's tail.");

  if (live === 'sse') return sseResponse(ctx, stream, start, cursor);
  if (live === 'long-poll') return longPoll(ctx, stream, start, cursor);

  if (offset === 'now') {
    const headers = new Headers({
      'content-type': stream.contentType,
      [h.nextOffset]: formatOffset(stream.tailSeq),
      [h.upToDate]: 'true',
      'cache-control': 'no-store',
    });
    if (stream.closed) headers.set(h.closed, 'true');
    return new Response(isJson(stream.contentType) ? '[]' : new Uint8Array(0), { status: 200, headers });
  }
  const entries = start < stream.tailSeq ? await ctx.store.readEntries(stream.id, start, ctx.limits.maxReadBytes) : [];
  return dataResponse(ctx, stream, start, entries, {});
}

async function longPoll(
  ctx: StreamRequest,
  first: StreamRecord,
  start: number,
  cursor: string | undefined,
): Promise<Response> {
  const deadline = ctx.now() + ctx.limits.longPollMs;
  let stream = first;
  for (;;) {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    ctx.request.signal.addEventListener('abort', onAbort, { once: true });
    // Wait first, then look: an append that lands between the two still wakes us.
    const waiting = ctx.waiters.wait(stream.id, Math.max(0, deadline - ctx.now()), stop.signal);
    const current = await ctx.store.getStream(ctx.spaceId, ctx.path);
    const cursorHeader = { [h.cursor]: nextCursor(ctx.now(), cursor) };
    const finish = (response: Response) => {
      stop.abort();
      ctx.request.signal.removeEventListener('abort', onAbort);
      return response;
    };
    if (!current || current.id !== stream.id) return finish(refuse(404, 'not_found', 'The stream was deleted.'));
    if (current.softDeleted) return finish(refuse(410, 'gone', 'This stream has been deleted.'));
    stream = current;
    if (start < stream.tailSeq) {
      const entries = await ctx.store.readEntries(stream.id, start, ctx.limits.maxReadBytes);
      return finish(dataResponse(ctx, stream, start, entries, cursorHeader));
    }
    const tail = { [h.nextOffset]: formatOffset(stream.tailSeq), [h.upToDate]: 'true', 'cache-control': 'no-store' };
    if (stream.closed) return finish(new Response(null, { status: 204, headers: { ...tail, [h.closed]: 'true' } }));
    const changed = await waiting;
    ctx.request.signal.removeEventListener('abort', onAbort);
    if (!changed) {
      if (ctx.request.signal.aborted) return new Response(null, { status: 204, headers: tail });
      // One last look: the wake may have raced the timeout.
      const last = await ctx.store.getStream(ctx.spaceId, ctx.path);
      if (last && last.id === stream.id && !last.softDeleted && start < last.tailSeq) {
        const entries = await ctx.store.readEntries(last.id, start, ctx.limits.maxReadBytes);
        return dataResponse(ctx, last, start, entries, cursorHeader);
      }
      return new Response(null, { status: 204, headers: { ...tail, ...cursorHeader } });
    }
  }
}
