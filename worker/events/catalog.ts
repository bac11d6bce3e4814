import { z } from 'zod';
import { artifactEvents } from './schemas/artifact-events.ts';
import { checkEvents } from './schemas/check-events.ts';
import { type Actor, actorSchema, localIdSchema, ulidSchema } from './schemas/common.ts';
import { projectEvents } from './schemas/project-events.ts';
import { routingEvents } from './schemas/routing-events.ts';
import { taskEvents } from './schemas/task-events.ts';

/** Every event type Orchestra records, `<noun>-<action>`, with the schema of its payload. */
export const payloadSchemas = { ...projectEvents, ...taskEvents, ...routingEvents, ...artifactEvents, ...checkEvents };

export type EventType = keyof typeof payloadSchemas;
export type PayloadOf<T extends EventType> = z.infer<(typeof payloadSchemas)[T]>;
export const eventTypes = Object.keys(payloadSchemas) as EventType[];

/**
 * The schema version written for each type today. Changing a payload's shape means
 * bumping its version here and adding an upcaster from the previous version in
 * `upcasters.ts`, so events already stored keep reading.
 */
export const currentVersions: Record<EventType, number> = Object.fromEntries(
  eventTypes.map((type) => [type, 1]),
) as Record<EventType, number>;

/** One stored event: the envelope every event shares, and its typed payload. */
export interface StoredEvent<T extends EventType = EventType> {
  /** ULID: unique across devices, sortable by time. */
  id: string;
  projectId: string;
  /** Per project, gap-free from 1. */
  seq: number;
  type: T;
  /** Schema version of the payload as written. */
  v: number;
  at: number;
  actor: Actor;
  /** The command or run this event belongs to. */
  correlationId: string;
  /** The event that led to this one, if any. */
  causationId: string | null;
  payload: PayloadOf<T>;
}

/** The discriminated union of all events: narrow on `type`. */
export type OrchestraEvent = { [T in EventType]: StoredEvent<T> }[EventType];

/** What a caller hands to `append`: the store fills in ids, sequence and time. */
export type EventDraft = {
  [T in EventType]: {
    type: T;
    payload: PayloadOf<T>;
    actor: Actor;
    correlationId?: string;
    causationId?: string | null;
  };
}[EventType];

/** The envelope as it must look on disk or in an imported bundle; the payload is checked per type. */
export const envelopeSchema = z.object({
  id: ulidSchema,
  projectId: ulidSchema,
  seq: z.number().int().min(1),
  type: z.enum(eventTypes as [EventType, ...EventType[]]),
  v: z.number().int().min(1),
  at: z.number().finite().min(0),
  actor: actorSchema,
  correlationId: localIdSchema,
  causationId: localIdSchema.nullable(),
  payload: z.unknown(),
});
