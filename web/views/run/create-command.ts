import { createSignal } from 'solid-js';
import type { Result } from '../../../worker/api.ts';

/**
 * Runs engine commands for a piece of the screen: `busy` while one is in flight,
 * `problem` holds the engine's message when it fails (for the Problem component).
 * A thrown error (the engine stopped) comes back as a failed Result too.
 */
export function createCommand() {
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<string>();
  async function run<T>(command: () => Promise<Result<T>>): Promise<Result<T>> {
    setBusy(true);
    setProblem(undefined);
    try {
      const result = await command();
      if (!result.ok) setProblem(result.message);
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      setProblem(message);
      return { ok: false, kind: 'unavailable', retryable: true, message };
    } finally {
      setBusy(false);
    }
  }
  return { busy, problem, setProblem, run };
}
