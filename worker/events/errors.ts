/** A write based on an old view of the project: another tab or device appended first. */
export class ConcurrencyError extends Error {
  override name = 'ConcurrencyError';
}

/** The browser refused to store more: nothing was written, nothing already stored is lost. */
export class StorageFullError extends Error {
  override name = 'StorageFullError';
}

/** Whether an error (or one it wraps, as Dexie does) is the browser's quota refusal. */
export function isQuotaError(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current.name === 'QuotaExceededError') return true;
    current = (current as { inner?: unknown }).inner ?? current.cause;
  }
  return false;
}
