import Dexie from 'dexie';
import { type Failure, fail } from '../contract/result.ts';
import { storageMessage } from '../contract/storage-message.ts';
import { ConcurrencyError, StorageFullError } from '../events/errors.ts';
import { InvalidEventError } from '../events/validate.ts';

/**
 * Turns what a command threw into a failure the UI can show as it is. Only what storage
 * throws (Dexie's errors, the browser's DOMExceptions) is storage trouble; anything else
 * is a fault of Orchestra's own, said as such and not worth retrying.
 */
export function toFailure(error: unknown): Failure {
  if (error instanceof InvalidEventError) return fail('bad_input', error.message);
  if (error instanceof ConcurrencyError) return fail('conflict', error.message, true);
  if (error instanceof StorageFullError) return fail('storage_full', error.message, true);
  const detail = error instanceof Error ? error.message : String(error);
  // The browser's quota refusal, raw (Dexie.QuotaExceededError) or as a DOMException: named as such.
  if ((error instanceof Dexie.DexieError || error instanceof DOMException) && error.name === 'QuotaExceededError') {
    return fail('storage_full', storageMessage(error), true);
  }
  if (error instanceof Dexie.DexieError || error instanceof DOMException) {
    return fail('storage', `Orchestra could not read or write its data: ${detail}`, true);
  }
  return fail('internal', `Orchestra ran into a problem of its own: ${detail}`);
}
