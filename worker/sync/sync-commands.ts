import { type Result, fail, ok } from '../contract/result.ts';
import { SpaceSecretError } from './space-secret.ts';
import { SyncError } from './sync-errors.ts';
import type { SyncService } from './sync-service.ts';
import type { ProjectSyncStatus, SyncStatus } from './sync-status.ts';

/** Settings › Sync and the per-project badge. */
export interface SyncCommands {
  /** Where this device stands with its space. */
  syncStatus(): Promise<SyncStatus>;
  /**
   * Makes a new space on the server and syncs this device's projects into it; returns
   * the secret to carry to the other devices (shown once, kept sealed here).
   * @example const made = await engine.syncCreateSpace(location.origin, 'laptop');
   */
  syncCreateSpace(serverUrl: string, deviceName: string): Promise<Result<{ secret: string }>>;
  /** Joins the space whose secret the person brought from another device. */
  syncJoinSpace(serverUrl: string, secret: string, deviceName: string): Promise<Result<SyncStatus>>;
  /** Stops syncing and forgets the space on this device; projects stay. */
  syncLeave(): Promise<Result<SyncStatus>>;
  /**
   * Tries again now: what a refusal stopped (a wrong secret, a quota) is sent once more,
   * and any backoff ends. The status says what came of it.
   */
  syncRetry(): Promise<SyncStatus>;
  /** The space secret again, to pair one more device. */
  syncSecret(): Promise<Result<string>>;
  syncProjectStatus(projectId: string): Promise<ProjectSyncStatus>;
  /** This device runs the project from now on; the device that ran it is fenced. */
  syncTakeOver(projectId: string): Promise<Result<ProjectSyncStatus>>;
  /** The person read why this device kept a copy another deleted everywhere: the word goes. */
  syncDismissKept(projectId: string): Promise<ProjectSyncStatus>;
}

const trimmed = (text: string) => text.trim();

function failure(error: unknown) {
  if (error instanceof SyncError)
    return fail(error.kind === 'unreachable' ? 'unavailable' : 'bad_input', error.message, error.retryable);
  if (error instanceof SpaceSecretError) return fail('bad_input', error.message);
  return fail('storage', `Sync could not be set up: ${(error as Error).message}`, true);
}

function checkUrl(serverUrl: string): string | undefined {
  try {
    const url = new URL(serverUrl);
    if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
  } catch {
    // falls through
  }
  return 'The server address must be a web address such as https://sync.example.org.';
}

export function createSyncCommands(sync: SyncService): SyncCommands {
  return {
    syncStatus: () => Promise.resolve(sync.current()),

    async syncCreateSpace(serverUrl, deviceName) {
      const bad = checkUrl(trimmed(serverUrl));
      if (bad) return fail('bad_input', bad);
      try {
        return ok({ secret: await sync.create(trimmed(serverUrl), trimmed(deviceName).slice(0, 60)) });
      } catch (error) {
        return failure(error);
      }
    },

    async syncJoinSpace(serverUrl, secret, deviceName) {
      const bad = checkUrl(trimmed(serverUrl));
      if (bad) return fail('bad_input', bad);
      try {
        await sync.join(trimmed(serverUrl), trimmed(secret), trimmed(deviceName).slice(0, 60));
        return ok(sync.current());
      } catch (error) {
        return failure(error);
      }
    },

    async syncLeave() {
      try {
        await sync.leave();
        return ok(sync.current());
      } catch (error) {
        return failure(error);
      }
    },

    syncRetry() {
      sync.retryNow();
      return Promise.resolve(sync.current());
    },

    async syncSecret() {
      const secret = await sync.secret().catch(() => undefined);
      return secret ? ok(secret) : fail('not_found', 'This device is not in a sync space.');
    },

    syncProjectStatus: (projectId) => sync.projectStatus(projectId),
    syncDismissKept: (projectId) => sync.dismissKept(projectId),

    async syncTakeOver(projectId) {
      await sync.takeOver(projectId);
      return ok(await sync.projectStatus(projectId));
    },
  };
}
