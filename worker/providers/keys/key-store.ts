import type { OrchestraDb } from '../../db/database.ts';
import type { RemoteProviderId } from '../contract/provider-id.ts';
import { type Sealed, deriveKey, pbkdf2Iterations, randomSalt, seal, unseal } from './passphrase-crypto.ts';

/** One provider's key as stored: in clear without a passphrase, sealed with one. */
export interface ProviderKeyRow {
  provider: RemoteProviderId;
  plain?: string;
  sealed?: Sealed;
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
const checkText = 'orchestra-key-check';

/**
 * API keys on this device only. Without a passphrase they are stored in their own table
 * (never in settings, events or exports); with one, only AES-GCM ciphertext is stored
 * and the derived key lives in this worker's memory until `lock()` or a reload.
 *
 * ```
 *   plain ──setPassphrase──▶ encrypted+unlocked ──lock / reload──▶ encrypted+locked
 *     ▲                         │        ▲                              │
 *     └────removePassphrase─────┘        └────────────unlock────────────┘
 * ```
 */
export class KeyStore {
  #key: CryptoKey | undefined;

  constructor(private readonly db: OrchestraDb) {}

  async status(): Promise<KeyStatus> {
    const vault = await this.#vault();
    const rows = await this.db.providerKeys.toArray();
    return {
      encrypted: vault !== undefined,
      unlocked: vault === undefined || this.#key !== undefined,
      stored: rows.map((row) => row.provider).sort(),
    };
  }

  async set(provider: RemoteProviderId, apiKey: string): Promise<void> {
    const vault = await this.#vault();
    if (vault && !this.#key) throw new KeyStoreError('locked');
    const row: ProviderKeyRow = this.#key
      ? { provider, sealed: await seal(this.#key, apiKey), updatedAt: Date.now() }
      : { provider, plain: apiKey, updatedAt: Date.now() };
    await this.db.providerKeys.put(row);
  }

  async remove(provider: RemoteProviderId): Promise<void> {
    await this.db.providerKeys.delete(provider);
  }

  /** The key for a provider, or undefined when none is stored. */
  async get(provider: RemoteProviderId): Promise<string | undefined> {
    const row = await this.db.providerKeys.get(provider);
    if (!row) return undefined;
    if (row.plain !== undefined) return row.plain;
    if (!row.sealed) return undefined;
    if (!this.#key) throw new KeyStoreError('locked');
    return unseal(this.#key, row.sealed);
  }

  /** Encrypts every stored key with a new passphrase; clear copies are removed. */
  async setPassphrase(passphrase: string): Promise<void> {
    if (await this.#vault()) throw new KeyStoreError('passphrase_set');
    const salt = randomSalt();
    const key = await deriveKey(passphrase, salt);
    const rows = await this.db.providerKeys.toArray();
    // WebCrypto work is done before the transaction: a Dexie transaction commits as soon
    // as it waits on anything that is not IndexedDB.
    const sealedRows = await Promise.all(
      rows.map(async (row) => ({
        provider: row.provider,
        sealed: await seal(key, row.plain ?? ''),
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
    const rows = await this.db.providerKeys.toArray();
    const plainRows = await Promise.all(
      rows.map(async (row) => ({
        provider: row.provider,
        plain: row.sealed ? await unseal(key, row.sealed) : (row.plain ?? ''),
        updatedAt: Date.now(),
      })),
    );
    await this.db.transaction('rw', this.db.providerKeys, this.db.meta, async () => {
      await this.db.providerKeys.bulkPut(plainRows);
      await this.db.meta.delete(vaultKey);
    });
    this.#key = undefined;
  }

  async #vault(): Promise<VaultRow | undefined> {
    const row = await this.db.meta.get(vaultKey);
    return row?.value as VaultRow | undefined;
  }
}
