import type { z } from 'zod';
import { type EventType, type OrchestraEvent, currentVersions, envelopeSchema, payloadSchemas } from './catalog.ts';
import { upcast } from './upcast.ts';

export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ');
}

/** Checks a payload against its type's current schema; returns the parsed payload. */
export function parsePayload(type: EventType, payload: unknown): unknown {
  const parsed = payloadSchemas[type].safeParse(payload);
  if (!parsed.success) throw new InvalidEventError(`A ${type} event is not valid: ${describe(parsed.error)}.`);
  return parsed.data;
}

/**
 * Reads one event from outside the store (an imported bundle, a synced batch): checks
 * the envelope, upcasts the payload to the current version and checks it too.
 */
export function parseStoredEvent(value: unknown): OrchestraEvent {
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) throw new InvalidEventError(`An event is not valid: ${describe(envelope.error)}.`);
  const { type, v } = envelope.data;
  const payload = parsePayload(type, upcast(type, v, envelope.data.payload, currentVersions[type]));
  return { ...envelope.data, v: currentVersions[type], payload } as OrchestraEvent;
}
