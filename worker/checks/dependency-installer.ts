import type { CheckFile } from './contract.ts';
import { type DeclaredDependency, declaredDependencies } from './npm/declared.ts';
import type { InstallBlocked, InstallResult } from './npm/install.ts';
import type { PackageCache, PackageCacheUsage } from './npm/package-cache.ts';
import { type ProjectLock, projectLock } from './npm/project-lock.ts';

/**
 * What the checks service asks of an npm installer (`npm/install.ts`, loaded on first
 * use so semver and the tar reader stay out of the engine's first chunk). The engine
 * installs; the sandbox only ever receives the resulting files.
 */
export interface DependencyInstaller {
  /** The registry's host, as the consent question names it: "registry.npmjs.org". */
  host(): Promise<string>;
  install(
    dependencies: DeclaredDependency[],
    options: { allowNetwork: boolean; onProgress?: (detail: string) => void; lockfile?: ProjectLock | undefined },
  ): Promise<InstallResult>;
  /**
   * Whether a run could install them (at the versions `lockfile` pins, when given) from this
   * device's cache alone; nothing is downloaded or read whole.
   */
  check(dependencies: DeclaredDependency[], lockfile?: ProjectLock): Promise<{ ok: true } | InstallBlocked>;
  /** What this device's package cache holds. */
  cacheUsage(): Promise<PackageCacheUsage>;
  /** Empties this device's package cache; resolves with what it then holds (nothing). */
  clearCache(): Promise<PackageCacheUsage>;
}

export interface NpmInstallerConfig {
  /** The registry's base URL, read for each install (a device setting). */
  registry: () => Promise<string>;
  fetch: typeof fetch;
  /** The device's package cache, opened on first use. */
  cache: () => Promise<PackageCache>;
}

/**
 * The installer the engine uses.
 * @example checks.setInstaller(createNpmInstaller({ registry: async () => 'https://registry.npmjs.org', fetch, cache }));
 */
export function createNpmInstaller(config: NpmInstallerConfig): DependencyInstaller {
  let cache: Promise<PackageCache> | undefined;
  const openCache = () => (cache ??= config.cache());
  const load = () => Promise.all([import('./npm/install.ts'), config.registry(), openCache()]);
  return {
    host: async () => new URL(await config.registry()).host,
    async install(dependencies, options) {
      const [{ installDependencies }, registry, opened] = await load();
      return installDependencies(dependencies, {
        registry,
        fetch: config.fetch,
        cache: opened,
        allowNetwork: options.allowNetwork,
        onProgress: options.onProgress,
        lockfile: options.lockfile,
      });
    },
    async check(dependencies, lockfile) {
      const [{ checkCached }, registry, opened] = await load();
      return checkCached(dependencies, { registry, fetch: config.fetch, cache: opened, lockfile });
    },
    cacheUsage: async () => (await openCache()).usage(),
    async clearCache() {
      const packages = await openCache();
      await packages.clear();
      return packages.usage();
    },
  };
}

/** The project's lock (at its root: npm-shrinkwrap.json, else package-lock.json), when it has one. */
export function projectLockfile(files: readonly CheckFile[]): ProjectLock | undefined {
  return projectLock(files);
}

/** The dependencies the project's own package.json (at its root) declares. */
export function projectDependencies(files: readonly CheckFile[]): DeclaredDependency[] {
  return declaredDependencies(files.find((file) => file.path === 'package.json')?.content);
}

/**
 * What the Checks panel shows before a run: the packages the project declares, and
 * whether this device can run its tests without downloading anything.
 */
export interface DependencyNeeds {
  /** The registry's host: "registry.npmjs.org". */
  registry: string;
  /** Declared packages the tab can install, by name and declared version. */
  packages: { name: string; spec: string }[];
  /** Declared packages it cannot (git, URL, path…), with why. */
  unsupported: { name: string; spec: string; why: string }[];
  /** Every package needed (and theirs) is in this device's cache. */
  cached: boolean;
  /**
   * Downloads allowed for a run would get what is missing, so the panel asks. False when
   * everything is cached, or when what blocks the run is no download: a dependency the
   * registry cannot hold (Git, URL) or an archive the install refuses.
   */
  needsConsent: boolean;
  /** Why not, naming the package (when `cached` is false). */
  reason?: string | undefined;
}
