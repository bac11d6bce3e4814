import type { OrchestraDb } from '../db/database.ts';
import { appDeviceKey } from '../providers/keys/device-key.ts';
import { type Sealed, seal, unseal } from '../providers/keys/passphrase-crypto.ts';
import type { ForkOrigin } from './sync-envelope.ts';

/**
 * What this device keeps about sync, in the engine's `meta` table (never in settings,
 * events or exports). The space secret is sealed with the device key, as model keys
 * are: a non-extractable AES-GCM key kept in IndexedDB.
 */
export interface SpaceRecord {
  serverUrl: string;
  secret: Sealed;
  /** This device's name in the copies a divergence makes ("… (from laptop)"). */
  deviceName: string;
  joinedAt: number;
}

/** Where this device stands with one project's stream. */
export interface ProjectCursor {
  /** Where the next read of the stream starts. */
  offset: string;
  /** The highest event sequence number seen in the stream. */
  remoteSeq: number;
  /** The last producer epoch this device wrote the project with. */
  epoch: number;
  /** The events came from another device and no one here took the project over. */
  remote: boolean;
  /** The project is a copy whose stream was forked from another's: how to make and open it. */
  fork?: ForkOrigin;
}

const spaceKey = 'syncSpace';
const cursorKey = (projectId: string) => `syncProject:${projectId}`;
const deletedPrefix = 'syncDeleted:';
const deletedKey = (projectId: string) => `${deletedPrefix}${projectId}`;
/** Projects deleted here for every device, until the space has been told. */
const retirePrefix = 'syncRetire:';
const retireKey = (projectId: string) => `${retirePrefix}${projectId}`;
/** Projects another device deleted for every device, until this device has deleted its copy. */
const removePrefix = 'syncRemove:';
const removeKey = (projectId: string) => `${removePrefix}${projectId}`;
/** Copies this device kept when another deleted the project everywhere (the person is told). */
const keptPrefix = 'syncKept:';
const keptKey = (projectId: string) => `${keptPrefix}${projectId}`;

/** A deletion for every device, as this device carries it out. */
export interface RetireRecord {
  name: string;
  /** The index has said so already: only the server's copy is left to delete. */
  told: boolean;
}

export const freshCursor = (): ProjectCursor => ({ offset: '-1', remoteSeq: 0, epoch: 0, remote: false });

export class DeviceSyncState {
  constructor(private readonly db: OrchestraDb) {}

  async space(): Promise<{ serverUrl: string; secret: string; deviceName: string } | undefined> {
    const row = (await this.db.meta.get(spaceKey))?.value as SpaceRecord | undefined;
    if (!row) return undefined;
    return {
      serverUrl: row.serverUrl,
      secret: await unseal(await appDeviceKey(this.db), row.secret),
      deviceName: row.deviceName,
    };
  }

  async saveSpace(serverUrl: string, secret: string, deviceName: string): Promise<void> {
    const sealed = await seal(await appDeviceKey(this.db), secret);
    const record: SpaceRecord = { serverUrl, secret: sealed, deviceName, joinedAt: Date.now() };
    await this.db.meta.put({ key: spaceKey, value: record });
  }

  /** Forgets the space and every project's place in it (and which of its projects were deleted here). */
  async leave(): Promise<void> {
    await this.db.transaction('rw', this.db.meta, async () => {
      await this.db.meta.delete(spaceKey);
      await this.db.meta.where('key').startsWith('syncProject:').delete();
      await this.db.meta.where('key').startsWith(deletedPrefix).delete();
      await this.db.meta.where('key').startsWith(retirePrefix).delete();
      await this.db.meta.where('key').startsWith(removePrefix).delete();
      await this.db.meta.where('key').startsWith(keptPrefix).delete();
    });
  }

  async cursor(projectId: string): Promise<ProjectCursor> {
    const row = (await this.db.meta.get(cursorKey(projectId)))?.value as ProjectCursor | undefined;
    return row ? { ...freshCursor(), ...row } : freshCursor();
  }

  /** The projects another device writes, as this device last recorded. */
  async remoteProjects(): Promise<string[]> {
    const rows = await this.db.meta.where('key').startsWith('syncProject:').toArray();
    return rows
      .filter((row) => (row.value as ProjectCursor | undefined)?.remote === true)
      .map((row) => row.key.slice('syncProject:'.length));
  }

  async saveCursor(projectId: string, cursor: ProjectCursor): Promise<void> {
    await this.db.meta.put({ key: cursorKey(projectId), value: { ...cursor } });
  }

  async forgetCursor(projectId: string): Promise<void> {
    await this.db.meta.delete(cursorKey(projectId));
  }

  /** The projects of the space deleted on this device: they are not followed here again. */
  async deletedProjects(): Promise<string[]> {
    const keys = await this.db.meta.where('key').startsWith(deletedPrefix).primaryKeys();
    return keys.map((key) => String(key).slice(deletedPrefix.length));
  }

  /** Remembers the project as deleted on this device and forgets its place in its stream. */
  async markDeleted(projectId: string): Promise<void> {
    await this.db.transaction('rw', this.db.meta, async () => {
      await this.db.meta.put({ key: deletedKey(projectId), value: true });
      await this.db.meta.delete(cursorKey(projectId));
      await this.db.meta.delete(keptKey(projectId));
    });
  }

  /** The projects deleted here for every device whose deletion the server has not carried out yet. */
  async toRetire(): Promise<Array<{ projectId: string } & RetireRecord>> {
    const rows = await this.db.meta.where('key').startsWith(retirePrefix).toArray();
    return rows.map((row) => {
      const value = row.value as Partial<RetireRecord> | string;
      // Session 12's first form held the name alone.
      const record = typeof value === 'string' ? { name: value, told: false } : value;
      return { projectId: row.key.slice(retirePrefix.length), name: String(record.name), told: record.told === true };
    });
  }

  /** Remembers where the deletion of the project for every device stands (`retired` once it is done). */
  async markRetire(projectId: string, record: RetireRecord): Promise<void> {
    await this.db.meta.put({ key: retireKey(projectId), value: { ...record } });
  }

  async retired(projectId: string): Promise<void> {
    await this.db.meta.delete(retireKey(projectId));
  }

  /**
   * The copies another device deleted for every device that this one is still to delete,
   * each with how far the server held its log when this device stopped syncing it.
   */
  async toRemove(): Promise<Array<{ projectId: string; syncedSeq: number }>> {
    const rows = await this.db.meta.where('key').startsWith(removePrefix).toArray();
    return rows.map((row) => ({ projectId: row.key.slice(removePrefix.length), syncedSeq: Number(row.value) || 0 }));
  }

  async markRemove(projectId: string, syncedSeq: number): Promise<void> {
    await this.db.meta.put({ key: removeKey(projectId), value: syncedSeq });
  }

  async removed(projectId: string): Promise<void> {
    await this.db.meta.delete(removeKey(projectId));
  }

  /** The copy stays here, no longer synced, though another device deleted the project everywhere. */
  async markKept(projectId: string): Promise<void> {
    await this.db.meta.put({ key: keptKey(projectId), value: true });
  }

  async isKept(projectId: string): Promise<boolean> {
    return (await this.db.meta.get(keptKey(projectId))) !== undefined;
  }

  /** The person has read why the copy was kept (or deleted it). */
  async unkeep(projectId: string): Promise<void> {
    await this.db.meta.delete(keptKey(projectId));
  }

  /** Undoes `markDeleted` (the delete was refused): the cursor goes back as it was. */
  async unmarkDeleted(projectId: string, cursor: ProjectCursor | undefined): Promise<void> {
    await this.db.transaction('rw', this.db.meta, async () => {
      await this.db.meta.delete(deletedKey(projectId));
      if (cursor) await this.db.meta.put({ key: cursorKey(projectId), value: { ...cursor } });
    });
  }
}
