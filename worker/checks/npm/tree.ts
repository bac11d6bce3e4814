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
 */

export interface PlacedPackage {
  name: string;
  version: string;
  meta: PackumentVersion;
  /** "node_modules/a" or "node_modules/a/node_modules/b". */
  location: string;
  /** The package that first needed it, "a@1.0.0", or undefined for the project's own. */
  neededBy: string | undefined;
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

/**
 * Resolves and places the project's dependencies and theirs.
 * Throws {@link InstallBlockedError} naming the first dependency that cannot be had.
 */
export async function placeTree(
  roots: Want[],
  source: TreeSource,
  host: string,
  maxPackages = 1500,
): Promise<PlacedTree> {
  const placed = new Map<string, PlacedPackage>();
  const notes: string[] = [];
  const queue: { location: string; label: string | undefined; wants: Want[] }[] = [
    { location: '', label: undefined, wants: roots },
  ];
  while (queue.length > 0) {
    const { location, label, wants } = queue.shift() as (typeof queue)[number];
    const neededBy = neededByText(label);
    // Ask for all of a package's dependencies at once; they are placed in order below.
    for (const want of wants)
      if (isPackageName(want.name)) void source.packument(want.name, neededBy).catch(() => undefined);
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
        let conflictAt: string | undefined;
        let reused = false;
        for (let at: string | undefined = location; at !== undefined; at = parentOf(at)) {
          const visible = placed.get(childLocation(at, want.name));
          if (!visible) continue;
          const range = semver.validRange(spec.spec);
          if (range !== null && semver.satisfies(visible.version, range)) reused = true;
          else if (visible.version === spec.spec) reused = true;
          else conflictAt = at;
          break;
        }
        if (reused) continue;
        const target = conflictAt === undefined ? childLocation('', want.name) : childLocation(location, want.name);
        if (placed.has(target))
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
        if (want.optional && ((meta.os?.length ?? 0) > 0 || (meta.cpu?.length ?? 0) > 0)) {
          notes.push(`${want.name}@${version} was left out: it is optional and built for particular systems.`);
          continue;
        }
        if (placed.size >= maxPackages)
          throw new InstallBlockedError(
            want.name,
            'too-many',
            `The project needs more than ${maxPackages} npm packages; the tab installs at most that many.`,
          );
        const node: PlacedPackage = { name: want.name, version, meta, location: target, neededBy: label };
        placed.set(target, node);
        queue.push({ location: target, label: `${want.name}@${version}`, wants: wantsOf(meta) });
      } catch (error) {
        if (want.optional && error instanceof InstallBlockedError && error.kind !== 'needs-consent') {
          notes.push(`The optional package '${want.name}' was left out: ${error.message}`);
          continue;
        }
        throw error;
      }
    }
  }
  return { packages: [...placed.values()], notes };
}
