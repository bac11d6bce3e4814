import { InstallBlockedError } from './install-blocked.ts';
import type { PackageCache } from './package-cache.ts';
import { type Packument, packumentToJson, readPackument } from './packument.ts';
import { readCapped } from '../../streams/read-capped.ts';

/**
 * Package metadata and archives from an npm registry, with the device's cache in front:
 * with the person's consent for this run, metadata is asked of the registry (and cached;
 * the cache answers when the registry cannot be reached); without it, only the cache is
 * read and nothing goes on the network. Archives are fetched only from the registry's own
 * origin, and never past the size cap.
 */
export interface RegistryOptions {
  /** The registry's base URL, e.g. "https://registry.npmjs.org". */
  registry: string;
  fetch: typeof fetch;
  cache: PackageCache;
  allowNetwork: boolean;
}

export class RegistryClient {
  readonly host: string;
  private readonly base: string;
  private readonly origin: string;
  private readonly packuments = new Map<string, Promise<Packument>>();

  constructor(private readonly options: RegistryOptions) {
    const url = new URL(options.registry);
    this.base = url.href.replace(/\/+$/, '');
    this.origin = url.origin;
    this.host = url.host;
  }

  /** The package's metadata (once per install); throws {@link InstallBlockedError}. */
  packument(name: string, neededBy: string): Promise<Packument> {
    let known = this.packuments.get(name);
    if (!known) {
      known = this.load(name, neededBy);
      this.packuments.set(name, known);
      known.catch(() => undefined);
    }
    return known;
  }

  private async cached(name: string): Promise<Packument | undefined> {
    const stored = await this.options.cache.getPackument(this.base, name).catch(() => undefined);
    return stored === undefined ? undefined : readPackument(stored);
  }

  private async load(name: string, neededBy: string): Promise<Packument> {
    if (!this.options.allowNetwork) {
      const cached = await this.cached(name);
      if (cached) return cached;
      throw new InstallBlockedError(
        name,
        'needs-consent',
        `The tests need the npm package '${name}'${neededBy}, which is not in this device's package cache, and downloads from ${this.host} were not allowed for this run.`,
      );
    }
    let response: Response;
    try {
      response = await this.options.fetch(`${this.base}/${name.replace('/', '%2f')}`, {
        headers: { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8' },
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
    } catch (error) {
      const cached = await this.cached(name);
      if (cached) return cached;
      throw new InstallBlockedError(
        name,
        'offline',
        `The npm package '${name}'${neededBy} could not be downloaded: ${this.host} could not be reached (${error instanceof Error ? error.message : String(error)}), and it is not in this device's package cache.`,
      );
    }
    if (response.status === 404) {
      throw new InstallBlockedError(
        name,
        'not-found',
        `The npm package '${name}'${neededBy} does not exist on ${this.host}.`,
      );
    }
    if (!response.ok) {
      const cached = await this.cached(name);
      if (cached) return cached;
      throw new InstallBlockedError(
        name,
        'offline',
        `The npm package '${name}'${neededBy} could not be downloaded: ${this.host} answered ${response.status}, and it is not in this device's package cache.`,
      );
    }
    const packument = readPackument(await response.json().catch(() => undefined));
    if (!packument || packument.name !== name) {
      throw new InstallBlockedError(
        name,
        'refused',
        `The npm package '${name}'${neededBy} was refused: ${this.host} sent metadata that does not describe it.`,
      );
    }
    await this.options.cache.putPackument(this.base, name, packumentToJson(packument)).catch(() => undefined);
    return packument;
  }

  /**
   * Where this registry keeps a version's archive, as every npm registry lays them out.
   * @example client.tarballUrl('@scope/pkg', '1.0.0') // "<registry>/@scope/pkg/-/pkg-1.0.0.tgz"
   */
  tarballUrl(name: string, version: string): string {
    return `${this.base}/${name}/-/${name.split('/').pop() ?? name}-${version}.tgz`;
  }

  /** Downloads an archive from the registry's origin, up to `maxBytes`. */
  async tarball(url: string, label: string, maxBytes: number): Promise<Uint8Array> {
    let target: URL;
    try {
      target = new URL(url, this.base);
    } catch {
      throw new InstallBlockedError(label, 'refused', `${label} was refused: its archive address is not a URL.`);
    }
    if (target.origin !== this.origin) {
      throw new InstallBlockedError(
        label,
        'refused',
        `${label} was refused: ${this.host} lists its archive at another address (${target.host}), which is not fetched.`,
      );
    }
    let response: Response;
    try {
      response = await this.options.fetch(target.href, { credentials: 'omit', referrerPolicy: 'no-referrer' });
    } catch (error) {
      throw new InstallBlockedError(
        label,
        'offline',
        `${label} could not be downloaded: ${this.host} could not be reached (${error instanceof Error ? error.message : String(error)}), and it is not in this device's package cache.`,
      );
    }
    if (!response.ok || !response.body) {
      throw new InstallBlockedError(
        label,
        'offline',
        `${label} could not be downloaded: ${this.host} answered ${response.status}.`,
      );
    }
    const tooLarge = () =>
      new InstallBlockedError(
        label,
        'refused',
        `${label} was refused: its archive is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`,
      );
    if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw tooLarge();
    }
    return readCapped(response.body.getReader(), maxBytes, tooLarge);
  }
}
