import { isPackageName } from './package-name.ts';
import { objectOf, stringEntries } from './untrusted-json.ts';
import type { PackumentVersion } from './packument.ts';
import type { LockName } from './project-lock.ts';

/**
 * A project's `package-lock.json` or `npm-shrinkwrap.json` (the same format; npm takes the
 * shrinkwrap when a project has both), lockfileVersion 2 or 3: the `packages` map npm 7 and
 * later write, read as untrusted data. Each entry under `node_modules/` becomes a package
 * placed where the lock places it, at its locked version, with the lock's integrity and
 * the dependencies the lock records for it, so an install needs no metadata from the
 * registry for it, only its archive, which must match the lock's integrity.
 *
 * Entries the tab cannot install from the registry (a link or workspace, a Git or file
 * source) are reported, not placed; lockfileVersion 1 (npm 6) has no `packages` map and is
 * not read. Either way the dependency falls back to being resolved afresh.
 */

export interface LockedPackage {
  name: string;
  version: string;
  /** "node_modules/a" or "node_modules/a/node_modules/b". */
  location: string;
  /** The metadata an install needs, from the lock: dist holds the lock's integrity. */
  meta: PackumentVersion;
  /** What the lock says the archive's address is (registry tarballs only). */
  resolved: string | undefined;
}

export interface Lockfile {
  /** The file it was read from, as the run's output names it. */
  name: LockName;
  /** By location. */
  packages: Map<string, LockedPackage>;
  /** Why some entries were not taken ("'x' is a Git dependency in package-lock.json"). */
  notes: string[];
}

export type ReadLockfile = { ok: true; lock: Lockfile } | { ok: false; reason: string };

function stringMap(value: unknown): Record<string, string> | undefined {
  // Own properties made by fromEntries: a "__proto__" key is data, never the prototype.
  return objectOf(value) ? Object.fromEntries(stringEntries(value)) : undefined;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((each): each is string => typeof each === 'string') : undefined;
}

/** The name a `node_modules/…` location holds, or undefined when it is not one. */
function nameAt(location: string): string | undefined {
  const at = location.lastIndexOf('node_modules/');
  if (at === -1 || (at > 0 && location[at - 1] !== '/')) return undefined;
  const name = location.slice(at + 'node_modules/'.length);
  return isPackageName(name) ? name : undefined;
}

/** Whether every segment of a location is `node_modules/<name>`: a path the tree can hold. */
function isTreeLocation(location: string): boolean {
  const parts = location.split('/');
  let index = 0;
  while (index < parts.length) {
    if (parts[index] !== 'node_modules') return false;
    const scoped = parts[index + 1]?.startsWith('@');
    const name = scoped ? `${parts[index + 1]}/${parts[index + 2]}` : parts[index + 1];
    if (name === undefined || !isPackageName(name)) return false;
    index += scoped ? 3 : 2;
  }
  return parts.length > 0;
}

/**
 * The lock's integrity as an install checks it: its sha512 hash (the form the registry
 * lists, so the cache keys agree), else its sha1 as the hex `shasum` of older packages.
 */
function lockedDist(value: unknown): { integrity?: string; shasum?: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const tokens = value.split(/\s+/);
  const sha512 = tokens.find((token) => /^sha512-[A-Za-z0-9+/]+=*$/.test(token));
  if (sha512 !== undefined) return { integrity: sha512 };
  const sha1 = tokens.find((token) => /^sha1-[A-Za-z0-9+/]{27}=$/.test(token));
  if (sha1 === undefined) return undefined;
  const bytes = atob(sha1.slice('sha1-'.length));
  return { shasum: Array.from(bytes, (char) => char.charCodeAt(0).toString(16).padStart(2, '0')).join('') };
}

/** Why an entry cannot come from the registry, or undefined when it can. */
function notFromRegistry(entry: Record<string, unknown>): string | undefined {
  if (entry['link'] === true) return 'a link to a folder (a workspace)';
  const resolved = typeof entry['resolved'] === 'string' ? entry['resolved'] : undefined;
  if (resolved === undefined) return undefined;
  if (/^git(\+|:)|^github:/i.test(resolved)) return 'a Git repository';
  if (/^file:/i.test(resolved)) return 'a local file';
  if (!/^https?:/i.test(resolved)) return `a source the tab cannot read (${resolved.slice(0, 60)})`;
  return undefined;
}

/**
 * Reads a lock's text (`package-lock.json` unless named otherwise). Not JSON, or not
 * version 2 or 3: `ok: false` with the sentence the run's output shows.
 * @example const read = readLockfile(text); if (read.ok) read.lock.packages.get('node_modules/left-pad')
 */
export function readLockfile(text: string, lockName: LockName = 'package-lock.json'): ReadLockfile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: `${lockName} is not valid JSON, so versions were resolved afresh.` };
  }
  const root = objectOf(parsed);
  const version = root?.['lockfileVersion'];
  const packages = objectOf(root?.['packages']);
  if (!root || (version !== 2 && version !== 3) || !packages)
    return {
      ok: false,
      reason: `${lockName} is lockfileVersion ${typeof version === 'number' ? version : 'unknown'}, which the tab does not read (it reads 2 and 3, written by npm 7 and later), so versions were resolved afresh.`,
    };
  const out = new Map<string, LockedPackage>();
  const notes: string[] = [];
  for (const [location, raw] of Object.entries(packages)) {
    const entry = objectOf(raw);
    if (location === '' || !entry || !isTreeLocation(location)) continue;
    const name = typeof entry['name'] === 'string' ? entry['name'] : nameAt(location);
    if (name === undefined || !isPackageName(name)) continue;
    const why = notFromRegistry(entry);
    if (why !== undefined) {
      notes.push(
        `'${name}' is ${why} in ${lockName}; the tab installs only registry packages, so it was resolved afresh.`,
      );
      continue;
    }
    const locked = typeof entry['version'] === 'string' ? entry['version'] : undefined;
    const dist = lockedDist(entry['integrity']);
    // Without a version and an integrity the lock pins nothing we can check: resolved afresh.
    if (locked === undefined || dist === undefined) continue;
    const resolved = typeof entry['resolved'] === 'string' ? entry['resolved'] : undefined;
    const peersMeta = objectOf(entry['peerDependenciesMeta']);
    const meta: PackumentVersion = {
      version: locked,
      dependencies: stringMap(entry['dependencies']),
      optionalDependencies: stringMap(entry['optionalDependencies']),
      peerDependencies: stringMap(entry['peerDependencies']),
      peerDependenciesMeta: peersMeta
        ? Object.fromEntries(
            Object.entries(peersMeta).map(([peer, value]) => [
              peer,
              { optional: objectOf(value)?.['optional'] === true },
            ]),
          )
        : undefined,
      os: strings(entry['os']),
      cpu: strings(entry['cpu']),
      hasInstallScript: entry['hasInstallScript'] === true ? true : undefined,
      dist: { tarball: resolved ?? '', ...dist },
    };
    out.set(location, { name, version: locked, location, meta, resolved });
  }
  return { ok: true, lock: { name: lockName, packages: out, notes } };
}
