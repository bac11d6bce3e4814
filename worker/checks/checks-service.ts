import { currentFile, currentFiles } from '../artifacts/project-tree.ts';
import { pooledUlid } from '../events/ids.ts';
import type { EventLog } from '../events/store/contract.ts';
import { sha256Hex } from '../events/hash.ts';
import type { CheckSummary } from '../events/projections/rows.ts';
import type { Actor } from '../events/schemas/common.ts';
import type { CheckFile, CheckReport, CheckRequest, CheckRuntimeName } from './contract.ts';
import {
  type DependencyInstaller,
  type DependencyNeeds,
  projectDependencies,
  projectLockfile,
} from './dependency-installer.ts';
import { detectSuite, isRunnableFile } from './detect.ts';
import type { PackageCacheUsage } from './npm/package-cache.ts';
import { projectLock } from './npm/project-lock.ts';
import type { InstalledPackage } from './npm/install.ts';
import { sanitizeReport } from './sanitize.ts';
import { testQualityEvents } from './test-quality.ts';

/**
 * Runs a project's own test suite and records it. The engine lives in a worker, which
 * cannot make frames, so the page that owns this engine lends it an executor
 * (`web/checks/`) that runs the request in the sandboxed frame. The service gathers the
 * project's files as they stand, appends `check-run-start`, waits for the report, reads
 * it as untrusted data, and appends `check-result` with its output stored as a text.
 *
 *   idle --run--> started (check-run-start) --report / stop / limit--> idle (check-result)
 */

/** What the page lends the engine: runs one request in the sandbox. */
export interface CheckExecutor {
  run(projectId: string, request: CheckRequest): Promise<CheckReport>;
  /** Ends the project's run at once; what ran is still reported by `run`. */
  stop(projectId: string): unknown;
  /**
   * Loads a runtime into the sandbox ahead of a run (Python starts in seconds), so that
   * the run finds it ready. Runs no project code; a failure is left for the run to report.
   */
  prepare?(runtime: CheckRuntimeName): unknown;
  /**
   * Optional: what the engine is doing before the run reaches the sandbox (installing
   * the project's npm packages), for the page's progress; `null` when that is over.
   */
  installing?(projectId: string, detail: string | null): unknown;
}

export type CheckTrigger = 'manual' | 'review' | 'final';

export interface CheckRunOptions {
  trigger: CheckTrigger;
  taskId?: string | undefined;
  timeoutMs: number;
  /**
   * The person allowed downloads of the project's npm packages for this run. The
   * engine fetches them; the generated code never gets a network either way.
   */
  allowNetwork?: boolean | undefined;
}

export type CheckRunResult =
  | { ran: true; summary: CheckSummary }
  /** Nothing was run: no page to run it, or no tests; `reason` says which. */
  | { ran: false; reason: string };

const actor: Actor = { kind: 'system', component: 'checks' };

export class ChecksService {
  private executor: CheckExecutor | undefined;
  private installer: DependencyInstaller | undefined;
  private readonly running = new Map<string, Promise<CheckRunResult>>();
  /** Runs asked to stop: one still before its tests (reading, installing) does not start them. */
  private readonly stopped = new Set<string>();

  constructor(private readonly store: EventLog) {}

  /** The page lends (or takes back, with `undefined`) the means to run code. */
  setExecutor(executor: CheckExecutor | undefined): void {
    this.executor = executor;
  }

  /** How a run gets the npm packages a project declares; without one they are missing. */
  setInstaller(installer: DependencyInstaller | undefined): void {
    this.installer = installer;
  }

  /**
   * The npm packages the project declares and whether this device has them all, for the
   * Checks panel's question before a run. Reads only the cache: nothing goes on the network.
   */
  async dependencyNeeds(projectId: string): Promise<DependencyNeeds | undefined> {
    const installer = this.installer;
    if (!installer) return undefined;
    const state = await this.store.load(projectId);
    const manifest = currentFile(state, 'package.json');
    const content = manifest ? await this.store.blob(manifest.contentHash) : undefined;
    const declared = projectDependencies(content === undefined ? [] : [{ path: 'package.json', content }]);
    if (declared.length === 0) return undefined;
    // The lock the install would read: npm-shrinkwrap.json wins over package-lock.json.
    const locks = [];
    for (const path of ['npm-shrinkwrap.json', 'package-lock.json']) {
      const lock = currentFile(state, path);
      const content = lock ? await this.store.blob(lock.contentHash) : undefined;
      if (content !== undefined) locks.push({ path, content });
    }
    const checked = await installer.check(declared, projectLock(locks));
    return {
      registry: await installer.host(),
      packages: declared.filter((one) => !one.unsupported).map(({ name, spec }) => ({ name, spec })),
      unsupported: declared.flatMap(({ name, spec, unsupported }) =>
        unsupported ? [{ name, spec, why: unsupported }] : [],
      ),
      cached: checked.ok,
      needsConsent: !checked.ok && checked.kind === 'needs-consent',
      ...(checked.ok ? {} : { reason: checked.reason }),
    };
  }

  /** What this device's npm package cache holds (`undefined`: no installer). */
  packageCacheUsage(): Promise<PackageCacheUsage | undefined> {
    return this.installer ? this.installer.cacheUsage() : Promise.resolve(undefined);
  }

  /** Empties this device's npm package cache; resolves with what it then holds. */
  clearPackageCache(): Promise<PackageCacheUsage | undefined> {
    return this.installer ? this.installer.clearCache() : Promise.resolve(undefined);
  }

  get available(): boolean {
    return this.executor !== undefined;
  }

  /** Whether a run of this project's tests is under way in this engine. */
  isRunning(projectId: string): boolean {
    return this.running.has(projectId);
  }

  stop(projectId: string): void {
    if (!this.running.has(projectId)) return;
    // A run still reading files or installing packages has nothing in the sandbox to
    // stop yet: it must not start its tests after this.
    this.stopped.add(projectId);
    this.executor?.stop(projectId);
  }

  /**
   * Warms the runtime this project's tests will need, so that its first run does not
   * wait for it to load: called when the project is opened where its tests can run, and
   * when its Test Writer starts. The runtime is the one the project's test files are
   * written for, or those its tasks are expected to write. Runs nothing.
   * @example await checks.prepare(projectId); // 'python', or undefined without tests
   */
  async prepare(projectId: string): Promise<CheckRuntimeName | undefined> {
    const executor = this.executor;
    if (!executor?.prepare || this.running.has(projectId)) return undefined;
    const state = await this.store.load(projectId);
    const paths = currentFiles(state)
      .filter((artifact) => artifact.kind === 'source')
      .map((artifact) => artifact.path);
    for (const task of state.tasks.values()) if (task.status !== 'cancelled') paths.push(...task.expectedArtifacts);
    const suite = detectSuite([...new Set(paths)].filter(isRunnableFile));
    if (!suite) return undefined;
    await executor.prepare(suite.runtime);
    return suite.runtime;
  }

  /**
   * Runs the project's tests once; a second call while one runs gets the same run.
   * @example const result = await checks.run(projectId, { trigger: 'manual', timeoutMs: 60_000 });
   */
  run(projectId: string, options: CheckRunOptions): Promise<CheckRunResult> {
    const current = this.running.get(projectId);
    if (current) return current;
    const next = this.runOnce(projectId, options).finally(() => {
      this.running.delete(projectId);
      this.stopped.delete(projectId);
    });
    this.running.set(projectId, next);
    return next;
  }

  private async runOnce(projectId: string, options: CheckRunOptions): Promise<CheckRunResult> {
    const executor = this.executor;
    if (!executor) return { ran: false, reason: 'Tests run in the app page, and no page is connected to this engine.' };
    const state = await this.store.load(projectId);
    const sources = currentFiles(state).filter(
      (artifact) => artifact.kind === 'source' && isRunnableFile(artifact.path),
    );
    const suite = detectSuite(sources.map((artifact) => artifact.path));
    if (!suite) return { ran: false, reason: 'The project has no tests yet.' };
    // Read once: the same texts go to the sandbox and, after, into the import graph that
    // says which task's code each test touches.
    const texts = await Promise.all(sources.map((artifact) => this.store.blob(artifact.contentHash)));
    const files: CheckFile[] = [];
    sources.forEach((artifact, index) => {
      const content = texts[index];
      if (content !== undefined) files.push({ path: artifact.path, content });
    });
    const contents = new Map(files.map((file) => [file.path, file.content]));
    const runId = `check-${pooledUlid()}`;
    const atSeq = state.lastSeq;
    await this.store.append(projectId, [
      {
        type: 'check-run-start',
        actor,
        payload: {
          runId,
          runtime: suite.runtime,
          trigger: options.trigger,
          ...(options.taskId ? { taskId: options.taskId } : {}),
          files: files.length,
          timeoutMs: options.timeoutMs,
        },
      },
    ]);
    const allowNetwork = options.allowNetwork ?? false;
    let report: unknown;
    let installLog = '';
    let packages: InstalledPackage[] | undefined;
    try {
      const installed =
        suite.runtime === 'node' ? await this.install(projectId, files, allowNetwork, executor) : undefined;
      installLog = installed?.log ?? '';
      if (installed?.ok) packages = installed.packages;
      if (installed && !installed.ok) report = { outcome: 'not-runnable', reason: installed.reason };
      else if (this.stopped.has(projectId)) report = { outcome: 'stopped', reason: 'Stopped before the tests began.' };
      else {
        const request: CheckRequest = {
          runtime: suite.runtime,
          files: installed ? [...files, ...installed.files] : files,
          timeoutMs: options.timeoutMs,
          allowNetwork,
        };
        report = await executor.run(projectId, request);
      }
    } catch (error) {
      report = {
        outcome: 'crashed',
        reason: `The test run could not be carried out: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    const sanitized = sanitizeReport(report, suite.runtime);
    const payload = sanitized.payload;
    const output = installLog + sanitized.output;
    const outputHash = output ? await sha256Hex(output) : undefined;
    const [event] = await this.store.append(
      projectId,
      [
        {
          type: 'check-result',
          actor,
          payload: {
            ...payload,
            runId,
            atSeq,
            // What the tests ran against, for Replay and the export: name, version, locked or not.
            ...(packages ? { packages: packages.map(({ name, version, locked }) => ({ name, version, locked })) } : {}),
            ...(outputHash ? { outputHash } : {}),
          },
        },
      ],
      outputHash ? { blobs: [{ hash: outputHash, content: output }] } : {},
    );
    const after = await this.store.load(projectId);
    const project = after.project;
    if (!event || event.type !== 'check-result' || !project?.lastCheck)
      return { ran: false, reason: 'The result could not be recorded.' };
    // The router learns from the tests: each code-writing task is scored by its files' tests.
    const armOf = new Map<string, string>();
    for (const logged of await this.store.read(projectId))
      if (logged.type === 'route-decide') armOf.set(logged.payload.taskId, logged.payload.chosen);
    const quality = testQualityEvents(after, event.payload, contents, armOf);
    if (quality.length > 0) await this.store.append(projectId, quality);
    return { ran: true, summary: project.lastCheck };
  }

  /**
   * Installs the npm packages the project's package.json declares (none: `undefined`),
   * with downloads only when the person allowed them for this run. The page is told what
   * happens meanwhile. `log` opens the run's output, as `npm install` would.
   */
  private async install(
    projectId: string,
    files: CheckFile[],
    allowNetwork: boolean,
    executor: CheckExecutor,
  ): Promise<
    | { ok: true; files: CheckFile[]; packages: InstalledPackage[]; log: string }
    | { ok: false; reason: string; log: string }
    | undefined
  > {
    const declared = projectDependencies(files);
    if (declared.length === 0 || !this.installer) return undefined;
    const tell = (detail: string | null) => {
      void Promise.resolve()
        .then(() => executor.installing?.(projectId, detail))
        .catch(() => undefined);
    };
    tell(`Installing ${declared.length} npm package${declared.length === 1 ? '' : 's'}`);
    try {
      const result = await this.installer.install(declared, {
        allowNetwork,
        onProgress: tell,
        lockfile: projectLockfile(files),
      });
      if (!result.ok) return { ok: false, reason: result.reason, log: '' };
      const cached = result.packages.filter((one) => one.fromCache).length;
      const host = await this.installer.host();
      const log =
        `Installed ${result.packages.length} npm package${result.packages.length === 1 ? '' : 's'} from ${host}` +
        `${cached > 0 ? ` (${cached === result.packages.length ? 'all' : cached} from this device's cache)` : ''}: ` +
        `${result.packages.map((one) => `${one.name}@${one.version}`).join(', ')}\n` +
        result.notes.map((note) => `${note}\n`).join('') +
        '\n';
      return { ok: true, files: result.files, packages: result.packages, log };
    } finally {
      tell(null);
    }
  }
}
