import { type Result, fail, ok } from '../contract/result.ts';
import type { Engine } from '../engine.ts';
import { guarded, makeAsWriter } from '../projects/command-guard.ts';
import type { CheckExecutor, CheckRunResult, ChecksService } from './checks-service.ts';
import type { CheckRuntimeName } from './contract.ts';
import type { DependencyNeeds } from './dependency-installer.ts';
import type { PackageCacheUsage } from './npm/package-cache.ts';

/** The "Run tests" commands of the worker API. */
export interface CheckCommands {
  /**
   * The page lends the engine its sandbox to run code in (`web/checks/`); `undefined`
   * takes it back. Without it, tests are not run and the log says so.
   */
  setCheckExecutor(executor: CheckExecutor | undefined): void;
  /**
   * "Run tests": runs the project's own suite now and records the result. With
   * `allowDownloads` (the person's answer to "Allow downloads for this run"), the engine
   * may download the project's npm packages from the registry for this run; without it,
   * only packages already on this device are used.
   */
  runChecks(projectId: string, options?: { allowDownloads?: boolean }): Promise<Result<CheckRunResult>>;
  /**
   * The npm packages the project declares and whether they are all on this device
   * (`undefined`: it declares none). Asks nothing of the network.
   */
  checkDependencies(projectId: string): Promise<Result<DependencyNeeds | undefined>>;
  /**
   * Warms the runtime the project's tests need (the Checks panel calls it when the
   * project is opened in the tab that runs its tests), so "Run tests" does not wait for
   * it to load. Resolves with the runtime, or null when there is nothing to warm.
   */
  prepareChecks(projectId: string): Promise<Result<CheckRuntimeName | null>>;
  /** "Stop": ends the project's test run at once. */
  stopChecks(projectId: string): Promise<Result<void>>;
  /** The captured output of one of the project's recorded test runs. */
  checkOutput(projectId: string, runId: string): Promise<Result<string>>;
  /** What this device's npm package cache holds (Settings › Test runs); null without one. */
  packageCacheUsage(): Promise<Result<PackageCacheUsage | null>>;
  /**
   * "Clear package cache": empties it. Later runs download again (only with the person's
   * consent) or are blocked, naming the package. Resolves with what it then holds.
   */
  clearPackageCache(): Promise<Result<PackageCacheUsage | null>>;
}

export function createCheckCommands(
  engine: Engine,
  checks: ChecksService,
  timeoutMs: () => Promise<number>,
): CheckCommands {
  const asWriter = makeAsWriter(engine);

  return {
    setCheckExecutor(executor) {
      checks.setExecutor(executor);
    },
    runChecks: (projectId, options) =>
      asWriter(projectId, async () => {
        if (!checks.available)
          return fail('unavailable', 'Tests can only run in the app page, which is not connected.');
        return ok(
          await checks.run(projectId, {
            trigger: 'manual',
            timeoutMs: await timeoutMs(),
            allowNetwork: options?.allowDownloads === true,
          }),
        );
      }),
    prepareChecks: (projectId) =>
      guarded(async () =>
        // Only the tab whose engine writes the project runs its tests: only it warms up.
        engine.locks.role(projectId) !== 'writer' ? ok(null) : ok((await checks.prepare(projectId)) ?? null),
      ),
    checkDependencies: (projectId) => guarded(async () => ok(await checks.dependencyNeeds(projectId))),
    checkOutput: (projectId, runId) =>
      guarded(async () => {
        const events = await engine.store.read(projectId);
        const result = events.findLast((event) => event.type === 'check-result' && event.payload.runId === runId);
        if (result?.type !== 'check-result') return fail('not_found', 'This project has no such test run.');
        const hash = result.payload.outputHash;
        return ok(hash ? ((await engine.store.blob(hash)) ?? '') : '');
      }),
    packageCacheUsage: () => guarded(async () => ok((await checks.packageCacheUsage()) ?? null)),
    clearPackageCache: () => guarded(async () => ok((await checks.clearPackageCache()) ?? null)),
    stopChecks: (projectId) =>
      asWriter(projectId, () => {
        checks.stop(projectId);
        return Promise.resolve(ok(undefined));
      }),
  };
}
