import type { CheckFile } from '../contract.ts';
import type { DeclaredDependency } from './declared.ts';
import { InstallBlockedError } from './install-blocked.ts';
import { type Lockfile, readLockfile } from './lockfile.ts';
import type { ProjectLock } from './project-lock.ts';
import { notRunNotes } from './not-run.ts';
import type { PackageCache } from './package-cache.ts';
import { RegistryClient } from './registry.ts';
import {
  defaultTarballLimits,
  integrityKey,
  PackageRefusedError,
  type TarballLimits,
  unpackTarball,
} from './tarball.ts';
import { type PlacedPackage, placeTree } from './tree.ts';

/**
 * Installs a project's npm dependencies for one test run, outside the sandbox: the engine
 * resolves versions against the registry's metadata, downloads each archive from the
 * registry (only with the person's consent for this run), verifies it against the
 * registry's integrity, unpacks it with {@link unpackTarball}'s checks, and keeps it in the
 * device's cache. The result is the files of a node_modules tree, handed to the sandbox
 * with the project's own; the generated code itself never gets a network.
 *
 *   declared deps --placeTree (metadata: cache / registry)--> placed packages
 *     --archives (cache / registry, verified, unpacked)--> node_modules/** files
 *
 * With a package-lock.json (lockfileVersion 2 or 3), the packages it holds are installed
 * at their locked versions, each archive checked against the lock's integrity; only what
 * the lock does not cover is resolved against the registry.
 *
 * Without consent, everything comes from the cache or the install is blocked, naming the
 * dependency. Nothing partial is ever handed over: an install is whole or blocked.
 */

export interface InstallOptions {
  /** The registry's base URL, e.g. "https://registry.npmjs.org". */
  registry: string;
  fetch: typeof fetch;
  cache: PackageCache;
  /** The person allowed downloads for this run. Without it, only the cache is read. */
  allowNetwork: boolean;
  onProgress?: ((detail: string) => void) | undefined;
  limits?: Partial<InstallLimits> | undefined;
  /** The project's npm-shrinkwrap.json or package-lock.json, when it has one. */
  lockfile?: ProjectLock | undefined;
}

export interface InstallLimits extends TarballLimits {
  maxPackages: number;
  /** All installed files together. */
  maxTotalBytes: number;
}

export const defaultInstallLimits: InstallLimits = {
  ...defaultTarballLimits,
  maxPackages: 1500,
  maxTotalBytes: 300 * 1024 * 1024,
};

export interface InstalledPackage {
  name: string;
  version: string;
  integrity: string;
  location: string;
  fromCache: boolean;
  /** Installed at the version and integrity package-lock.json records. */
  locked: boolean;
}

/** An install (or check) that cannot go on, naming the dependency and saying why. */
export interface InstallBlocked {
  ok: false;
  blockedBy: string;
  kind: InstallBlockedError['kind'];
  reason: string;
}

export type InstallResult =
  { ok: true; files: CheckFile[]; packages: InstalledPackage[]; notes: string[] } | InstallBlocked;

const downloadsAtOnce = 6;

/** A blocked install as a result: {@link InstallBlockedError} is its only expected failure. */
async function blockedAsResult<T>(work: () => Promise<T>): Promise<T | InstallBlocked> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InstallBlockedError)
      return { ok: false, blockedBy: error.packageName, kind: error.kind, reason: error.message };
    throw error;
  }
}

/**
 * The lock's packages, placed where it places them, each archive to be fetched from the
 * registry in use (npm likewise swaps registry.npmjs.org for the configured registry; the
 * lock's integrity, not the address, vouches for the bytes).
 */
function lockedPackages(lock: Lockfile, client: RegistryClient): Map<string, PlacedPackage> {
  const placed = new Map<string, PlacedPackage>();
  for (const [location, entry] of lock.packages)
    placed.set(location, {
      name: entry.name,
      version: entry.version,
      meta: { ...entry.meta, dist: { ...entry.meta.dist, tarball: client.tarballUrl(entry.name, entry.version) } },
      location,
      neededBy: undefined,
      locked: true,
    });
  return placed;
}

/** The lock read from its text (none: `undefined`), and what the output should say about it. */
function readLock(file: ProjectLock | undefined): { lock: Lockfile | undefined; notes: string[] } {
  if (file === undefined) return { lock: undefined, notes: [] };
  const read = readLockfile(file.text, file.name);
  return read.ok ? { lock: read.lock, notes: read.lock.notes } : { lock: undefined, notes: [read.reason] };
}

/**
 * Resolves the declared dependencies to a placed tree, starting from the lock's packages
 * when there is a lock. Offline, the newest version the cache holds is taken (asked with
 * `hasTarball`, which reads no archive); online, the registry's choice.
 */
async function resolveTree(
  dependencies: DeclaredDependency[],
  client: RegistryClient,
  options: { cache: PackageCache; allowNetwork: boolean; lockfile?: ProjectLock | undefined },
  limits: InstallLimits,
  progress: (detail: string) => void,
) {
  const { lock, notes } = readLock(options.lockfile);
  const unsupported = dependencies.find((dependency) => dependency.unsupported && !dependency.optional);
  if (unsupported) {
    throw new InstallBlockedError(
      unsupported.name,
      'unsupported-spec',
      `The npm package '${unsupported.name}' is declared as '${unsupported.spec}', ${unsupported.unsupported}, which cannot be installed in the tab: only versions from the registry can.`,
    );
  }
  const wanted = dependencies.filter((dependency) => !dependency.unsupported);
  progress(`Resolving ${wanted.length} npm package${wanted.length === 1 ? '' : 's'} from ${client.host}`);
  const tree = await placeTree(
    wanted.map(({ name, spec, optional }) => ({ name, spec, optional })),
    {
      packument: (name, neededBy) => client.packument(name, neededBy),
      ...(options.allowNetwork
        ? {}
        : {
            cached: async (name: string, version: string, meta: PlacedPackage['meta']) => {
              const key = integrityKey(meta.dist);
              return key !== undefined && (await options.cache.hasTarball(name, version, key).catch(() => false));
            },
          }),
    },
    client.host,
    limits.maxPackages,
    lock ? lockedPackages(lock, client) : undefined,
    lock?.name,
  );
  if (lock) {
    const fresh = tree.packages.filter((node) => !node.locked);
    notes.push(
      `From ${lock.name}: ${tree.packages.length - fresh.length} of ${tree.packages.length} packages at their locked versions` +
        (fresh.length > 0
          ? `; resolved afresh, as the lock does not cover them: ${fresh.map((node) => `${node.name}@${node.version}`).join(', ')}.`
          : '.'),
    );
  }
  return { packages: tree.packages, notes: [...notes, ...tree.notes], lockName: lock?.name };
}

/** The archive's integrity key; an archive the registry lists none for is refused. */
function archiveKey(node: PlacedPackage, host: string): string {
  const key = integrityKey(node.meta.dist);
  if (key === undefined)
    throw new InstallBlockedError(
      node.name,
      'refused',
      `'${node.name}@${node.version}' was refused: ${host} lists no integrity for it.`,
    );
  return key;
}

/** An archive that is not cached, with downloads not allowed for this run. */
function notCached(node: PlacedPackage, host: string): InstallBlockedError {
  return new InstallBlockedError(
    node.name,
    'needs-consent',
    `The tests need the npm package '${node.name}@${node.version}'${node.neededBy ? ` (needed by '${node.neededBy}')` : ''}, which is not in this device's package cache, and downloads from ${host} were not allowed for this run.`,
  );
}

/**
 * Whether a run could install `dependencies` without the network: versions resolved from
 * the cached metadata and every archive in the cache. Reads no archive and downloads nothing.
 * @example const check = await checkCached(declared, { registry, fetch, cache }); // { ok: true } or blocked
 */
export function checkCached(
  dependencies: DeclaredDependency[],
  options: Omit<InstallOptions, 'allowNetwork' | 'onProgress'>,
): Promise<{ ok: true } | InstallBlocked> {
  return blockedAsResult(async () => {
    const limits = { ...defaultInstallLimits, ...options.limits };
    const offline = { ...options, allowNetwork: false };
    const client = new RegistryClient(offline);
    const tree = await resolveTree(dependencies, client, offline, limits, () => undefined);
    for (const node of tree.packages) {
      const key = archiveKey(node, client.host);
      if (!(await options.cache.hasTarball(node.name, node.version, key).catch(() => false)))
        throw notCached(node, client.host);
    }
    return { ok: true as const };
  });
}

/**
 * Installs `dependencies` (from {@link declaredDependencies}).
 * @example const result = await installDependencies(declared, { registry, fetch, cache, allowNetwork: false });
 */
export function installDependencies(
  dependencies: DeclaredDependency[],
  options: InstallOptions,
): Promise<InstallResult> {
  return blockedAsResult(async () => {
    const limits = { ...defaultInstallLimits, ...options.limits };
    const client = new RegistryClient(options);
    const host = client.host;
    const progress = options.onProgress ?? (() => undefined);
    const tree = await resolveTree(dependencies, client, options, limits, progress);
    const files: CheckFile[] = [];
    const packages: InstalledPackage[] = [];
    const notes = [...tree.notes];
    /** By location, so the notes come out in the tree's order whatever order downloads end in. */
    const packageNotes = new Map<string, string[]>();
    let done = 0;
    let totalBytes = 0;
    const installOne = async (node: PlacedPackage) => {
      const label = `'${node.name}@${node.version}'`;
      const key = archiveKey(node, host);
      // The one read of a cached archive: the tree was placed asking only whether it is there.
      let bytes = await options.cache.getTarball(node.name, node.version, key).catch(() => undefined);
      const fromCache = bytes !== undefined;
      if (!bytes) {
        if (!options.allowNetwork) throw notCached(node, host);
        bytes = await client.tarball(node.meta.dist.tarball, label, limits.maxTarballBytes);
      }
      let unpacked;
      try {
        const listedBy = node.locked ? `${tree.lockName ?? 'package-lock.json'} records` : 'the registry lists';
        unpacked = await unpackTarball(bytes, node.meta.dist, label, limits, listedBy);
      } catch (error) {
        if (error instanceof PackageRefusedError) throw new InstallBlockedError(node.name, 'refused', error.message);
        throw error;
      }
      if (!fromCache) await options.cache.putTarball(node.name, node.version, key, bytes).catch(() => undefined);
      for (const [path, content] of unpacked.files) {
        totalBytes += content.length;
        files.push({ path: `${node.location}/${path}`, content });
      }
      if (totalBytes > limits.maxTotalBytes)
        throw new InstallBlockedError(
          node.name,
          'refused',
          `The project's npm packages unpack to more than ${Math.round(limits.maxTotalBytes / 1024 / 1024)} MB; the tab installs at most that much.`,
        );
      packageNotes.set(node.location, [
        ...unpacked.skipped.map((skipped) => `${label}: ${skipped}`),
        ...notRunNotes(label, unpacked.files),
      ]);
      packages.push({
        name: node.name,
        version: node.version,
        integrity: key,
        location: node.location,
        fromCache,
        locked: node.locked === true,
      });
      done += 1;
      progress(`Installing npm packages from ${host} (${done} of ${tree.packages.length})`);
    };
    const pending = [...tree.packages];
    const workers = Array.from({ length: Math.min(downloadsAtOnce, pending.length) }, async () => {
      for (let node = pending.shift(); node; node = pending.shift()) {
        try {
          await installOne(node);
        } catch (error) {
          pending.length = 0; // the install is blocked: start nothing more
          throw error;
        }
      }
    });
    const settled = await Promise.allSettled(workers);
    const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    packages.sort((a, b) => (a.location < b.location ? -1 : 1));
    for (const item of packages) notes.push(...(packageNotes.get(item.location) ?? []));
    return { ok: true as const, files, packages, notes };
  });
}
