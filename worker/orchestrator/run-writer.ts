/**
 * Running a run command as the project's writer: only the tab holding the project's
 * writer lock changes it, the project must exist, and whatever goes wrong comes back as a
 * Result (a locked key store, a refused command, a failure) — nothing thrown crosses the door.
 */
import { type Result, fail } from '../contract/result.ts';
import type { Engine } from '../engine.ts';
import { toFailure } from '../projects/to-failure.ts';
import { KeysLockedError, RunError } from './run-errors.ts';

/** Runs `work` as `projectId`'s writer, turning refusals and failures into data. */
export type AsWriter = <T>(projectId: string, work: () => Promise<Result<T>>) => Promise<Result<T>>;

const notWriter = () =>
  fail(
    'not_writer',
    'This project is running in another tab, so this tab only watches it. Close the other tab to take over here.',
  );

/** The guard of every run command on `engine`. */
export function makeAsWriter(engine: Pick<Engine, 'store' | 'locks'>): AsWriter {
  const { store, locks } = engine;
  return async <T>(projectId: string, work: () => Promise<Result<T>>): Promise<Result<T>> => {
    try {
      if (typeof projectId !== 'string' || projectId === '')
        return fail('bad_input', 'Which project? The command named none.');
      const role = locks.role(projectId) ?? (await locks.claim(projectId));
      if (role !== 'writer') return notWriter();
      const state = await store.load(projectId);
      if (!state.project || state.project.status === 'deleted')
        return fail('not_found', 'There is no such project on this device.');
      return await work();
    } catch (error) {
      if (error instanceof KeysLockedError) return fail('locked', error.message);
      if (error instanceof RunError) return fail('bad_input', error.message);
      return toFailure(error);
    }
  };
}
