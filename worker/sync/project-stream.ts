import { IdempotentProducer } from '@durable-streams/client';
import type { OrchestraEvent } from '../events/catalog.ts';
import type { SpaceConnection } from './sync-space.ts';
import { bearer, ensureStream, projectStreamUrl, spaceStream } from './space-streams.ts';
import { syncFailure } from './sync-errors.ts';
import { type Envelope, envelopeSchema, openBlob, openEvents, sealBlob, sealEvents } from './sync-envelope.ts';

/** The project's stream, created if it is not there yet. */
async function ensureProjectStream(connection: SpaceConnection, projectId: string) {
  const url = projectStreamUrl(connection, projectId);
  await ensureStream(connection, url);
  return spaceStream(connection, url);
}

export interface PushOptions {
  /** This device's stable producer id for the project. */
  producerId: string;
  /** The producer's epoch: bumped by the device each time it (re)starts writing. */
  epoch: number;
}

/**
 * Pushes events (and the texts they refer to) of one project, sealed, through an
 * idempotent producer: the server appends each batch exactly once, even when a retry
 * repeats it, and fences a writer whose epoch is stale.
 */
export async function pushProject(
  connection: SpaceConnection,
  projectId: string,
  events: readonly OrchestraEvent[],
  blobs: ReadonlyArray<{ hash: string; content: string }>,
  options: PushOptions,
): Promise<void> {
  const stream = await ensureProjectStream(connection, projectId);
  const errors: Error[] = [];
  const producer = new IdempotentProducer(stream, options.producerId, {
    epoch: options.epoch,
    lingerMs: 10,
    maxBatchBytes: 1024 * 1024,
    maxInFlight: 4,
    headers: bearer(connection),
    fetch: connection.fetch,
    onError: (error) => errors.push(error),
  });
  // Texts first: an event never arrives before the text it refers to.
  for (const blob of blobs)
    producer.append(JSON.stringify(await sealBlob(connection.key, projectId, blob.hash, blob.content)));
  for (const envelope of await sealEvents(connection.key, events)) producer.append(JSON.stringify(envelope));
  try {
    await producer.flush();
    await producer.detach();
  } catch (error) {
    errors.push(error as Error);
  }
  if (errors.length > 0) {
    throw syncFailure(errors[0], connection.serverUrl);
  }
}

export interface PulledProject {
  events: OrchestraEvent[];
  blobs: Array<{ hash: string; content: string }>;
  /** Where to read from next time. */
  offset: string;
}

/**
 * Reads a project's stream from `offset` up to its current end and opens every envelope.
 *
 * The server answers a catch-up read in pages (1 MiB by default). The official client
 * with `live: false` makes one request and stops, whatever the page says; with a live
 * mode, `json()` keeps reading page after page and stops at the first that reaches the
 * tail (`Stream-Up-To-Date`), which is what a catch-up needs.
 * @throws SyncTamperError when a message was altered (nothing is returned then)
 */
export async function pullProject(
  connection: SpaceConnection,
  projectId: string,
  offset = '-1',
): Promise<PulledProject> {
  const response = await spaceStream(connection, projectStreamUrl(connection, projectId)).stream<unknown>({
    offset,
    live: 'long-poll',
  });
  const items = await response.json();
  const events: OrchestraEvent[] = [];
  const blobs: Array<{ hash: string; content: string }> = [];
  for (const item of items) {
    const envelope: Envelope = envelopeSchema.parse(item);
    if (envelope.kind !== 'blob') events.push(...(await openEvents(connection.key, projectId, envelope)));
    else blobs.push({ hash: envelope.hash, content: await openBlob(connection.key, projectId, envelope) });
  }
  return { events, blobs, offset: response.offset };
}
