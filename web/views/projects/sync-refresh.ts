import type { SyncStatus } from '../../../worker/api.ts';

/**
 * Whether projects may have come or changed through sync since `seen` was read, so the
 * project list is worth reading again: only when sync moved something (a batch went or
 * came, or the space's project count changed). With sync off nothing ever arrives, and
 * the list (its rows, and the focus in them) stays as it is.
 */
export function syncMoved(seen: SyncStatus | undefined, now: SyncStatus): boolean {
  if (!seen || now.state === 'off') return false;
  return now.lastSyncedAt !== seen.lastSyncedAt || now.projects !== seen.projects;
}
