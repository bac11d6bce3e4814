/** What Settings › Sync shows: where this device stands with its space. */
export interface SyncStatus {
  /**
   * off: no space on this device; connecting: first contact; connected: the server
   * answers; unreachable: it does not (changes wait here); retrying: it answered with a
   * passing refusal (rate limited, a server error) and the sync tries again; failed: it
   * refused (the message says why and what to do); elsewhere: another tab of this app syncs.
   */
  state: 'off' | 'connecting' | 'connected' | 'unreachable' | 'retrying' | 'failed' | 'elsewhere';
  serverUrl: string | null;
  deviceName: string | null;
  /** When a batch last went to or came from the server. */
  lastSyncedAt: number | null;
  /** Events on this device that the server does not hold yet. */
  waiting: number;
  /** Projects in the space (their streams followed). */
  projects: number;
  /** A sentence for the person when something is wrong. */
  message: string | null;
}

/** One project's place in sync, for its badge. */
export interface ProjectSyncStatus {
  synced: boolean;
  /** Written by another device and not taken over here: this device watches it. */
  remote: boolean;
  waiting: number;
  /**
   * Another device deleted the project on every device, and this one kept its copy,
   * which holds work the server never received: it stays here, no longer synced.
   */
  kept?: boolean;
}

export const offStatus: SyncStatus = {
  state: 'off',
  serverUrl: null,
  deviceName: null,
  lastSyncedAt: null,
  waiting: 0,
  projects: 0,
  message: null,
};
