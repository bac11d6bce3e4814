import 'fake-indexeddb/auto';
import { FetchError, StaleEpochError } from '@durable-streams/client';
import { ulid } from 'ulid';
import { afterEach, describe, expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { MemoryEventLog } from '../../../worker/events/store/memory-store.ts';
import { DeviceSyncState } from '../../../worker/sync/device-sync-state.ts';
import { ProjectSync } from '../../../worker/sync/project-sync.ts';
import { deriveSpaceCredentials, makeSpaceSecret } from '../../../worker/sync/space-secret.ts';
import { SyncTamperError } from '../../../worker/sync/sync-envelope.ts';
import { type SyncError, syncErrorOf, syncFailure } from '../../../worker/sync/sync-errors.ts';
import { createSpace, type SpaceConnection } from '../../../worker/sync/sync-space.ts';
import { SyncRetry } from '../../../worker/sync/sync-retry.ts';
import { openTestStore, startTestServer } from '../server/sync/harness.ts';

const server = 'http://sync.example';

const refusal = (status: number, error?: string, message?: string, headers: Record<string, string> = {}) =>
  new Response(error ? JSON.stringify({ error, message }) : null, {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('each refusal of the sync server has its own sentence', () => {
  test('401 and 403: the secret is not accepted, leave and join again; not retried', async () => {
    for (const status of [401, 403]) {
      const error = await syncErrorOf(refusal(status, 'wrong_secret', 'This secret does not open this space.'), server);
      expect(error).toMatchObject({ kind: 'wrong_secret', retryable: false });
      expect(error.message).toContain("does not accept this device's secret");
      expect(error.message).not.toContain('unreachable');
    }
  });

  test('403 for a stale writer is another device taking the project over, not a wrong secret', async () => {
    const stale = await syncErrorOf(refusal(403, 'stale_epoch', 'A newer writer has taken over this stream.'), server);
    const wrong = await syncErrorOf(refusal(403, 'wrong_secret', 'This secret does not open this space.'), server);
    expect(stale).toMatchObject({ kind: 'fenced', retryable: true });
    expect(stale.message).toContain('Another device now writes this project');
    expect(stale.message).not.toContain('secret');
    expect(stale.message).not.toBe(wrong.message);
    expect(syncFailure(new StaleEpochError(7), server)).toMatchObject({ kind: 'fenced', message: stale.message });
  });

  test('404 of the space: deleted, or the wrong secret', async () => {
    const error = await syncErrorOf(refusal(404, 'no_space', 'No such space.'), server);
    expect(error).toMatchObject({ kind: 'no_space', retryable: false });
    expect(error.message).toContain('has no such space');
  });

  test('404 or 410 of a stream: the server no longer holds the project; not retried', async () => {
    for (const [status, code] of [
      [404, 'not_found'],
      [410, 'gone'],
    ] as const) {
      const error = await syncErrorOf(refusal(status, code, 'This stream has been deleted.'), server);
      expect(error).toMatchObject({ kind: 'gone', retryable: false });
      expect(error.message).toContain('no longer holds one of this space');
    }
  });

  test('507 and 413 name the quota that was passed, with the server’s figure', async () => {
    const bytes = await syncErrorOf(
      refusal(507, 'quota_bytes', 'This space would pass its storage limit of 1073741824 bytes.'),
      server,
    );
    expect(bytes).toMatchObject({ kind: 'quota', retryable: false });
    expect(bytes.message).toContain('past its storage quota');
    expect(bytes.message).toContain('1073741824 bytes');
    const streams = await syncErrorOf(
      refusal(507, 'quota_streams', 'This space holds its limit of 10000 streams; delete some first.'),
      server,
    );
    expect(streams.message).toContain('past its quota of projects');
    expect(streams.message).toContain('10000 streams');
    const large = await syncErrorOf(refusal(413, 'too_large', 'An append may be at most 8388608 bytes.'), server);
    expect(large.message).toContain('past its size limit for one upload');
  });

  test('429: rate limited, with when syncing resumes; retried', async () => {
    const error = await syncErrorOf(
      refusal(429, 'rate_limited', 'This space made more than 6000 requests in a minute; slow down.', {
        'retry-after': '12',
      }),
      server,
    );
    expect(error).toMatchObject({ kind: 'rate_limited', retryable: true });
    expect(error.message).toContain('syncing resumes in 12 s');
    expect(error.message).not.toContain('unreachable');
  });

  test('400: a malformed request is said to be a bug here, not the person’s data', async () => {
    const error = await syncErrorOf(refusal(400, 'bad_json', 'The body is not valid JSON.'), server);
    expect(error).toMatchObject({ kind: 'malformed', retryable: false });
    expect(error.message).toContain('could not read a request from this device');
    expect(error.message).toContain('The body is not valid JSON.');
  });

  test('5xx: the server failed, and syncing tries again', async () => {
    const error = await syncErrorOf(new Response('boom', { status: 502 }), server);
    expect(error).toMatchObject({ kind: 'server_error', retryable: true });
    expect(error.message).toContain('failed (502)');
  });

  test('no answer at all is unreachable; the official client’s errors are read by their status', () => {
    expect(syncFailure(new TypeError('Failed to fetch'), server)).toMatchObject({ kind: 'unreachable' });
    const fetchError = new FetchError(
      429,
      undefined,
      { error: 'rate_limited', message: 'slow down' },
      { 'retry-after': '3' },
      server,
    );
    expect(syncFailure(fetchError, server)).toMatchObject({ kind: 'rate_limited' });
    expect(syncFailure(new FetchError(403, undefined, undefined, {}, server), server)).toMatchObject({
      kind: 'wrong_secret',
    });
    expect(syncFailure(new SyncTamperError('altered'), server)).toMatchObject({ kind: 'tampered', retryable: false });
  });
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A project's sync against the real server; resolves with the first failure it reports. */
async function firstFailure(connection: SpaceConnection): Promise<SyncError> {
  const db = new OrchestraDb(`sync-errors-${ulid()}`);
  let report: (error: SyncError) => void = () => undefined;
  const failed = new Promise<SyncError>((resolve) => (report = resolve));
  const sync = await ProjectSync.open(
    {
      connection,
      store: new MemoryEventLog(),
      state: new DeviceSyncState(db),
      retry: new SyncRetry(),
      changed: () => undefined,
      reachable: () => undefined,
      failed: (error) => report(error),
      diverged: () => undefined,
    },
    ulid(),
  );
  // The database stays open: stop() does not wait for a read already under way, and
  // that read failing on a closed database is an unhandled rejection (sync-service.test.ts).
  cleanups.push(() => sync.stop());
  sync.start();
  return failed;
}

describe('a project’s sync reports the real cause, not "unreachable"', () => {
  test('past the space’s requests per minute: rate limited', async () => {
    const opened = await openTestStore('sqlite');
    const running = await startTestServer(opened.store, { requestsPerMinute: 2 });
    cleanups.push(async () => {
      await running.close();
      await opened.dispose();
    });
    const { connection } = await createSpace(running.url);
    const error = await firstFailure(connection);
    expect(error.kind).toBe('rate_limited');
    expect(error.message).toContain('limits how often');
  });

  test('a token the space does not know: wrong secret', async () => {
    const opened = await openTestStore('sqlite');
    const running = await startTestServer(opened.store);
    cleanups.push(async () => {
      await running.close();
      await opened.dispose();
    });
    const { connection } = await createSpace(running.url);
    const stranger = await deriveSpaceCredentials(makeSpaceSecret());
    const error = await firstFailure({ ...connection, token: stranger.token });
    expect(error.kind).toBe('wrong_secret');
  });

  test('a server that is not there: unreachable', async () => {
    const { connection } = await createSpace('http://127.0.0.1:9').catch(async () => ({
      connection: {
        ...(await deriveSpaceCredentials(makeSpaceSecret())),
        serverUrl: 'http://127.0.0.1:9',
        fetch: globalThis.fetch.bind(globalThis),
      },
    }));
    expect((await firstFailure(connection)).kind).toBe('unreachable');
  });
});
