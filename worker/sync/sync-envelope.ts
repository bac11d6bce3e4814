import { z } from 'zod';
import type { OrchestraEvent } from '../events/catalog.ts';
import { sha256Hex } from '../events/hash.ts';
import { sha256Schema } from '../events/schemas/common.ts';
import { parseStoredEvent } from '../events/validate.ts';
import { fromBase64Url, toBase64Url } from './base64url.ts';

/**
 * The sync wire format: each message of a project's stream (`application/json`) is an
 * envelope. The server sees only what it needs to order and deduplicate — the event's
 * id and sequence number, or a text's hash — and ciphertext: the event itself (type,
 * payload, texts) is AES-GCM under the space's payload key. The additional data binds
 * each ciphertext to its project and place, so one moved or altered fails to open.
 */
const base64url = z
  .string()
  .regex(/^[A-Za-z0-9_-]*$/)
  .max(64 * 1024 * 1024);

export const eventEnvelopeSchema = z.object({
  v: z.literal(1),
  kind: z.literal('event'),
  id: z.string().min(1).max(64),
  seq: z.number().int().positive(),
  iv: base64url,
  ct: base64url,
});
export const blobEnvelopeSchema = z.object({
  v: z.literal(1),
  kind: z.literal('blob'),
  hash: sha256Schema,
  iv: base64url,
  ct: base64url,
});
/** A message of the space's index stream: which projects exist (sealed, so names stay private). */
export const indexEnvelopeSchema = z.object({
  v: z.literal(1),
  kind: z.literal('index'),
  iv: base64url,
  ct: base64url,
});
export const envelopeSchema = z.discriminatedUnion('kind', [eventEnvelopeSchema, blobEnvelopeSchema]);
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;
export type BlobEnvelope = z.infer<typeof blobEnvelopeSchema>;
export type Envelope = z.infer<typeof envelopeSchema>;
export type IndexEnvelope = z.infer<typeof indexEnvelopeSchema>;

/** What the index says of a project: it exists in the space, under this name. */
export const indexEntrySchema = z.object({
  projectId: z.string().min(1).max(64),
  name: z.string().max(200),
  /** A copy made when two devices wrote the project apart: the project it came from. */
  copyOf: z.string().min(1).max(64).optional(),
});
export type IndexEntry = z.infer<typeof indexEntrySchema>;

export class SyncTamperError extends Error {
  override name = 'SyncTamperError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const eventData = (projectId: string, seq: number, id: string) =>
  encoder.encode(`orchestra-sync-v1|${projectId}|event|${seq}|${id}`);
const indexData = encoder.encode('orchestra-sync-v1|index');
const blobData = (projectId: string, hash: string) => encoder.encode(`orchestra-sync-v1|${projectId}|blob|${hash}`);

async function seal(key: CryptoKey, plain: string, additionalData: Uint8Array<ArrayBuffer>) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, encoder.encode(plain));
  return { iv: toBase64Url(iv), ct: toBase64Url(new Uint8Array(ct)) };
}

async function open(
  key: CryptoKey,
  envelope: { iv: string; ct: string },
  additionalData: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const iv = fromBase64Url(envelope.iv);
  const ct = fromBase64Url(envelope.ct);
  if (!iv || !ct || iv.length !== 12)
    throw new SyncTamperError('A synced message is malformed: it was altered on the way or on the server.');
  try {
    return decoder.decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData }, key, ct));
  } catch {
    throw new SyncTamperError(
      "A synced message does not open with this space's secret: it was altered on the server, or written with another secret.",
    );
  }
}

export async function sealEvent(key: CryptoKey, event: OrchestraEvent): Promise<EventEnvelope> {
  const sealed = await seal(key, JSON.stringify(event), eventData(event.projectId, event.seq, event.id));
  return { v: 1, kind: 'event', id: event.id, seq: event.seq, ...sealed };
}

/** @throws SyncTamperError when the ciphertext or its place was altered */
export async function openEvent(key: CryptoKey, projectId: string, envelope: EventEnvelope): Promise<OrchestraEvent> {
  const text = await open(key, envelope, eventData(projectId, envelope.seq, envelope.id));
  const event = parseStoredEvent(JSON.parse(text));
  if (event.projectId !== projectId || event.seq !== envelope.seq || event.id !== envelope.id) {
    throw new SyncTamperError('A synced event does not match its envelope.');
  }
  return event;
}

export async function sealBlob(
  key: CryptoKey,
  projectId: string,
  hash: string,
  content: string,
): Promise<BlobEnvelope> {
  return { v: 1, kind: 'blob', hash, ...(await seal(key, content, blobData(projectId, hash))) };
}

/** @throws SyncTamperError when the text was altered or does not match its hash */
export async function openBlob(key: CryptoKey, projectId: string, envelope: BlobEnvelope): Promise<string> {
  const content = await open(key, envelope, blobData(projectId, envelope.hash));
  if ((await sha256Hex(content)) !== envelope.hash) throw new SyncTamperError('A synced text does not match its hash.');
  return content;
}

export async function sealIndexEntry(key: CryptoKey, entry: IndexEntry): Promise<IndexEnvelope> {
  return { v: 1, kind: 'index', ...(await seal(key, JSON.stringify(entry), indexData)) };
}

/** @throws SyncTamperError when the entry was altered or is not an index entry */
export async function openIndexEntry(key: CryptoKey, envelope: IndexEnvelope): Promise<IndexEntry> {
  const parsed = indexEntrySchema.safeParse(JSON.parse(await open(key, envelope, indexData)));
  if (!parsed.success) throw new SyncTamperError('A synced project entry is malformed.');
  return parsed.data;
}
