import { z } from 'zod';
import type { OrchestraEvent } from './catalog.ts';
import { sha256Hex } from './hash.ts';
import { sha256Schema, ulidSchema } from './schemas/common.ts';
import { InvalidEventError, parseStoredEvent } from './validate.ts';

/**
 * The portable run bundle: one JSON file with a project's whole log and the texts it
 * refers to. Another device imports it and can browse and replay the run with no key.
 * It never holds keys or settings: only events and blobs.
 */
export interface ProjectBundle {
  format: typeof bundleFormat;
  formatVersion: 1;
  exportedAt: string;
  projectId: string;
  events: OrchestraEvent[];
  blobs: { hash: string; content: string }[];
}

export const bundleFormat = 'orchestra-project-bundle';
/** 64 MiB of text: far above any real project, well below what would freeze a tab. */
export const maxBundleChars = 64 * 1024 * 1024;
const maxEvents = 1_000_000;

const bundleSchema = z.object({
  format: z.literal(bundleFormat),
  formatVersion: z.literal(1),
  exportedAt: z.string().max(40),
  projectId: ulidSchema,
  events: z.array(z.unknown()).min(1).max(maxEvents),
  blobs: z.array(z.object({ hash: sha256Schema, content: z.string() })).max(maxEvents),
});

export class BundleError extends Error {
  override name = 'BundleError';
}

/** The hashes of texts an event refers to: artifact contents and output checkpoints. */
export function referencedHashes(event: OrchestraEvent): string[] {
  if (event.type === 'artifact-create' || event.type === 'artifact-version') return [event.payload.contentHash];
  if (event.type === 'task-checkpoint') return [event.payload.textHash];
  return [];
}

/**
 * Reads and checks a bundle completely before anything is stored: size, JSON, format,
 * every event against its schema, one project, sequence numbers 1…n without gaps,
 * unique ids, and every text against its SHA-256. Artifact texts must be present;
 * checkpoint texts may have been compacted away.
 * @throws BundleError with a message for the person
 */
export async function readBundle(text: string): Promise<ProjectBundle> {
  if (text.length > maxBundleChars) {
    throw new BundleError(
      `This file is too large to be an Orchestra project (over ${maxBundleChars / 1024 / 1024} MB of text).`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BundleError(
      'This file is not a complete Orchestra project: it is not valid JSON (it may be truncated or damaged).',
    );
  }
  const parsed = bundleSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || 'the file';
    throw new BundleError(`This file is not an Orchestra project bundle (problem at ${where}).`);
  }
  const { projectId } = parsed.data;
  const events: OrchestraEvent[] = [];
  const ids = new Set<string>();
  for (const [index, raw] of parsed.data.events.entries()) {
    let event: OrchestraEvent;
    try {
      event = parseStoredEvent(raw);
    } catch (error) {
      throw new BundleError(
        `Event ${index + 1} of this project is damaged: ${error instanceof InvalidEventError ? error.message : String(error)}`,
      );
    }
    if (event.projectId !== projectId) throw new BundleError(`Event ${index + 1} belongs to another project.`);
    if (event.seq !== index + 1)
      throw new BundleError(`The events are not complete: event ${index + 1} is missing or out of order.`);
    if (ids.has(event.id)) throw new BundleError(`Event ${index + 1} repeats an earlier event’s id.`);
    ids.add(event.id);
    events.push(event);
  }
  if (events[0]?.type !== 'project-create') throw new BundleError('The first event of a project must be its creation.');
  const blobs = new Map<string, string>();
  for (const blob of parsed.data.blobs) {
    if ((await sha256Hex(blob.content)) !== blob.hash) {
      throw new BundleError(
        'A file stored in this project does not match its checksum: the bundle was altered or damaged.',
      );
    }
    blobs.set(blob.hash, blob.content);
  }
  for (const event of events) {
    if (
      (event.type === 'artifact-create' || event.type === 'artifact-version') &&
      !blobs.has(event.payload.contentHash)
    ) {
      throw new BundleError(`The content of ${event.payload.path} is missing from this bundle.`);
    }
  }
  return {
    ...parsed.data,
    format: bundleFormat,
    formatVersion: 1,
    events,
    blobs: [...blobs].map(([hash, content]) => ({ hash, content })),
  };
}
