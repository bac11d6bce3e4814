/**
 * The guard of the run commands: a project's writer runs them ({@link makeAsWriter}), and
 * a locked key store or a refused command comes back as the person's to act on.
 */
import { fail } from '../contract/result.ts';
import type { Engine } from '../engine.ts';
import { type AsWriter, makeAsWriter } from '../projects/command-guard.ts';
import { KeysLockedError, RunError } from './run-errors.ts';

export type { AsWriter } from '../projects/command-guard.ts';

/** The guard of every run command on `engine`. */
export function makeRunWriter(engine: Pick<Engine, 'store' | 'locks'>): AsWriter {
  return makeAsWriter(engine, (error) => {
    if (error instanceof KeysLockedError) return fail('locked', error.message);
    if (error instanceof RunError) return fail('bad_input', error.message);
    return undefined;
  });
}
