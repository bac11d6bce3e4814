/** A write based on an old view of the project: another tab or device appended first. */
export class ConcurrencyError extends Error {
  override name = 'ConcurrencyError';
}

/** The browser refused to store more: nothing was written, nothing already stored is lost. */
export class StorageFullError extends Error {
  override name = 'StorageFullError';
}

/** Whether an error, or one it wraps (as Dexie does, in `inner` or `failures`), is named `name`. */
function isNamed(error: unknown, name: string, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (error.name === name) return true;
  const wrapped = error as { inner?: unknown; failures?: unknown[] };
  return (
    isNamed(wrapped.inner ?? error.cause, name, depth + 1) ||
    (wrapped.failures ?? []).some((failure) => isNamed(failure, name, depth + 1))
  );
}

/** The browser's quota refusal. */
export const isQuotaError = (error: unknown) => isNamed(error, 'QuotaExceededError');

/** A key that already exists: for the log, another writer appended first. */
export const isConstraintError = (error: unknown) => isNamed(error, 'ConstraintError');

/** What a write refused because another tab or device wrote first says. */
export const staleMessage =
  'This project changed elsewhere (another tab or device) since this tab last read it. It has been reloaded; try again.';

/** What a write refused for want of room says. */
export const storageFullMessage =
  'The browser has no room left for Orchestra’s data, so this step was not saved. Free space in the Data view (export and delete old projects) and try again; nothing already saved was lost.';

/** What a failed write means for the person: a stale view, a full disk, or the error itself. */
export function writeFailure(error: unknown): unknown {
  if (error instanceof ConcurrencyError) return error;
  if (isConstraintError(error)) return new ConcurrencyError(staleMessage);
  if (isQuotaError(error)) return new StorageFullError(storageFullMessage);
  return error;
}
