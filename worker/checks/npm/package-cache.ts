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
  };
}

/** The Cache Storage cache that holds npm packages; the service worker leaves it alone. */
export const packageCacheName = 'orchestra-npm-packages-v1';
/** Cache Storage keys are URLs; these never leave the device. */
const keyBase = 'https://orchestra.invalid/npm/';

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
      cache.put(
        keyBase + `tarball/${tarballKey(name, version, integrity)}`,
        new Response(bytes.slice().buffer, { headers: { 'content-type': 'application/gzip' } }),
      ),
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
        new Response(JSON.stringify(packument), { headers: { 'content-type': 'application/json' } }),
      ),
  };
}
