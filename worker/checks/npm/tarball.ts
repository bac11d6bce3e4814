import { unpackTar } from 'modern-tar';
import { readCapped } from '../../streams/read-capped.ts';

/**
 * A downloaded package archive, checked before anything of it is used: its bytes against
 * the integrity the registry lists, then gunzipped (native `DecompressionStream`, stopped
 * at a size cap, so a gzip bomb never fills memory) and read by modern-tar. What comes out
 * is only the package's regular files, each under a safe relative path.
 *
 * An entry that would land outside the package (`../`, an absolute path, a drive letter, a
 * NUL byte) refuses the whole package. Links (symbolic and hard) and special files are
 * left out, as npm leaves them out. Files that are not UTF-8 text are left out (the
 * sandbox's files are text); their count is reported.
 */

export interface TarballLimits {
  /** The archive as downloaded (gzip). */
  maxTarballBytes: number;
  /** Its contents once gunzipped. */
  maxUnpackedBytes: number;
  maxEntries: number;
}

export const defaultTarballLimits: TarballLimits = {
  maxTarballBytes: 30 * 1024 * 1024,
  maxUnpackedBytes: 120 * 1024 * 1024,
  maxEntries: 20_000,
};

/** A package the installer will not use, with the sentence that says why. */
export class PackageRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackageRefusedError';
  }
}

export interface UnpackedPackage {
  /** Path inside the package (the archive's first folder removed) → text. */
  files: Map<string, string>;
  /** Entries left out: links, special files, files that are not text. */
  skipped: string[];
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  return btoa(binary);
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function digest(algorithm: 'SHA-512' | 'SHA-1', bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(algorithm, bytes.slice().buffer));
}

/**
 * Whether `bytes` are what the registry says: any `sha512-` hash of its SRI `integrity`, or
 * else its hex `shasum` (sha1, all that packages published before 2017 have).
 */
export async function matchesIntegrity(
  bytes: Uint8Array,
  dist: { integrity?: string | undefined; shasum?: string | undefined },
): Promise<boolean> {
  const sha512 = (dist.integrity ?? '')
    .split(/\s+/)
    .filter((token) => token.startsWith('sha512-'))
    .map((token) => token.slice('sha512-'.length).split('?')[0]);
  if (sha512.length > 0) {
    const actual = toBase64(await digest('SHA-512', bytes));
    return sha512.includes(actual);
  }
  if (dist.shasum && /^[0-9a-f]{40}$/i.test(dist.shasum))
    return toHex(await digest('SHA-1', bytes)) === dist.shasum.toLowerCase();
  return false;
}

/** The integrity string a cache entry is keyed by: the SRI, else `sha1-<hex>`. */
export function integrityKey(dist: {
  integrity?: string | undefined;
  shasum?: string | undefined;
}): string | undefined {
  if (dist.integrity && /sha512-/.test(dist.integrity)) return dist.integrity;
  if (dist.shasum && /^[0-9a-f]{40}$/i.test(dist.shasum)) return `sha1-${dist.shasum.toLowerCase()}`;
  return undefined;
}

async function gunzip(bytes: Uint8Array, limit: number, label: string): Promise<Uint8Array> {
  const stream = new Blob([bytes.slice().buffer]).stream().pipeThrough(new DecompressionStream('gzip'));
  try {
    return await readCapped(
      stream.getReader(),
      limit,
      () => new PackageRefusedError(`${label} was refused: it unpacks to more than ${megabytes(limit)}.`),
    );
  } catch (error) {
    if (error instanceof PackageRefusedError) throw error;
    throw new PackageRefusedError(`${label} was refused: its archive is not valid gzip.`);
  }
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/** The path inside the package of an archive entry, or why it is refused. */
function entryPath(name: string): { path: string } | { refused: string } {
  if (name.includes('\0')) return { refused: 'a name with a NUL byte' };
  if (name.startsWith('/') || name.startsWith('\\') || /^[a-z]:/i.test(name))
    return { refused: `an absolute path ('${name}')` };
  const segments = name.split(/[/\\]+/).filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return { refused: `an entry outside the package ('${name}')` };
  // npm drops the archive's first folder ("package/", sometimes the package's name).
  return { path: segments.slice(1).join('/') };
}

/**
 * Verifies, gunzips and unpacks a package archive. `label` names it in messages
 * ("'left-pad@1.3.0'"). Throws {@link PackageRefusedError} with the reason.
 */
export async function unpackTarball(
  bytes: Uint8Array,
  dist: { integrity?: string | undefined; shasum?: string | undefined },
  label: string,
  limits: TarballLimits = defaultTarballLimits,
  /** Who vouches for `dist`, as the refusal says it: "the registry lists", "package-lock.json records". */
  listedBy = 'the registry lists',
): Promise<UnpackedPackage> {
  if (bytes.byteLength > limits.maxTarballBytes)
    throw new PackageRefusedError(
      `${label} was refused: its archive is larger than ${megabytes(limits.maxTarballBytes)}.`,
    );
  if (!(await matchesIntegrity(bytes, dist))) {
    const expected = integrityKey(dist) ?? 'none listed';
    throw new PackageRefusedError(
      `${label} was refused: the downloaded archive does not match the integrity ${listedBy} (${expected.slice(0, 30)}…). Nothing of it was installed.`,
    );
  }
  const tar = await gunzip(bytes, limits.maxUnpackedBytes, label);
  let entries: Awaited<ReturnType<typeof unpackTar>>;
  try {
    entries = await unpackTar(tar);
  } catch (error) {
    throw new PackageRefusedError(
      `${label} was refused: its archive could not be read (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  if (entries.length > limits.maxEntries)
    throw new PackageRefusedError(`${label} was refused: its archive has more than ${limits.maxEntries} entries.`);
  const files = new Map<string, string>();
  const skipped: string[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const entry of entries) {
    const where = entryPath(entry.header.name);
    if ('refused' in where) throw new PackageRefusedError(`${label} was refused: its archive has ${where.refused}.`);
    const type = entry.header.type ?? 'file';
    if (type === 'directory') continue;
    if (type !== 'file') {
      skipped.push(`${where.path} (${type === 'symlink' || type === 'link' ? 'a link' : `a ${type}`}, not installed)`);
      continue;
    }
    if (where.path === '') continue;
    try {
      files.set(where.path, decoder.decode(entry.data ?? new Uint8Array()));
    } catch {
      skipped.push(`${where.path} (not text)`);
    }
  }
  return { files, skipped };
}
