/**
 * Where installed packages are kept for offline runs: each verified tarball by
 * `name@version` and its integrity, and each package's metadata by registry and name (so
 * versions resolve offline too). Two implementations: Cache Storage in the browser
 * ({@link openCacheStoragePackageCache}) and memory (unit tests, or a browser without it).
 */
export interface PackageCache {
  getTarball(name: string, version: string, integrity: string): Promise<Uint8Array | undefined>;
  /** Whether the archive is kept, without reading it (placing a tree asks this of every candidate). */
  hasTarball(name: string, version: string, integrity: string): Promise<boolean>;
  putTarball(name: string, version: string, integrity: string, bytes: Uint8Array): Promise<void>;
  getPackument(registry: string, name: string): Promise<unknown>;
  putPackument(registry: string, name: string, packument: unknown): Promise<void>;
  /** What the cache holds, for Settings: its archives and all its bytes (metadata included). */
  usage(): Promise<PackageCacheUsage>;
  /** Empties it: later runs download again (with consent) or are blocked, naming the package. */
  clear(): Promise<void>;
}

export interface PackageCacheUsage {
  /** Package archives (one per name@version). */
  archives: number;
  /** Archives and metadata together. */
  bytes: number;
}

const tarballKey = (name: string, version: string, integrity: string) =>
  `${encodeURIComponent(name)}@${encodeURIComponent(version)}/${encodeURIComponent(integrity)}`;
const packumentKey = (registry: string, name: string) => `${encodeURIComponent(registry)}/${encodeURIComponent(name)}`;

export function createMemoryPackageCache(): PackageCache {
  const tarballs = new Map<string, Uint8Array>();
  const packuments = new Map<string, string>();
  return {
    getTarball: (name, version, integrity) => Promise.resolve(tarballs.get(tarballKey(name, version, integrity))),
    hasTarball: (name, version, integrity) => Promise.resolve(tarballs.has(tarballKey(name, version, integrity))),
    putTarball(name, version, integrity, bytes) {
      tarballs.set(tarballKey(name, version, integrity), bytes.slice());
      return Promise.resolve();
    },
    getPackument(registry, name) {
      const text = packuments.get(packumentKey(registry, name));
      return Promise.resolve(text === undefined ? undefined : (JSON.parse(text) as unknown));
    },
    putPackument(registry, name, packument) {
      packuments.set(packumentKey(registry, name), JSON.stringify(packument));
      return Promise.resolve();
    },
    usage() {
      let bytes = 0;
      for (const archive of tarballs.values()) bytes += archive.byteLength;
      for (const text of packuments.values()) bytes += new TextEncoder().encode(text).byteLength;
      return Promise.resolve({ archives: tarballs.size, bytes });
    },
    clear() {
      tarballs.clear();
      packuments.clear();
      return Promise.resolve();
    },
  };
}

/** The Cache Storage cache that holds npm packages; the service worker leaves it alone. */
export const packageCacheName = 'orchestra-npm-packages-v1';
/** Cache Storage keys are URLs; these never leave the device. */
const keyBase = 'https://orchestra.invalid/npm/';
/** Each entry's size, stored with it, so Settings can add them up without reading archives. */
const sizeHeader = 'x-orchestra-bytes';

function stored(body: Uint8Array, type: string): Response {
  return new Response(body.slice().buffer, {
    headers: { 'content-type': type, [sizeHeader]: String(body.byteLength) },
  });
}

/**
 * The package cache in Cache Storage, shared by the app's tabs.
 * @example const cache = await openCacheStoragePackageCache(caches);
 */
export async function openCacheStoragePackageCache(storage: CacheStorage): Promise<PackageCache> {
  const cache = await storage.open(packageCacheName);
  const read = async (key: string) => {
    const hit = await cache.match(keyBase + key);
    return hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
  };
  return {
    getTarball: (name, version, integrity) => read(`tarball/${tarballKey(name, version, integrity)}`),
    // `match` without reading the body: the archive stays on disk.
    hasTarball: async (name, version, integrity) =>
      (await cache.match(keyBase + `tarball/${tarballKey(name, version, integrity)}`)) !== undefined,
    putTarball: (name, version, integrity, bytes) =>
      cache.put(keyBase + `tarball/${tarballKey(name, version, integrity)}`, stored(bytes, 'application/gzip')),
    async getPackument(registry, name) {
      const bytes = await read(`packument/${packumentKey(registry, name)}`);
      if (!bytes) return undefined;
      try {
        return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
      } catch {
        return undefined;
      }
    },
    putPackument: (registry, name, packument) =>
      cache.put(
        keyBase + `packument/${packumentKey(registry, name)}`,
        stored(new TextEncoder().encode(JSON.stringify(packument)), 'application/json'),
      ),
    async usage() {
      let archives = 0;
      let bytes = 0;
      for (const request of await cache.keys()) {
        const hit = await cache.match(request);
        if (!hit) continue;
        if (request.url.startsWith(`${keyBase}tarball/`)) archives += 1;
        const size = Number(hit.headers.get(sizeHeader));
        // Entries kept before sizes were stored: the body's size (a handle to it, not a read).
        bytes += Number.isFinite(size) && size > 0 ? size : (await hit.blob()).size;
      }
      return { archives, bytes };
    },
    async clear() {
      for (const request of await cache.keys()) await cache.delete(request);
    },
  };
}
