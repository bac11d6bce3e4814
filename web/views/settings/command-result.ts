import type { Result } from '../../../worker/api.ts';

/** A command's outcome in words: `success` of its value, or the engine's own message. */
export function describeResult<T>(result: Result<T>, success: (value: T) => string): string {
  return result.ok ? success(result.value) : result.message;
}

/**
 * Waits for an engine command, turning an engine that cannot be reached (the worker
 * client rejects then) into a failed Result, so every outcome can be shown the same way.
 */
export async function settle<T>(command: Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await command;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, kind: 'unavailable', retryable: true, message: `The engine did not answer: ${reason}` };
  }
}
