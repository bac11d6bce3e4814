import { z } from 'zod';
import type { OrchestraEvent } from '../events/catalog.ts';
import { sha256Hex } from '../events/hash.ts';
import { sha256Schema } from '../events/schemas/common.ts';
import { parseStoredEvent } from '../events/validate.ts';
import { fromBase64Url, toBase64Url } from './base64url.ts';
import { readCapped } from '../streams/read-capped.ts';

/**
 * The sync wire format: each message of a project's stream (`application/json`) is an
 * envelope. The server sees only what it needs to order and deduplicate — the events'
 * ids and sequence numbers, or a text's hash — and ciphertext: the events themselves
 * (type, payload, texts) are AES-GCM under the space's payload key. The additional data
 * binds each ciphertext to its project and places, so one moved or altered fails to open.
 *
 * A device seals a run of consecutive events as one envelope (`events`): one AES-GCM
 * operation per run instead of one per event, which is what pushing and catching up a
 * long log spend their time on (WebCrypto costs tens of microseconds a call, whatever
 * the size). Envelopes of one event (`event`), as earlier versions wrote them, still open.
 *
 * A run of more than a few KiB is deflated before it is sealed (`z: 'deflate-raw'`, bound
 * into the additional data so it cannot be stripped). Event JSON shrinks about eightfold,
 * and every later step — base64, the upload, the server's parse and insert, each reader's
 * download and parse — handles an eighth of the bytes. Compressing before encrypting
 * tells the server a little about how repetitive a run is, beyond its length; the events
 * carry no secrets (keys never sync), and what a server could learn from that is far less
 * than the sizes of the runs already say.
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
/** Most events and plaintext sealed in one `events` envelope: a push is many, a live append one. */
export const maxEventsPerEnvelope = 512;
const maxEnvelopePlainChars = 256 * 1024;

export const eventsEnvelopeSchema = z.object({
  v: z.literal(1),
  kind: z.literal('events'),
  /** The first event's sequence number; the others follow it without a gap. */
  seq: z.number().int().positive(),
  ids: z.array(z.string().min(1).max(64)).min(1).max(maxEventsPerEnvelope),
  /** The plaintext was deflated before it was sealed. */
  z: z.literal('deflate-raw').optional(),
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
export const envelopeSchema = z.discriminatedUnion('kind', [
  eventEnvelopeSchema,
  eventsEnvelopeSchema,
  blobEnvelopeSchema,
]);
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;
export type EventsEnvelope = z.infer<typeof eventsEnvelopeSchema>;
/** An envelope that carries events (one, or a run). */
export type AnyEventEnvelope = EventEnvelope | EventsEnvelope;
export type BlobEnvelope = z.infer<typeof blobEnvelopeSchema>;
export type Envelope = z.infer<typeof envelopeSchema>;
export type IndexEnvelope = z.infer<typeof indexEnvelopeSchema>;

/**
 * Where a copy's stream was forked from (the protocol's fork): the copy's stream starts
 * with the messages of `from`'s stream up to `offset`, which hold the shared start of the
 * log up to event `seq`, sealed under the projects they were written for. `lineage`
 * names, oldest first, which project sealed each stretch: an event at or below an item's
 * `toSeq` (and above the item before's) was sealed under that item's project.
 */
/** A project id as streams are named by it: a ULID's characters, nothing a URL or header treats apart. */
const projectIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9A-Za-z_-]+$/);

export const forkOriginSchema = z
  .object({
    from: projectIdSchema,
    offset: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[0-9_]+$/),
    seq: z.number().int().positive(),
    lineage: z
      .array(z.object({ projectId: projectIdSchema, toSeq: z.number().int().positive() }))
      .min(1)
      .max(32),
  })
  .refine(
    (fork) =>
      fork.lineage.at(-1)?.toSeq === fork.seq &&
      fork.lineage.every((item, i) => i === 0 || item.toSeq > fork.lineage[i - 1]!.toSeq),
    "A fork's stretches follow each other and end at its shared start's last event.",
  );
export type ForkOrigin = z.infer<typeof forkOriginSchema>;

/** What the index says of a project: it exists in the space, under this name. */
export const indexEntrySchema = z.object({
  projectId: projectIdSchema,
  name: z.string().max(200),
  /** A copy made when two devices wrote the project apart: the project it came from. */
  copyOf: projectIdSchema.optional(),
  /** The copy's stream is a fork of the project it came from, sharing their common start. */
  fork: forkOriginSchema.optional(),
  /** The project was deleted on every device of the space (the person chose so on one). */
  deleted: z.literal(true).optional(),
});
export type IndexEntry = z.infer<typeof indexEntrySchema>;

export class SyncTamperError extends Error {
  override name = 'SyncTamperError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const eventData = (projectId: string, seq: number, id: string) =>
  encoder.encode(`orchestra-sync-v1|${projectId}|event|${seq}|${id}`);
const eventsData = (projectId: string, seq: number, ids: readonly string[], compressed: boolean) =>
  encoder.encode(`orchestra-sync-v1|${projectId}|events|${seq}|${ids.join(',')}${compressed ? '|deflate-raw' : ''}`);

/** Runs smaller than this are sealed as they are: a live append stays one quick step. */
const deflateFromBytes = 4096;

/**
 * Most bytes a sealed run may inflate to. A run holds at most 256 KiB of plaintext (one
 * larger event alone), so this is far past anything a device seals; it stops a run that
 * a faulty or hostile device of the space deflated from gigabytes of nothing.
 */
export const maxInflatedBytes = 64 * 1024 * 1024;

class TooLargeError extends Error {}

/**
 * The bytes through a (de)compression stream, written in one piece and read as they
 * come: a third quicker than piping a Blob's stream through it, whose chunking and
 * copy cost as much as the deflate itself on a long push. Past `limit` bytes out, the
 * stream is cancelled and `TooLargeError` thrown.
 */
async function through(
  bytes: Uint8Array<ArrayBuffer>,
  transform: CompressionStream | DecompressionStream,
  limit = Number.POSITIVE_INFINITY,
) {
  const writer = transform.writable.getWriter();
  // Failures surface on the readable side, which is awaited below.
  writer.write(bytes).catch(() => undefined);
  writer.close().catch(() => undefined);
  return readCapped(transform.readable.getReader(), limit, () => new TooLargeError());
}
const indexData = encoder.encode('orchestra-sync-v1|index');
const blobData = (projectId: string, hash: string) => encoder.encode(`orchestra-sync-v1|${projectId}|blob|${hash}`);

async function seal(key: CryptoKey, plain: string | Uint8Array<ArrayBuffer>, additionalData: Uint8Array<ArrayBuffer>) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const bytes = typeof plain === 'string' ? encoder.encode(plain) : plain;
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, bytes);
  return { iv: toBase64Url(iv), ct: toBase64Url(new Uint8Array(ct)) };
}

async function open(
  key: CryptoKey,
  envelope: { iv: string; ct: string },
  additionalData: Uint8Array<ArrayBuffer>,
): Promise<string> {
  return decoder.decode(await openBytes(key, envelope, additionalData));
}

async function openBytes(
  key: CryptoKey,
  envelope: { iv: string; ct: string },
  additionalData: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const iv = fromBase64Url(envelope.iv);
  const ct = fromBase64Url(envelope.ct);
  if (!iv || !ct || iv.length !== 12)
    throw new SyncTamperError('A synced message is malformed: it was altered on the way or on the server.');
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData }, key, ct));
  } catch {
    throw new SyncTamperError(
      "A synced message does not open with this space's secret: it was altered on the server, or written with another secret.",
    );
  }
}

/**
 * What opened, as JSON. It was sealed with the space's key, so text that is not JSON
 * comes from a faulty device: refused for good with a sentence, not a SyntaxError that
 * the sync would take for a passing failure and try again forever.
 */
function parseSealedJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SyncTamperError('A synced message opens but is not JSON: it was written by a faulty device.');
  }
}

/** One event in an envelope of its own, as versions before `sealEvents` wrote them. */
export async function sealEvent(key: CryptoKey, event: OrchestraEvent): Promise<EventEnvelope> {
  const sealed = await seal(key, JSON.stringify(event), eventData(event.projectId, event.seq, event.id));
  return { v: 1, kind: 'event', id: event.id, seq: event.seq, ...sealed };
}

/** @throws SyncTamperError when the ciphertext or its place was altered */
export async function openEvent(key: CryptoKey, projectId: string, envelope: EventEnvelope): Promise<OrchestraEvent> {
  const text = await open(key, envelope, eventData(projectId, envelope.seq, envelope.id));
  const event = parseStoredEvent(parseSealedJson(text));
  if (event.projectId !== projectId || event.seq !== envelope.seq || event.id !== envelope.id) {
    throw new SyncTamperError('A synced event does not match its envelope.');
  }
  return event;
}

/**
 * Seals a project's events as runs of consecutive ones, one envelope each (at most
 * `maxEventsPerEnvelope` events and about 256 KiB of plaintext; a gap in the sequence
 * numbers starts a new run).
 * @example for (const envelope of await sealEvents(key, events)) producer.append(JSON.stringify(envelope));
 */
export async function sealEvents(key: CryptoKey, events: readonly OrchestraEvent[]): Promise<EventsEnvelope[]> {
  const runs: Array<{ plain: string; events: OrchestraEvent[] }> = [];
  for (const candidate of consecutiveRuns(events)) {
    // One JSON.stringify per run, not one per event and a join: half the time of
    // sealing a long push. Only a run over the plaintext limit is cut event by event.
    const plain = JSON.stringify(candidate);
    // The events' own characters: the run's JSON less its brackets and commas.
    if (plain.length - candidate.length - 1 <= maxEnvelopePlainChars) runs.push({ plain, events: candidate });
    else runs.push(...cutBySize(candidate));
  }
  return Promise.all(
    runs.map(async ({ plain: text, events: sealed }) => {
      const first = sealed[0]!;
      const ids = sealed.map((event) => event.id);
      const plain = encoder.encode(text);
      if (plain.byteLength < deflateFromBytes) {
        const box = await seal(key, plain, eventsData(first.projectId, first.seq, ids, false));
        return { v: 1 as const, kind: 'events' as const, seq: first.seq, ids, ...box };
      }
      const deflated = await through(plain, new CompressionStream('deflate-raw'));
      const box = await seal(key, deflated, eventsData(first.projectId, first.seq, ids, true));
      return { v: 1 as const, kind: 'events' as const, seq: first.seq, ids, z: 'deflate-raw' as const, ...box };
    }),
  );
}

/** Runs of consecutive events of one project, at most `maxEventsPerEnvelope` each. */
function consecutiveRuns(events: readonly OrchestraEvent[]): OrchestraEvent[][] {
  const runs: OrchestraEvent[][] = [];
  let run: OrchestraEvent[] | undefined;
  for (const event of events) {
    const last = run?.at(-1);
    if (
      !run ||
      !last ||
      last.projectId !== event.projectId ||
      last.seq + 1 !== event.seq ||
      run.length >= maxEventsPerEnvelope
    ) {
      run = [];
      runs.push(run);
    }
    run.push(event);
  }
  return runs;
}

/** A run cut where its events' JSON passes `maxEnvelopePlainChars`. */
function cutBySize(events: readonly OrchestraEvent[]): Array<{ plain: string; events: OrchestraEvent[] }> {
  const runs: Array<{ texts: string[]; events: OrchestraEvent[]; chars: number }> = [];
  let run: { texts: string[]; events: OrchestraEvent[]; chars: number } | undefined;
  for (const event of events) {
    const text = JSON.stringify(event);
    if (!run || run.chars + text.length > maxEnvelopePlainChars) {
      run = { texts: [], events: [], chars: 0 };
      runs.push(run);
    }
    run.texts.push(text);
    run.events.push(event);
    run.chars += text.length;
  }
  return runs.map((cut) => ({ plain: `[${cut.texts.join(',')}]`, events: cut.events }));
}

/** The places (sequence number and event id) an envelope fills, in order, before it is opened. */
export function placesOf(envelope: AnyEventEnvelope): Array<{ seq: number; id: string }> {
  if (envelope.kind === 'event') return [{ seq: envelope.seq, id: envelope.id }];
  return envelope.ids.map((id, i) => ({ seq: envelope.seq + i, id }));
}

/**
 * The events an envelope carries, opened and checked against its places.
 * @throws SyncTamperError when the ciphertext or its places were altered
 */
export async function openEvents(
  key: CryptoKey,
  projectId: string,
  envelope: AnyEventEnvelope,
): Promise<OrchestraEvent[]> {
  if (envelope.kind === 'event') return [await openEvent(key, projectId, envelope)];
  const compressed = envelope.z === 'deflate-raw';
  const opened = await openBytes(key, envelope, eventsData(projectId, envelope.seq, envelope.ids, compressed));
  let plain = opened;
  if (compressed) {
    try {
      plain = await through(opened, new DecompressionStream('deflate-raw'), maxInflatedBytes);
    } catch (error) {
      if (error instanceof TooLargeError)
        throw new SyncTamperError(
          `A synced run of events inflates past ${maxInflatedBytes / 1024 / 1024} MiB, far more than a device seals: it was refused unread.`,
        );
      throw new SyncTamperError('A synced run of events does not inflate: it was written by a faulty device.');
    }
  }
  const items = parseSealedJson(decoder.decode(plain));
  if (!Array.isArray(items) || items.length !== envelope.ids.length)
    throw new SyncTamperError('A synced run of events does not match its envelope.');
  return items.map((item, i) => {
    const event = parseStoredEvent(item);
    if (event.projectId !== projectId || event.seq !== envelope.seq + i || event.id !== envelope.ids[i]) {
      throw new SyncTamperError('A synced event does not match its envelope.');
    }
    return event;
  });
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
  const parsed = indexEntrySchema.safeParse(parseSealedJson(await open(key, envelope, indexData)));
  if (!parsed.success) throw new SyncTamperError('A synced project entry is malformed.');
  return parsed.data;
}
