import type { OrchestraDb } from '../../db/database.ts';
import type { RemoteProviderId } from '../contract/provider-id.ts';
import {
  KeyGenerationDb,
  type SealedKeyRow,
  compactByDeleting,
  deleteWhole,
  generationName,
} from './key-generation-db.ts';
import { makeDeviceKey, putDeviceKey, storedDeviceKey } from './device-key.ts';
import { type Sealed, deriveKey, pbkdf2Iterations, randomSalt, seal, unseal } from './passphrase-crypto.ts';

/**
 * A key row as versions before key generations stored it, in the app database's
 * `providerKeys` table: in clear (`plain`), or sealed in place. Only read, to migrate.
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

/** The app database's `meta` row naming the current generation of keys. */
const generationPointer = 'keyGeneration';
const vaultKey = 'keyVault';
const checkText = 'orchestra-key-check';

/** A generation's keys as a change sees them: device-sealed ones opened, passphrase-sealed ones as they are. */
interface Contents {
  device: Map<RemoteProviderId, { key: string; updatedAt: number }>;
  passphrase: Map<RemoteProviderId, { sealed: Sealed; updatedAt: number }>;
  vault: VaultRow | undefined;
}

interface OpenGeneration {
  generation: number;
  db: KeyGenerationDb;
}

/**
 * API keys on this device only (never in settings, events or exports), and never in
 * clear: each is sealed with AES-GCM before its first write. Without a passphrase the key
 * that seals them is the generation's device key, a non-extractable WebCrypto key kept
 * beside them (it stops a key being read off the disk as text, not someone who can run
 * code as this origin or copy the whole profile: see README). With a passphrase they are
 * sealed with a key derived from it, which lives in this worker's memory only until
 * `lock()` or a reload.
 *
 * Keys live in generations, each a database of its own (`<app db>-keys-<n>`). Every
 * change (a key saved or removed, a passphrase set or removed) writes generation n+1
 * with a new device key, points the app database at it, and deletes generation n whole,
 * so that Chromium compacts it off the disk: a replaced or removed key, even sealed,
 * leaves nothing behind with the device key that opened it. Rows an earlier version kept
 * in the app database (in clear, or sealed in place) move to the first generation; the
 * old rows are deleted and a throwaway database deleted after them to make Chromium
 * compact them away, which is best effort (see `compactByDeleting`).
 *
 * ```
 *   plain ──setPassphrase──▶ encrypted+unlocked ──lock / reload──▶ encrypted+locked
 *     ▲                         │        ▲                              │
 *     └────removePassphrase─────┘        └────────────unlock────────────┘
 * ```
 */
export class KeyStore {
  #key: CryptoKey | undefined;
  #open: OpenGeneration | undefined;
  #migrated: Promise<void> | undefined;
  /** Changes of this store, one after another (tabs are kept apart by a Web Lock). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: OrchestraDb) {}

  async status(): Promise<KeyStatus> {
    const { db } = await this.#current();
    const [rows, vault] = await Promise.all([db.keys.toArray(), vaultOf(db)]);
    return {
      encrypted: vault !== undefined,
      unlocked: vault === undefined || this.#key !== undefined,
      stored: rows.map((row) => row.provider).sort(),
    };
  }

  async set(provider: RemoteProviderId, apiKey: string): Promise<void> {
    await this.#change(async (contents) => {
      if (contents.vault) {
        if (!this.#key) throw new KeyStoreError('locked');
        contents.device.delete(provider);
        contents.passphrase.set(provider, { sealed: await seal(this.#key, apiKey), updatedAt: Date.now() });
      } else {
        contents.device.set(provider, { key: apiKey, updatedAt: Date.now() });
      }
    });
  }

  async remove(provider: RemoteProviderId): Promise<void> {
    await this.#change((contents) => {
      contents.device.delete(provider);
      contents.passphrase.delete(provider);
    });
  }

  /** The key for a provider, or undefined when none is stored. */
  async get(provider: RemoteProviderId): Promise<string | undefined> {
    const { db } = await this.#current();
    const row = await db.keys.get(provider);
    if (!row) return undefined;
    if (row.by === 'device') return unseal(await deviceKeyOf(db), row.sealed);
    if (!this.#key) throw new KeyStoreError('locked');
    return unseal(this.#key, row.sealed);
  }

  /** Encrypts every stored key with a new passphrase; the device-sealed generation is deleted whole. */
  async setPassphrase(passphrase: string): Promise<void> {
    await this.#change(async (contents) => {
      if (contents.vault) throw new KeyStoreError('passphrase_set');
      const salt = randomSalt();
      const key = await deriveKey(passphrase, salt);
      for (const [provider, entry] of contents.device) {
        contents.passphrase.set(provider, { sealed: await seal(key, entry.key), updatedAt: entry.updatedAt });
      }
      contents.device.clear();
      contents.vault = { salt, iterations: pbkdf2Iterations, check: await seal(key, checkText) };
      this.#key = key;
    });
  }

  /** Opens the keys with the passphrase for this session. */
  async unlock(passphrase: string): Promise<void> {
    const vault = await vaultOf((await this.#current()).db);
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

  /** Seals the keys with a new device key again (the passphrase is checked first). */
  async removePassphrase(passphrase: string): Promise<void> {
    await this.unlock(passphrase);
    await this.#change(async (contents) => {
      const key = this.#key;
      if (!key) throw new KeyStoreError('locked');
      for (const [provider, entry] of contents.passphrase) {
        contents.device.set(provider, { key: await unseal(key, entry.sealed), updatedAt: entry.updatedAt });
      }
      contents.passphrase.clear();
      contents.vault = undefined;
      this.#key = undefined;
    });
  }

  /** The current generation, opened; the first use migrates what an earlier version stored. */
  async #current(): Promise<OpenGeneration> {
    await this.#migrate();
    const pointer = (await this.db.meta.get(generationPointer))?.value;
    if (typeof pointer !== 'number') throw new Error('The key store has no current generation.');
    if (this.#open?.generation !== pointer) {
      this.#open?.db.close();
      this.#open = { generation: pointer, db: new KeyGenerationDb(generationName(this.db.name, pointer)) };
    }
    return this.#open;
  }

  /** Reads the current generation, lets `edit` change it, writes the next generation and deletes this one. */
  #change(edit: (contents: Contents) => void | Promise<void>): Promise<void> {
    const run = () =>
      exclusive(`${this.db.name}-keys`, async () => {
        await this.#migrate();
        const current = await this.#current();
        const contents = await readContents(current.db);
        await edit(contents);
        const next = current.generation + 1;
        await writeGeneration(generationName(this.db.name, next), contents);
        await this.db.meta.put({ key: generationPointer, value: next });
        current.db.close();
        this.#open = undefined;
        await deleteWhole(generationName(this.db.name, current.generation));
      });
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Moves keys an earlier version kept in the app database into generation 1, once: rows
   * in clear, rows sealed in place with the old device key (opened and sealed again with
   * the new one), rows sealed with the passphrase (kept as they are, with its check). The
   * old rows and check are deleted with the pointer's write, in one transaction, then
   * compacted away (best effort). The app database's device key is left in place: the
   * sync space's secret is sealed with it.
   */
  #migrate(): Promise<void> {
    // A lock of its own: a change holds the keys' lock while it reads the generation.
    this.#migrated ??= exclusive(`${this.db.name}-keys-migration`, async () => {
      if (typeof (await this.db.meta.get(generationPointer))?.value === 'number') return;
      const rows = await this.db.providerKeys.toArray();
      const oldDevice = await storedDeviceKey(this.db.meta);
      const oldVault = (await this.db.meta.get(vaultKey))?.value as VaultRow | undefined;
      const contents: Contents = { device: new Map(), passphrase: new Map(), vault: oldVault };
      for (const row of rows) {
        if (row.plain !== undefined) contents.device.set(row.provider, { key: row.plain, updatedAt: row.updatedAt });
        else if (row.sealed && row.by === 'device' && oldDevice instanceof CryptoKey) {
          contents.device.set(row.provider, { key: await unseal(oldDevice, row.sealed), updatedAt: row.updatedAt });
        } else if (row.sealed && row.by !== 'device') {
          contents.passphrase.set(row.provider, { sealed: row.sealed, updatedAt: row.updatedAt });
        }
      }
      const first = 1;
      await writeGeneration(generationName(this.db.name, first), contents);
      await this.db.transaction('rw', this.db.providerKeys, this.db.meta, async () => {
        await this.db.providerKeys.clear();
        // The old device key stays: the sync space's secret is sealed with it (worker/sync/).
        await this.db.meta.delete(vaultKey);
        await this.db.meta.put({ key: generationPointer, value: first });
      });
      if (rows.length > 0 || oldDevice !== undefined || oldVault !== undefined) {
        await compactByDeleting(`${this.db.name}-compact`);
      }
    });
    this.#migrated.catch(() => (this.#migrated = undefined));
    return this.#migrated;
  }
}

async function vaultOf(db: KeyGenerationDb): Promise<VaultRow | undefined> {
  return (await db.meta.get(vaultKey))?.value as VaultRow | undefined;
}

async function deviceKeyOf(db: KeyGenerationDb): Promise<CryptoKey> {
  const key = await storedDeviceKey(db.meta);
  if (!key) throw new Error('This generation of keys has lost its device key.');
  return key;
}

async function readContents(db: KeyGenerationDb): Promise<Contents> {
  const [rows, vault] = await Promise.all([db.keys.toArray(), vaultOf(db)]);
  const contents: Contents = { device: new Map(), passphrase: new Map(), vault };
  const device = rows.some((row) => row.by === 'device') ? await deviceKeyOf(db) : undefined;
  for (const row of rows) {
    if (row.by === 'device' && device) {
      contents.device.set(row.provider, { key: await unseal(device, row.sealed), updatedAt: row.updatedAt });
    } else if (row.by === 'passphrase') {
      contents.passphrase.set(row.provider, { sealed: row.sealed, updatedAt: row.updatedAt });
    }
  }
  return contents;
}

/**
 * Writes a generation from scratch, with a new device key (AES-256-GCM, not extractable,
 * so no script can read its bytes). A database left by a change that crashed half-way
 * is deleted first. WebCrypto work is done before the transaction: a Dexie transaction
 * commits as soon as it waits on anything that is not IndexedDB.
 */
async function writeGeneration(name: string, contents: Contents): Promise<void> {
  await deleteWhole(name);
  const device = await makeDeviceKey();
  const rows: SealedKeyRow[] = [];
  for (const [provider, entry] of contents.device) {
    rows.push({ provider, sealed: await seal(device, entry.key), by: 'device', updatedAt: entry.updatedAt });
  }
  for (const [provider, entry] of contents.passphrase) {
    rows.push({ provider, sealed: entry.sealed, by: 'passphrase', updatedAt: entry.updatedAt });
  }
  const db = new KeyGenerationDb(name);
  try {
    await db.transaction('rw', db.keys, db.meta, async () => {
      await db.keys.bulkPut(rows);
      await putDeviceKey(db.meta, device);
      if (contents.vault) await db.meta.put({ key: vaultKey, value: contents.vault });
    });
  } finally {
    db.close();
  }
}

/** The part of `navigator.locks` used here (in every worker of Chromium; absent in Node). */
interface WebLocks {
  request<T>(name: string, work: () => Promise<T>): Promise<T>;
}

/** Runs `work` holding a Web Lock of that name where there are Web Locks (every tab's worker), else as it is. */
function exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
  const { locks } = (globalThis as { navigator?: { locks?: WebLocks } }).navigator ?? {};
  return locks ? locks.request(name, work) : work();
}
