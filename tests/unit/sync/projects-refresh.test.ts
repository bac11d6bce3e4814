import { describe, expect, test } from 'vitest';
import { syncMoved } from '../../../web/views/projects/sync-refresh.ts';
import { type SyncStatus, offStatus } from '../../../worker/sync/sync-status.ts';

const connected: SyncStatus = {
  ...offStatus,
  state: 'connected',
  serverUrl: 'http://localhost',
  deviceName: 'laptop',
  lastSyncedAt: 1000,
  projects: 2,
};

describe('the project list is read again only when sync moved something', () => {
  test('with sync off, never: the list and its focus stay put', () => {
    expect(syncMoved(offStatus, offStatus)).toBe(false);
    expect(syncMoved(offStatus, { ...offStatus })).toBe(false);
    expect(syncMoved(undefined, offStatus)).toBe(false);
    // Leaving the space brings no project in either.
    expect(syncMoved(connected, offStatus)).toBe(false);
  });

  test('connected but idle, never', () => {
    expect(syncMoved(connected, { ...connected })).toBe(false);
    expect(syncMoved(connected, { ...connected, waiting: 3 })).toBe(false);
  });

  test('a batch went or came, or the space has another project: yes', () => {
    expect(syncMoved(connected, { ...connected, lastSyncedAt: 2000 })).toBe(true);
    expect(syncMoved(connected, { ...connected, projects: 3 })).toBe(true);
    expect(syncMoved({ ...connected, state: 'connecting', lastSyncedAt: null }, connected)).toBe(true);
    // Events that came just before the server went away still show.
    expect(syncMoved(connected, { ...connected, state: 'unreachable', lastSyncedAt: 2000 })).toBe(true);
  });
});
