import 'fake-indexeddb/auto';
import { ulid } from 'ulid';
import { afterEach, describe, expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import { MemoryEventLog } from '../../../worker/events/store/memory-store.ts';
import { DeviceSyncState } from '../../../worker/sync/device-sync-state.ts';
import { ProjectSync } from '../../../worker/sync/project-sync.ts';
import { deriveSpaceCredentials, makeSpaceSecret } from '../../../worker/sync/space-secret.ts';
import { SyncError } from '../../../worker/sync/sync-errors.ts';
import { type SyncClock, SyncRetry } from '../../../worker/sync/sync-retry.ts';
import { SyncService } from '../../../worker/sync/sync-service.ts';
import { createSpace, type SpaceConnection } from '../../../worker/sync/sync-space.ts';
import { openTestStore, startTestServer } from '../server/sync/harness.ts';
import type { SyncLimits } from '../../../server/sync/sync-options.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/**
 * Time that passes only when the test says: each sleeper is woken when the clock reaches
 * its time, and the clock waits for the loop it woke to sleep again before going on.
 */
class VirtualClock implements SyncClock {
  time = 0;
  /** Every wait asked for, in ms. */
  readonly waits: number[] = [];
  private readonly sleepers = new Set<{ at: number; wake: () => void }>();
  private slept: (() => void) | undefined;

  now = () => this.time;
  random = () => 0.5;

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    this.waits.push(ms);
    return new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const sleeper = {
        at: this.time + ms,
        wake: () => {
          this.sleepers.delete(sleeper);
          resolve();
        },
      };
      signal.addEventListener('abort', sleeper.wake, { once: true });
      this.sleepers.add(sleeper);
      const slept = this.slept;
      this.slept = undefined;
      slept?.();
    });
  }

  get sleeping(): number {
    return this.sleepers.size;
  }

  /** Lets `ms` of virtual time pass; `settled` resolves when a woken loop waits for the person instead. */
  async run(ms: number, settled: () => Promise<void>): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const next = [...this.sleepers].sort((a, b) => a.at - b.at)[0];
      if (!next || next.at > end) {
        this.time = end;
        return;
      }
      this.time = next.at;
      const asleep = new Promise<void>((resolve) => (this.slept = resolve));
      next.wake();
      await Promise.race([asleep, settled()]);
    }
  }
}

async function server(limits: Partial<SyncLimits> = {}) {
  const opened = await openTestStore('sqlite');
  const running = await startTestServer(opened.store, limits);
  cleanups.push(async () => {
    await running.close();
    await opened.dispose();
  });
  return running;
}

/** Every request a connection makes, as `METHOD path`. */
function counted(connection: SpaceConnection): { connection: SpaceConnection; requests: string[] } {
  const requests: string[] = [];
  const fetcher: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    requests.push(`${init?.method ?? 'GET'} ${new URL(url).pathname.replace(/^.*\/streams\//, '')}`);
    return fetch(input, init);
  };
  return { connection: { ...connection, fetch: fetcher }, requests };
}

/** One project's sync on a virtual clock; `stopped()` resolves when a loop next waits for the person. */
async function projectSync(connection: SpaceConnection, reachable: () => void = () => undefined) {
  const clock = new VirtualClock();
  let onChange = () => undefined as void;
  const retry = new SyncRetry(clock, () => onChange());
  const stopped = () =>
    new Promise<void>((resolve) => {
      if (retry.refusals.length > 0) return resolve();
      onChange = () => {
        if (retry.refusals.length > 0) resolve();
      };
    });
  const db = new OrchestraDb(`sync-retry-${ulid()}`);
  const failures: SyncError[] = [];
  const sync = await ProjectSync.open(
    {
      connection,
      store: new MemoryEventLog(),
      state: new DeviceSyncState(db),
      retry,
      changed: () => undefined,
      reachable,
      failed: (error) => failures.push(error),
      diverged: () => undefined,
    },
    ulid(),
  );
  // The database stays open: stop() does not wait for a read already under way, and
  // that read failing on a closed database is an unhandled rejection (sync-service.test.ts).
  cleanups.push(() => sync.stop());
  return { clock, retry, stopped, sync, failures };
}

const minute = 60_000;

describe('a refusal for good is sent once and waits for the person', () => {
  test('a token the space does not know: one request, the sentence, nothing more for ten minutes; Try again sends one', async () => {
    const { url } = await server();
    const { connection: real } = await createSpace(url);
    const stranger = await deriveSpaceCredentials(makeSpaceSecret());
    const { connection, requests } = counted({ ...real, token: stranger.token });
    const { clock, retry, stopped, sync, failures } = await projectSync(connection);

    sync.start();
    await stopped();
    expect(requests).toHaveLength(1);
    expect(retry.refusals.map((error) => error.kind)).toEqual(['wrong_secret']);
    expect(retry.refusals[0]!.message).toContain("does not accept this device's secret");
    expect(failures.at(-1)?.retryable).toBe(false);
    // Nothing waits on the clock: no time that passes brings another request.
    expect(clock.sleeping).toBe(0);
    await clock.run(10 * minute, stopped);
    expect(requests).toHaveLength(1);

    // The person presses Try again: exactly one more request, refused as before.
    const again = new Promise<void>((resolve) => {
      const check = () => (requests.length === 2 && retry.refusals.length === 1 ? resolve() : setTimeout(check, 10));
      check();
    });
    retry.wake();
    await again;
    await clock.run(10 * minute, stopped);
    expect(requests).toHaveLength(2);
    expect(retry.refusals.map((error) => error.kind)).toEqual(['wrong_secret']);
  });
});

describe('a passing failure backs off, growing to a cap, never under Retry-After', () => {
  test('a server that is gone: a handful of requests in ten minutes, each wait longer up to 30 s', async () => {
    const running = await server();
    const { connection: real } = await createSpace(running.url);
    await running.close();
    const { connection, requests } = counted(real);
    const { clock, stopped, sync, failures } = await projectSync(connection);

    const firstSleep = new Promise<void>((resolve) => {
      const check = () => (clock.sleeping > 0 ? resolve() : setTimeout(check, 10));
      check();
    });
    sync.start();
    await firstSleep;
    await clock.run(10 * minute, stopped);
    // One a second would be 600; doubling from 0.5 s up to 30 s is about 25.
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.length).toBeLessThan(40);
    expect(failures.every((error) => error.kind === 'unreachable')).toBe(true);
    for (let i = 1; i < clock.waits.length; i += 1) expect(clock.waits[i]!).toBeGreaterThanOrEqual(clock.waits[i - 1]!);
    expect(Math.max(...clock.waits)).toBeLessThanOrEqual(30_000);
    expect(clock.waits.at(-1)).toBeGreaterThan(15_000);
  });

  test('rate limited: each wait is at least the server’s Retry-After', async () => {
    const { url } = await server({ requestsPerMinute: 0 });
    const { connection: real } = await createSpace(url);
    const { connection, requests } = counted(real);
    const { clock, stopped, sync, failures } = await projectSync(connection);

    const firstSleep = new Promise<void>((resolve) => {
      const check = () => (clock.sleeping > 0 ? resolve() : setTimeout(check, 10));
      check();
    });
    sync.start();
    await firstSleep;
    await clock.run(10 * minute, stopped);
    expect(failures.every((error) => error.kind === 'rate_limited')).toBe(true);
    expect(Math.min(...clock.waits)).toBeGreaterThanOrEqual(59_000);
    expect(requests.length).toBeLessThanOrEqual(11);
  });

  test('a read that fails once open (503 after the first batch): our backoff, not the client’s, tries it again', async () => {
    const { url } = await server();
    const { connection: real } = await createSpace(url);
    // The first read of the stream is answered; every read after it, the long-poll
    // the open read goes on with included, is a 503, sent once the first batch was
    // taken in (the open read, then its batch: the loop heard the server twice).
    let reads = 0;
    let refused = 0;
    let answers = 0;
    let batchTaken = () => undefined as void;
    const taken = new Promise<void>((resolve) => (batchTaken = resolve));
    const fetcher: typeof fetch = async (input, init) => {
      const target = new URL(input instanceof Request ? input.url : String(input));
      if ((init?.method ?? 'GET') === 'GET' && target.pathname.includes('/streams/projects/')) {
        reads += 1;
        if (reads > 1) {
          await taken;
          refused += 1;
          const body = JSON.stringify({ error: 'unavailable', message: 'Down for a moment.' });
          return new Response(body, { status: 503, headers: { 'content-type': 'application/json' } });
        }
      }
      return fetch(input, init);
    };
    const { clock, stopped, sync, failures } = await projectSync({ ...real, fetch: fetcher }, () => {
      answers += 1;
      if (answers === 2) batchTaken();
    });

    // Either our loop sleeps, or the client keeps retrying on its own (as it did).
    const settled = new Promise<void>((resolve) => {
      const check = () => (clock.sleeping > 0 || refused >= 3 ? resolve() : setTimeout(check, 10));
      check();
    });
    sync.start();
    await settled;
    expect(refused).toBe(1);
    expect(clock.waits).toEqual([375]);
    expect(failures.map((error) => error.kind)).toEqual(['server_error']);
    expect(failures[0]!.message).toContain('Down for a moment.');

    await clock.run(10 * minute, stopped);
    // 0.5 s doubling to the 30 s cap, at the middle of each jitter range: the sum of
    // these waits is 9 min 46 s; the next would pass ten minutes.
    const schedule = [375, 750, 1500, 3000, 6000, 12_000, ...Array<number>(25).fill(22_500)];
    expect(clock.waits).toEqual([...schedule, 22_500]);
    expect(refused).toBe(schedule.length + 1);
    expect(failures).toHaveLength(schedule.length + 1);
    expect(failures.every((error) => error.kind === 'server_error')).toBe(true);
  });

  test('the wait honours Retry-After and grows with each failure in a row', () => {
    const retry = new SyncRetry({ now: () => 0, sleep: () => Promise.resolve(), random: () => 0 });
    const passing = new SyncError('server_error', 'down', true);
    expect([0, 1, 2, 3, 10].map((attempt) => retry.delayFor(passing, attempt))).toEqual([250, 500, 1000, 2000, 15_000]);
    expect(retry.delayFor(new SyncError('rate_limited', 'slow', true, 12_000), 0)).toBe(12_000);
  });
});

describe('the device’s sync status keeps a refusal in view', () => {
  test('a project past the space’s stream quota: the sentence stays while the index answers, until Try again', async () => {
    const { url } = await server({ maxSpaceStreams: 1 });
    const db = new OrchestraDb(`sync-retry-service-${ulid()}`);
    const engine = createEngine(db);
    const puts: string[] = [];
    const fetcher: typeof fetch = (input, init) => {
      const target = input instanceof Request ? input.url : String(input);
      if (init?.method === 'PUT' && target.includes('/streams/projects/')) puts.push(target);
      return fetch(input, init);
    };
    const sync = new SyncService(engine, { scanMs: 50, fetch: fetcher, clock: new VirtualClock() });
    // The database stays open: stop() does not wait for a read already under way, and
    // that read failing on a closed database is an unhandled rejection (sync-service.test.ts).
    cleanups.push(() => sync.stop());
    await engine.store.append(ulid(), [
      {
        type: 'project-create',
        actor: { kind: 'user' },
        payload: { name: 'Shop', description: 'A shop', template: null, budgetUsd: 5 },
      },
    ]);
    const status = (ok: (state: ReturnType<SyncService['current']>) => boolean) =>
      new Promise<ReturnType<SyncService['current']>>((resolve) => {
        const check = () => (ok(sync.current()) ? resolve(sync.current()) : undefined);
        const unsubscribe = sync.onChange(() => {
          if (ok(sync.current())) {
            unsubscribe();
            resolve(sync.current());
          }
        });
        check();
      });

    await sync.create(url, 'laptop');
    const failed = await status((state) => state.state === 'failed');
    expect(failed.message).toContain('past its quota of projects');
    expect(puts).toHaveLength(1);
    // The index stream answers meanwhile (its long-poll, the announcement): the sentence stays.
    await status((state) => state.projects === 1);
    expect(sync.current()).toMatchObject({ state: 'failed', message: failed.message });
    expect(puts).toHaveLength(1);

    sync.retryNow();
    await status((state) => state.state !== 'failed');
    await status((state) => state.state === 'failed');
    expect(puts).toHaveLength(2);
    expect(sync.current().message).toContain('past its quota of projects');

    // Leaving the space (a settings change) ends it.
    await sync.leave();
    expect(sync.current()).toMatchObject({ state: 'off', message: null });
  });
});
