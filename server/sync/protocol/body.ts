import type { EntryRecord } from '../store/contract.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export type JsonEntry = { ok: true; data: Uint8Array; count: number } | { ok: false; message: string };

const isSpace = (byte: number | undefined) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * A JSON body as the data of the entry it stores: the messages of a top-level array
 * (one level flattened) or the one value, as the body's own bytes between the array's
 * brackets. JSON.parse checks it and counts the messages; nothing is re-serialized,
 * which cost a push more than storing it. An empty array is no messages (the caller
 * decides whether that is allowed).
 */
export function jsonEntry(body: Uint8Array): JsonEntry {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(body));
  } catch {
    return { ok: false, message: 'The body is not valid JSON.' };
  }
  // The decoder drops a byte order mark; the stored bytes must not keep it either.
  let start = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  let end = body.byteLength;
  while (isSpace(body[start])) start += 1;
  while (isSpace(body[end - 1])) end -= 1;
  if (!Array.isArray(value)) return { ok: true, data: body.subarray(start, end), count: 1 };
  // Parsed as an array: the first and last bytes left are its brackets.
  return { ok: true, data: body.subarray(start + 1, end - 1), count: value.length };
}

/** One entry per append: bytes as they came, or the messages of a JSON body (`jsonEntry`). */
export function entryOf(
  seq: number,
  body: Uint8Array,
  json: { data: Uint8Array; count: number } | undefined,
): EntryRecord {
  if (json) return { seq, data: json.data, count: json.count };
  return { seq, data: body, count: 1 };
}

/** The first `count` messages (JSON) or bytes of an entry, as a new entry. */
export function entryPrefix(entry: EntryRecord, json: boolean, count: number): EntryRecord {
  if (!json) return { seq: entry.seq, data: entry.data.slice(0, count), count: 1 };
  const messages = (JSON.parse(`[${decoder.decode(entry.data)}]`) as unknown[]).slice(0, count);
  return {
    seq: entry.seq,
    data: encoder.encode(messages.map((m) => JSON.stringify(m)).join(',')),
    count: messages.length,
  };
}

/** The length a sub-offset counts in: messages for JSON, bytes otherwise. */
export const entryLength = (entry: EntryRecord, json: boolean): number => (json ? entry.count : entry.data.byteLength);

/** A read's body: bytes back to back, or for JSON one array of every message. */
export function readBody(entries: readonly EntryRecord[], json: boolean): Uint8Array<ArrayBuffer> {
  if (!json) return concat(entries.map((e) => e.data));
  const parts: Uint8Array[] = [encoder.encode('[')];
  let first = true;
  for (const entry of entries) {
    if (entry.count === 0) continue;
    if (!first) parts.push(encoder.encode(','));
    parts.push(entry.data);
    first = false;
  }
  parts.push(encoder.encode(']'));
  return concat(parts);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const part of parts) length += part.byteLength;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** Past this, an oversized body is cut off rather than read to its end. */
const drainCap = 64 * 1024 * 1024;

/**
 * Reads a request body, refusing past `limit` bytes without keeping the rest. The rest
 * is still read and dropped (up to 64 MiB): answering 413 while the client is still
 * sending makes many clients see a reset connection instead of the 413.
 */
export async function readLimited(request: Request, limit: number): Promise<Uint8Array | 'too-large'> {
  if (!request.body) return new Uint8Array(0);
  const declared = Number(request.headers.get('content-length') ?? NaN);
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  let tooLarge = Number.isFinite(declared) && declared > limit;
  for (;;) {
    const result = (await reader.read()) as { done: boolean; value?: Uint8Array };
    if (result.done || !result.value) break;
    total += result.value.byteLength;
    if (total > limit) tooLarge = true;
    if (tooLarge) {
      parts.length = 0;
      if (total > drainCap) {
        await reader.cancel().catch(() => undefined);
        break;
      }
      continue;
    }
    parts.push(result.value);
  }
  return tooLarge ? 'too-large' : concat(parts);
}
