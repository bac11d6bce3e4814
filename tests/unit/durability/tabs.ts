import { createWorkerApi } from '../../../worker/api.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import { ProviderService } from '../../../worker/providers/provider-service.ts';
import { mulberry32 } from '../../../worker/router/index.ts';

/**
 * The part of the Web Locks API the writer lock uses, as the spec defines it: exclusive
 * locks granted in request order, `ifAvailable` answered with null at once when held,
 * and a lock released when its callback's promise settles.
 */
export class MemoryLocks {
  private readonly held = new Set<string>();
  private readonly queues = new Map<string, (() => void)[]>();

  request(name: string, ...args: unknown[]): Promise<unknown> {
    const [options, callback] = (args.length === 1 ? [{}, args[0]] : args) as [
      { ifAvailable?: boolean },
      (lock: { name: string } | null) => Promise<unknown>,
    ];
    const run = async () => {
      this.held.add(name);
      try {
        return await callback({ name });
      } finally {
        this.held.delete(name);
        this.queues.get(name)?.shift()?.();
      }
    };
    if (!this.held.has(name)) return run();
    if (options.ifAvailable) return callback(null);
    return new Promise((resolve) => {
      const queue = this.queues.get(name) ?? [];
      queue.push(() => resolve(run()));
      this.queues.set(name, queue);
    });
  }
}

/**
 * A BroadcastChannel whose posts can be dropped: a tab whose last broadcast never
 * reached the others, as when it closes right after a commit.
 */
export class LossyChannel extends BroadcastChannel {
  dropping = false;
  dropped = 0;

  override postMessage(message: unknown): void {
    if (this.dropping) {
      this.dropped += 1;
      return;
    }
    super.postMessage(message);
  }
}

export interface Tab {
  api: ReturnType<typeof createWorkerApi>;
  db: OrchestraDb;
  channel: LossyChannel;
  /** The tab closes: its database connection goes (nothing more is written), then its locks. */
  close(projectId: string): void;
}

/** One tab's engine as worker/index.ts wires it, on a database and locks shared with the other tabs. */
export function openTab(dbName: string, locks: MemoryLocks, channelName: string): Tab {
  const db = new OrchestraDb(dbName);
  const channel = new LossyChannel(channelName);
  const engine = createEngine(db, { locks: locks as unknown as LockManager, channel });
  const api = createWorkerApi({
    db,
    engine,
    storage: undefined,
    appOrigin: '',
    providers: (options) => Promise.resolve(new ProviderService(db, options)),
    orchestrator: { random: mulberry32(7), templateDelayMs: 0 },
  });
  return {
    api,
    db,
    channel,
    close(projectId) {
      db.close();
      engine.locks.release(projectId);
      channel.close();
    },
  };
}
