import type { EntryRecord, NewStream, StreamRecord } from '../store/contract.ts';
import { entryLength, entryOf, entryPrefix, jsonEntry, readLimited } from './body.ts';
import { liveStream, refuse, type StreamRequest, streamHeaders } from './context.ts';
import { h, isJson, isTrue, mediaType, parseWholeNumber } from './headers.ts';
import { formatOffset, parseOffset } from './offset.ts';

interface CreateConfig {
  contentType: string | undefined;
  ttlSeconds: number | null;
  expiresAt: number | null;
  closed: boolean;
  forkedFrom: string | null;
  forkOffset: number | undefined;
  forkSubOffset: number;
}

/**
 * A fork's source, always inside the same space: the header may give the stream's full
 * URL path (under `root`) or a path relative to the space's stream root.
 */
export function sourcePathOf(header: string, root: string): string {
  const relative = header.startsWith(root) ? header.slice(root.length) : header.replace(/^\/+/, '');
  try {
    return decodeURIComponent(relative);
  } catch {
    return relative;
  }
}

function parseConfig(headers: Headers, root: string): CreateConfig | Response {
  const ttl = parseWholeNumber(headers.get(h.ttl));
  if (ttl === 'invalid') return refuse(400, 'bad_ttl', 'Stream-TTL must be a whole number of seconds.');
  const expiresText = headers.get(h.expiresAt);
  const expiresAt = expiresText === null ? null : Date.parse(expiresText);
  if (expiresAt !== null && !Number.isFinite(expiresAt)) {
    return refuse(400, 'bad_expiry', 'Stream-Expires-At must be an RFC 3339 time.');
  }
  if (ttl !== undefined && expiresAt !== null) {
    return refuse(400, 'bad_expiry', 'Give Stream-TTL or Stream-Expires-At, not both.');
  }
  const forkedFrom = headers.get(h.forkedFrom);
  const forkOffsetText = headers.get(h.forkOffset);
  const subOffset = parseWholeNumber(headers.get(h.forkSubOffset));
  if (forkedFrom === null && (forkOffsetText !== null || subOffset !== undefined)) {
    return refuse(400, 'bad_fork', 'Stream-Fork-Offset and Stream-Fork-Sub-Offset need Stream-Forked-From.');
  }
  if (subOffset === 'invalid') return refuse(400, 'bad_fork', 'Stream-Fork-Sub-Offset must be a whole number.');
  let forkOffset: number | undefined;
  if (forkOffsetText !== null) {
    const parsed = parseOffset(forkOffsetText);
    if (parsed === undefined || parsed === 'now')
      return refuse(400, 'bad_offset', 'Stream-Fork-Offset is not an offset.');
    forkOffset = parsed;
  }
  if ((subOffset ?? 0) > 0 && forkOffset === undefined) {
    return refuse(400, 'bad_fork', 'A Stream-Fork-Sub-Offset above 0 needs Stream-Fork-Offset.');
  }
  if (forkedFrom !== null && sourcePathOf(forkedFrom, root) === '')
    return refuse(400, 'bad_fork', 'Stream-Forked-From names no stream.');
  const contentType = headers.get('content-type');
  return {
    contentType: contentType === null || contentType.trim() === '' ? undefined : contentType.trim(),
    ttlSeconds: ttl ?? null,
    expiresAt,
    closed: isTrue(headers.get(h.closed)),
    forkedFrom: forkedFrom === null ? null : sourcePathOf(forkedFrom, root),
    forkOffset,
    forkSubOffset: subOffset ?? 0,
  };
}

function expiryMatches(stream: StreamRecord, config: CreateConfig): boolean {
  // A fork that asked for no expiry took its source's; there is nothing to compare.
  if (config.forkedFrom !== null && config.ttlSeconds === null && config.expiresAt === null) return true;
  return config.ttlSeconds === stream.ttlSeconds && config.expiresAt === stream.expiresAt;
}

function sameConfig(stream: StreamRecord, config: CreateConfig): boolean {
  const contentType = config.contentType ?? (config.forkedFrom ? stream.contentType : 'application/octet-stream');
  return (
    mediaType(contentType) === mediaType(stream.contentType) &&
    expiryMatches(stream, config) &&
    config.closed === stream.closed &&
    config.forkedFrom === stream.forkedFrom &&
    (config.forkOffset === undefined || formatOffset(config.forkOffset) === stream.forkOffset) &&
    config.forkSubOffset === stream.forkSubOffset
  );
}

/** PUT: create a stream (or a fork), or confirm one that exists with the same configuration. */
export async function createStream(ctx: StreamRequest): Promise<Response> {
  const config = parseConfig(ctx.request.headers, ctx.root);
  if (config instanceof Response) return config;
  const body = await readLimited(ctx.request, ctx.limits.maxAppendBytes);
  if (body === 'too-large')
    return refuse(413, 'too_large', `A stream's initial body may be at most ${ctx.limits.maxAppendBytes} bytes.`);
  const now = ctx.now();

  return ctx.store.transact(ctx.spaceId, async (tx) => {
    const existing = await liveStream(tx, ctx.spaceId, ctx.path, now);
    if (existing?.softDeleted)
      return refuse(409, 'deleted', 'A deleted stream still used by its forks holds this path.');
    if (existing) {
      if (!sameConfig(existing, config))
        return refuse(409, 'exists', 'A stream with another configuration exists at this path.');
      const headers = streamHeaders(existing);
      headers.set(h.nextOffset, formatOffset(existing.tailSeq));
      if (existing.closed) headers.set(h.closed, 'true');
      return new Response(null, { status: 200, headers });
    }

    const space = await tx.getSpace(ctx.spaceId);
    if (!space) return refuse(404, 'no_space', 'This space no longer exists.');
    if (space.streamCount >= ctx.limits.maxSpaceStreams) {
      return refuse(
        507,
        'quota_streams',
        `This space holds its limit of ${ctx.limits.maxSpaceStreams} streams; delete some first.`,
      );
    }

    let contentType = config.contentType ?? 'application/octet-stream';
    let ttlSeconds = config.ttlSeconds;
    let expiresAt = config.expiresAt;
    let prefix: { source: StreamRecord; before: number; partial: EntryRecord | undefined } | undefined;
    if (config.forkedFrom !== null) {
      const source = await liveStream(tx, ctx.spaceId, config.forkedFrom, now);
      if (!source) return refuse(404, 'no_source', 'The stream to fork from does not exist.');
      if (source.softDeleted) return refuse(409, 'deleted', 'The stream to fork from has been deleted.');
      if (config.contentType !== undefined && mediaType(config.contentType) !== mediaType(source.contentType)) {
        return refuse(409, 'content_type', `A fork keeps its source's content type, ${source.contentType}.`);
      }
      contentType = config.contentType ?? source.contentType;
      const anchor = config.forkOffset ?? source.tailSeq;
      if (anchor > source.tailSeq) return refuse(400, 'bad_offset', "Stream-Fork-Offset is past the source's tail.");
      let partial: EntryRecord | undefined;
      if (config.forkSubOffset > 0) {
        const [entry] = await tx.readEntries(source.id, anchor, anchor + 1);
        const json = isJson(source.contentType);
        if (!entry || config.forkSubOffset > entryLength(entry, json)) {
          return refuse(400, 'bad_fork', 'Stream-Fork-Sub-Offset is past the append at Stream-Fork-Offset.');
        }
        partial = entryPrefix(entry, json, config.forkSubOffset);
      }
      prefix = { source, before: anchor, partial };
      // A fork asking for no expiry inherits its source's (ARCHITECTURE: the protocol's table).
      if (ttlSeconds === null && expiresAt === null) {
        ttlSeconds = source.ttlSeconds;
        expiresAt = source.expiresAt;
      }
    }

    const json = isJson(contentType);
    let initial: EntryRecord[] = [];
    if (body.byteLength > 0) {
      const parsed = json ? jsonEntry(body) : undefined;
      if (parsed && !parsed.ok) return refuse(400, 'bad_json', parsed.message);
      const messages = parsed?.ok ? parsed : undefined;
      if (!messages || messages.count > 0) initial = [entryOf(0, body, messages)];
    }
    const initialBytes = initial.reduce((sum, e) => sum + e.data.byteLength, 0);
    const inheritedBytes = prefix ? prefix.source.bytes : 0;
    if (space.bytesUsed + initialBytes + inheritedBytes > ctx.limits.maxSpaceBytes) {
      return refuse(
        507,
        'quota_bytes',
        `This space would pass its storage limit of ${ctx.limits.maxSpaceBytes} bytes.`,
      );
    }

    const row: NewStream = {
      spaceId: ctx.spaceId,
      path: ctx.path,
      contentType,
      createdAt: now,
      ttlSeconds,
      expiresAt,
      // The idle window starts when the stream exists, after any wait for its space.
      lastAccessAt: ctx.now(),
      closed: config.closed,
      closedBy: null,
      tailSeq: 0,
      lastWriterSeq: null,
      bytes: 0,
      forkedFrom: config.forkedFrom,
      forkOffset: prefix ? formatOffset(prefix.before) : null,
      forkSubOffset: config.forkSubOffset,
      sourceId: prefix ? prefix.source.id : null,
      refCount: 0,
      softDeleted: false,
    };
    const stream = await tx.insertStream(row);
    let tail = 0;
    let bytes = 0;
    if (prefix) {
      bytes += await tx.copyEntries(prefix.source.id, stream.id, prefix.before);
      tail = prefix.before;
      if (prefix.partial) {
        await tx.appendEntries(stream.id, [prefix.partial]);
        bytes += prefix.partial.data.byteLength;
        tail += 1;
      }
      await tx.updateStream(prefix.source.id, { refCount: prefix.source.refCount + 1 });
    }
    if (initial.length > 0) {
      await tx.appendEntries(
        stream.id,
        initial.map((e, i) => ({ ...e, seq: tail + i })),
      );
      tail += initial.length;
      bytes += initialBytes;
    }
    await tx.updateStream(stream.id, { tailSeq: tail, bytes });
    await tx.addUsage(ctx.spaceId, bytes, 1);
    tx.notify(stream.id);

    const headers = streamHeaders({ ...stream, contentType });
    headers.set(h.nextOffset, formatOffset(tail));
    headers.set('location', new URL(ctx.request.url).href);
    if (config.closed) headers.set(h.closed, 'true');
    return new Response(null, { status: 201, headers });
  });
}
