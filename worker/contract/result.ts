/**
 * Errors cross the worker door as data: Comlink flattens thrown errors to a plain
 * `Error`, so every command that can fail for a reason the person should see returns
 * a `Result` instead of throwing.
 */
export type Result<T> = { ok: true; value: T } | Failure;

export interface Failure {
  ok: false;
  kind: FailureKind;
  /** Whether trying the same thing again later can succeed. */
  retryable: boolean;
  /** One sentence a person understands. */
  message: string;
}

export type FailureKind =
  | 'bad_input'
  | 'not_found'
  /** Another tab holds this project: this one only watches. */
  | 'not_writer'
  /** The log moved on since the caller read it; reload and try again. */
  | 'conflict'
  | 'storage'
  | 'storage_full'
  /** A fault in Orchestra itself (a bug), not in storage or the person's input. */
  | 'internal'
  | 'unavailable'
  /** A model provider refused or failed; the message says which and what to do. */
  | 'provider'
  /** The API keys are encrypted and the passphrase has not been entered. */
  | 'locked';

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(kind: FailureKind, message: string, retryable = false): Failure {
  return { ok: false, kind, message, retryable };
}
