import type { OrchestraDb } from '../../db/database.ts';
import type { RemoteProviderId } from '../contract/provider-id.ts';
import { type Sealed, deriveKey, pbkdf2Iterations, randomSalt, seal, unseal } from './passphrase-crypto.ts';

/**
 * One provider's key as stored: always sealed, with the device key (`by: 'device'`) or
 * with the passphrase's key (`by: 'passphrase'`). `plain` is only read, from rows an
 * earlier version wrote, to seal them (a sealed row without `by` is such a row's
 * passphrase form).
 */
export interface ProviderKeyRow {
  provider: RemoteProviderId;
  plain?: string;
  sealed?: Sealed;
  by?: 'device' | 'passphrase';
  updatedAt: number;
}

interface VaultRow {
  salt: Uint8Array<ArrayBuffer>;
  iterations: number;
  /** A known text sealed with the passphrase's key: opening it proves the passphrase. */
  check: Sealed;
}

export interface KeyStatus {
  /** Whether keys are encrypted with a passphrase. */
  encrypted: boolean;
  /** Whether the keys can be read now (no passphrase, or it was entered). */
  unlocked: boolean;
  /** Providers with a stored key. */
  stored: RemoteProviderId[];
}

export type KeyProblem = 'locked' | 'wrong_passphrase' | 'no_passphrase' | 'passphrase_set';

export class KeyStoreError extends Error {
  constructor(readonly problem: KeyProblem) {
    super(problem);
    this.name = 'KeyStoreError';
  }
}

const vaultKey = 'keyVault';
const deviceKeyName = 'deviceKey';
const checkText = 'orchestra-key-check';

/**
 * API keys on this device only, in their own table (never in settings, events or
 * exports), and never in clear: each is sealed with AES-GCM before its first write.
 * Without a passphrase the key that seals them is the device key, a non-extractable
 * WebCrypto key kept in IndexedDB (it stops a key being read off the disk as text, not
 * someone who can run code as this origin or copy the whole profile: see README). With a
 * passphrase they are sealed with a key derived from it, which lives in this worker's
 * memory only until `lock()` or a reload. Rows an earlier version left in clear are
 * sealed the first time the store is used.
 *
 * ```
 *   plain ──setPassphrase──▶ encrypted+unlocked ──lock / reload──▶ encrypted+locked
 *     ▲                         │        ▲                              │
 *     └────removePassphrase─────┘        └────────────unlock────────────┘
 * ```
 */
export class KeyStore {
  #key: CryptoKey | undefined;
  #device: Promise<CryptoKey> | undefined;
  #migrated: Promise<void> | undefined;

  constructor(private readonly db: OrchestraDb) {}

  async status(): Promise<KeyStatus> {
    await this.#migrate();
    const vault = await this.#vault();
    const rows = await this.db.providerKeys.toArray();
    return {
      encrypted: vault !== undefined,
      unlocked: vault === undefined || this.#key !== undefined,
      stored: rows.map((row) => row.provider).sort(),
    };
  }

  async set(provider: RemoteProviderId, apiKey: string): Promise<void> {
    await this.#migrate();
    const vault = await this.#vault();
    if (vault && !this.#key) throw new KeyStoreError('locked');
    const row: ProviderKeyRow =
      vault && this.#key
        ? { provider, sealed: await seal(this.#key, apiKey), by: 'passphrase', updatedAt: Date.now() }
        : { provider, sealed: await seal(await this.#deviceKey(), apiKey), by: 'device', updatedAt: Date.now() };
    await this.db.providerKeys.put(row);
  }

  async remove(provider: RemoteProviderId): Promise<void> {
    await this.db.providerKeys.delete(provider);
  }

  /** The key for a provider, or undefined when none is stored. */
  async get(provider: RemoteProviderId): Promise<string | undefined> {
    await this.#migrate();
    const row = await this.db.providerKeys.get(provider);
    if (!row?.sealed) return undefined;
    if (row.by === 'device') return unseal(await this.#deviceKey(), row.sealed);
    if (!this.#key) throw new KeyStoreError('locked');
    return unseal(this.#key, row.sealed);
  }

  /** Encrypts every stored key with a new passphrase; clear copies are removed. */
  async setPassphrase(passphrase: string): Promise<void> {
    await this.#migrate();
    if (await this.#vault()) throw new KeyStoreError('passphrase_set');
    const salt = randomSalt();
    const key = await deriveKey(passphrase, salt);
    const device = await this.#deviceKey();
    const rows = await this.db.providerKeys.toArray();
    // WebCrypto work is done before the transaction: a Dexie transaction commits as soon
    // as it waits on anything that is not IndexedDB.
    const sealedRows = await Promise.all(
      rows.map(async (row): Promise<ProviderKeyRow> => ({
        provider: row.provider,
        sealed: await seal(key, row.sealed ? await unseal(device, row.sealed) : ''),
        by: 'passphrase',
        updatedAt: Date.now(),
      })),
    );
    const vault: VaultRow = { salt, iterations: pbkdf2Iterations, check: await seal(key, checkText) };
    await this.db.transaction('rw', this.db.providerKeys, this.db.meta, async () => {
      await this.db.providerKeys.bulkPut(sealedRows);
      await this.db.meta.put({ key: vaultKey, value: vault });
    });
    this.#key = key;
  }

  /** Opens the keys with the passphrase for this session. */
  async unlock(passphrase: string): Promise<void> {
    const vault = await this.#vault();
    if (!vault) throw new KeyStoreError('no_passphrase');
    const key = await deriveKey(passphrase, vault.salt, vault.iterations);
    try {
      await unseal(key, vault.check);
    } catch {
      throw new KeyStoreError('wrong_passphrase');
    }
    this.#key = key;
  }

  lock(): void {
    this.#key = undefined;
  }

  /** Stores the keys in clear again (the passphrase is checked first). */
  async removePassphrase(passphrase: string): Promise<void> {
    await this.unlock(passphrase);
    const key = this.#key;
    if (!key) throw new KeyStoreError('locked');
    const device = await this.#deviceKey();
    const rows = await this.db.providerKeys.toArray();
    const deviceRows = await Promise.all(
      rows.map(async (row): Promise<ProviderKeyRow> => ({
        provider: row.provider,
        sealed: await seal(device, row.sealed ? await unseal(key, row.sealed) : ''),
        by: 'device',
        updatedAt: Date.now(),
      })),
    );
    await this.db.transaction('rw', this.db.providerKeys, this.db.meta, async () => {
      await this.db.providerKeys.bulkPut(deviceRows);
      await this.db.meta.delete(vaultKey);
    });
    this.#key = undefined;
  }

  /**
   * This device's key, made on first use: AES-256-GCM, not extractable, so no script can
   * read its bytes. Two tabs making one at once keep the first one written.
   */
  #deviceKey(): Promise<CryptoKey> {
    this.#device ??= (async () => {
      const stored = (await this.db.meta.get(deviceKeyName))?.value;
      if (stored instanceof CryptoKey) return stored;
      const made = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      return this.db.transaction('rw', this.db.meta, async () => {
        const raced = (await this.db.meta.get(deviceKeyName))?.value;
        if (raced instanceof CryptoKey) return raced;
        await this.db.meta.put({ key: deviceKeyName, value: made });
        return made;
      });
    })();
    this.#device.catch(() => (this.#device = undefined));
    return this.#device;
  }

  /** Seals the rows an earlier version stored in clear, once per store. */
  #migrate(): Promise<void> {
    this.#migrated ??= (async () => {
      const rows = await this.db.providerKeys.toArray();
      const plain = rows.filter((row) => row.plain !== undefined || (row.sealed && row.by === undefined));
      if (plain.length === 0) return;
      const device = await this.#deviceKey();
      const sealedRows = await Promise.all(
        plain.map(async (row): Promise<ProviderKeyRow> =>
          row.plain !== undefined
            ? { provider: row.provider, sealed: await seal(device, row.plain), by: 'device', updatedAt: row.updatedAt }
            : { ...row, by: 'passphrase' },
        ),
      );
      await this.db.providerKeys.bulkPut(sealedRows);
    })();
    this.#migrated.catch(() => (this.#migrated = undefined));
    return this.#migrated;
  }

  async #vault(): Promise<VaultRow | undefined> {
    const row = await this.db.meta.get(vaultKey);
    return row?.value as VaultRow | undefined;
  }
}
