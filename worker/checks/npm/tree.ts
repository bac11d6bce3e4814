import semver from 'semver';
import { InstallBlockedError } from './install-blocked.ts';
import { isPackageName, readSpec } from './package-name.ts';
import type { Packument, PackumentVersion } from './packument.ts';

/**
 * Where each package goes, as npm lays out node_modules: a dependency goes to the top
 * `node_modules` unless a different version of it is already there, in which case it goes
 * inside its dependent's own `node_modules`. Packages are placed breadth first (a
 * package's dependencies all before theirs), so a placement never changes what an
 * already-placed package resolves. A version satisfying the range that is already
 * visible from the dependent is used again.
 *
 * With a lockfile, its packages start out placed where the lock puts them: a dependency
 * that a locked package satisfies takes it (and then its dependencies are followed from
 * there), so only what the lock does not cover is resolved against the registry. Locked
 * packages nothing reaches are left out, and a locked package whose version the project
 * no longer accepts gives way to a fresh resolution.
 */

export interface PlacedPackage {
  name: string;
  version: string;
  meta: PackumentVersion;
  /** "node_modules/a" or "node_modules/a/node_modules/b". */
  location: string;
  /** The package that first needed it, "a@1.0.0", or undefined for the project's own. */
  neededBy: string | undefined;
  /** Taken from the lock (package-lock.json or npm-shrinkwrap.json): its version and integrity are the lock's. */
  locked?: boolean | undefined;
}

export interface TreeSource {
  packument(name: string, neededBy: string): Promise<Packument>;
  /** Whether an archive is in the cache: offline, the newest cached version is taken. */
  cached?: ((name: string, version: string, meta: PackumentVersion) => Promise<boolean>) | undefined;
}

export interface Want {
  name: string;
  spec: string;
  optional: boolean;
}

const neededByText = (by: string | undefined) => (by ? ` (needed by '${by}')` : '');

/** Picks the version of `packument` that npm would for `spec` (the `latest` tag if it fits). */
async function pickVersion(
  packument: Packument,
  spec: string,
  neededBy: string | undefined,
  host: string,
  cached: ((version: string, meta: PackumentVersion) => Promise<boolean>) | undefined,
): Promise<string> {
  const name = packument.name;
  const tagged = packument.distTags[spec];
  if (tagged !== undefined && packument.versions.has(tagged)) return tagged;
  const range = semver.validRange(spec);
  if (range === null) {
    throw new InstallBlockedError(
      name,
      'no-matching-version',
      `The npm package '${name}'${neededByText(neededBy)} is declared as '${spec}', which is neither a version range nor a tag on ${host}.`,
    );
  }
  const fitting = [...packument.versions.keys()].filter((version) => semver.satisfies(version, range));
  if (fitting.length === 0) {
    const latest = packument.distTags['latest'];
    throw new InstallBlockedError(
      name,
      'no-matching-version',
      `No version of the npm package '${name}' on ${host} matches '${spec}'${neededByText(neededBy)}${latest ? `; the latest is ${latest}` : ''}.`,
    );
  }
  fitting.sort(semver.rcompare);
  if (cached) {
    for (const version of fitting) {
      const meta = packument.versions.get(version);
      if (meta && (await cached(version, meta))) return version;
    }
  }
  const latest = packument.distTags['latest'];
  if (latest !== undefined && fitting.includes(latest)) return latest;
  return fitting[0] as string;
}

function parentOf(location: string): string | undefined {
  if (location === '') return undefined;
  const at = location.lastIndexOf('/node_modules/');
  return at === -1 ? '' : location.slice(0, at);
}

function childLocation(location: string, name: string): string {
  return location === '' ? `node_modules/${name}` : `${location}/node_modules/${name}`;
}

/** The dependencies a placed package needs installed: its own, optional ones, and required peers. */
function wantsOf(meta: PackumentVersion): Want[] {
  const wants = new Map<string, Want>();
  for (const [name, spec] of Object.entries(meta.peerDependencies ?? {})) {
    if (!meta.peerDependenciesMeta?.[name]?.optional) wants.set(name, { name, spec, optional: false });
  }
  for (const [name, spec] of Object.entries(meta.dependencies ?? {})) wants.set(name, { name, spec, optional: false });
  // As npm: a name in both is optional.
  for (const [name, spec] of Object.entries(meta.optionalDependencies ?? {}))
    wants.set(name, { name, spec, optional: true });
  return [...wants.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export interface PlacedTree {
  packages: PlacedPackage[];
  /** Optional dependencies left out, with why. */
  notes: string[];
}

/** Whether a package is built for particular systems only (an optional one is then left out). */
const builtForSome = (meta: PackumentVersion) => (meta.os?.length ?? 0) > 0 || (meta.cpu?.length ?? 0) > 0;

/** Whether `spec` accepts a placed package; a locked one also answers a tag (as npm keeps it). */
function accepts(placed: PlacedPackage, spec: string): boolean {
  const range = semver.validRange(spec);
  if (range !== null) return semver.satisfies(placed.version, range);
  return placed.version === spec || (placed.locked === true && semver.valid(spec) === null);
}

/**
 * Resolves and places the project's dependencies and theirs, starting from the `locked`
 * packages (by location) when the project has a lockfile.
 * Throws {@link InstallBlockedError} naming the first dependency that cannot be had.
 */
export async function placeTree(
  roots: Want[],
  source: TreeSource,
  host: string,
  maxPackages = 1500,
  locked: ReadonlyMap<string, PlacedPackage> = new Map(),
  lockName = 'package-lock.json',
): Promise<PlacedTree> {
  const placed = new Map<string, PlacedPackage>(locked);
  /** Locations in the tree: placed here, or locked and reached by a dependency. */
  const taken = new Set<string>();
  const notes: string[] = [];
  const queue: { location: string; label: string | undefined; wants: Want[] }[] = [
    { location: '', label: undefined, wants: roots },
  ];
  /** The placed package `name` resolves to from `location`, as Node walks up. */
  const visibleFrom = (location: string, name: string) => {
    for (let at: string | undefined = location; at !== undefined; at = parentOf(at)) {
      const visible = placed.get(childLocation(at, name));
      if (visible) return { at, visible };
    }
    return undefined;
  };
  const take = (node: PlacedPackage) => {
    if (taken.size >= maxPackages)
      throw new InstallBlockedError(
        node.name,
        'too-many',
        `The project needs more than ${maxPackages} npm packages; the tab installs at most that many.`,
      );
    placed.set(node.location, node);
    taken.add(node.location);
    queue.push({ location: node.location, label: `${node.name}@${node.version}`, wants: wantsOf(node.meta) });
  };
  while (queue.length > 0) {
    const { location, label, wants } = queue.shift() as (typeof queue)[number];
    const neededBy = neededByText(label);
    // Ask for all of a package's dependencies at once (not those the lock already has);
    // they are placed in order below.
    for (const want of wants) {
      const seen = visibleFrom(location, want.name);
      const spec = readSpec(want.spec);
      if (isPackageName(want.name) && !(seen && spec.kind === 'registry' && accepts(seen.visible, spec.spec)))
        void source.packument(want.name, neededBy).catch(() => undefined);
    }
    for (const want of wants) {
      try {
        if (!isPackageName(want.name))
          throw new InstallBlockedError(
            want.name,
            'unsupported-spec',
            `'${want.name}'${neededBy} is not a package name the registry can hold.`,
          );
        const spec = readSpec(want.spec);
        if (spec.kind === 'unsupported')
          throw new InstallBlockedError(
            want.name,
            'unsupported-spec',
            `The npm package '${want.name}'${neededBy} is declared as '${want.spec}', ${spec.why}, which cannot be installed in the tab: only versions from the registry can.`,
          );
        const seen = visibleFrom(location, want.name);
        if (seen && accepts(seen.visible, spec.spec)) {
          // A locked package is followed the first time something needs it.
          if (taken.has(seen.visible.location)) continue;
          if (want.optional && builtForSome(seen.visible.meta)) {
            notes.push(
              `${want.name}@${seen.visible.version} was left out: it is optional and built for particular systems.`,
            );
            continue;
          }
          take({ ...seen.visible, neededBy: label });
          continue;
        }
        const target = seen === undefined ? childLocation('', want.name) : childLocation(location, want.name);
        const there = placed.get(target);
        if (there?.locked && !taken.has(target)) {
          // The lock's version is one the project no longer accepts: it and what it nests give way.
          for (const at of [...placed.keys()])
            if ((at === target || at.startsWith(`${target}/`)) && !taken.has(at)) placed.delete(at);
          notes.push(
            `${want.name}@${there.version} in ${lockName} does not match '${want.spec}'${neededBy}; it was resolved afresh.`,
          );
        } else if (there)
          throw new InstallBlockedError(
            want.name,
            'no-matching-version',
            `The npm package '${want.name}' is needed in two versions by '${label ?? 'the project'}'; that cannot be laid out.`,
          );
        const packument = await source.packument(want.name, neededBy);
        const cached = source.cached;
        const version = await pickVersion(
          packument,
          spec.spec,
          label,
          host,
          cached ? (candidate, meta) => cached(want.name, candidate, meta) : undefined,
        );
        const meta = packument.versions.get(version) as PackumentVersion;
        if (want.optional && builtForSome(meta)) {
          notes.push(`${want.name}@${version} was left out: it is optional and built for particular systems.`);
          continue;
        }
        take({ name: want.name, version, meta, location: target, neededBy: label });
      } catch (error) {
        if (want.optional && error instanceof InstallBlockedError && error.kind !== 'needs-consent') {
          notes.push(`The optional package '${want.name}' was left out: ${error.message}`);
          continue;
        }
        throw error;
      }
    }
  }
  return { packages: [...placed.values()].filter((node) => taken.has(node.location)), notes };
}
