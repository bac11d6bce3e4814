import { type Failure, fail } from '../contract/result.ts';
import { ConcurrencyError, StorageFullError } from '../events/errors.ts';
import { InvalidEventError } from '../events/validate.ts';

/** Turns what the event store throws into a failure the UI can show as it is. */
export function toFailure(error: unknown): Failure {
  if (error instanceof InvalidEventError) return fail('bad_input', error.message);
  if (error instanceof ConcurrencyError) return fail('conflict', error.message, true);
  if (error instanceof StorageFullError) return fail('storage_full', error.message, true);
  const detail = error instanceof Error ? error.message : String(error);
  return fail('storage', `Orchestra could not read or write its data: ${detail}`, true);
}
