/**
 * What every command module of the worker API shares: nothing thrown crosses the door
 * ({@link guarded}), and a tab that only watches a project is refused in one sentence
 * ({@link notWriter}).
 */
import { type Failure, type Result, fail } from '../contract/result.ts';
import type { Engine } from '../engine.ts';
import { toFailure } from './to-failure.ts';

/**
 * Runs a command's `work`, turning whatever it throws into a failure the UI shows as it
 * is. `known` names the errors a module expects (a refused bundle, a locked key store);
 * anything it leaves undefined goes to {@link toFailure}.
 * @example return guarded(async () => ok(await store.read(projectId)));
 */
export async function guarded<T>(
  work: () => Promise<Result<T>>,
  known?: (error: unknown) => Failure | undefined,
): Promise<Result<T>> {
  try {
    return await work();
  } catch (error) {
    return known?.(error) ?? toFailure(error);
  }
}

/** The refusal of a command that would change a project another tab writes. */
export const notWriter = (): Failure =>
  fail(
    'not_writer',
    'This project is open in another tab, which makes its changes; this tab only watches it. Close that tab to take over here.',
  );

/** Runs `work` as `projectId`'s writer, turning refusals and failures into data. */
export type AsWriter = <T>(projectId: string, work: () => Promise<Result<T>>) => Promise<Result<T>>;

/**
 * The guard of every command that changes a project: only the tab holding the project's
 * writer lock changes it (claiming the lock when no tab holds it), the project must exist,
 * and whatever goes wrong comes back as a Result — `known` as for {@link guarded}.
 * @example const asWriter = makeAsWriter(engine); return asWriter(projectId, async () => ok(await work()));
 */
export function makeAsWriter(
  engine: Pick<Engine, 'store' | 'locks'>,
  known?: (error: unknown) => Failure | undefined,
): AsWriter {
  const { store, locks } = engine;
  return <T>(projectId: string, work: () => Promise<Result<T>>) =>
    guarded<T>(async () => {
      if (typeof projectId !== 'string' || projectId === '')
        return fail('bad_input', 'Which project? The command named none.');
      const role = locks.role(projectId) ?? (await locks.claim(projectId));
      if (role !== 'writer') return notWriter();
      const state = await store.load(projectId);
      if (!state.project || state.project.status === 'deleted')
        return fail('not_found', 'There is no such project on this device.');
      return await work();
    }, known);
}
