import { createWorkerApi } from '../../../worker/api.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import type { ProviderAdapter } from '../../../worker/providers/contract/provider-adapter.ts';
import type { ProviderServiceApi } from '../../../worker/providers/contract/provider-service-api.ts';
import type { RunLimits } from '../../../worker/orchestrator/limits.ts';
import { ProviderService } from '../../../worker/providers/provider-service.ts';
import { mulberry32 } from '../../../worker/router/index.ts';
import type { MemoryLocks } from '../events/memory-locks.ts';

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
  /**
   * The tab dies (a crash, a killed browser): its connections to the providers drop at
   * once and it makes no call again, then it closes as above.
   */
  kill(projectId: string): void;
}

/**
 * A provider service whose calls all end when the tab dies: every stream in flight is
 * aborted (the connection drops, as the browser's would) and no call starts after.
 */
function killable(service: ProviderServiceApi): { service: ProviderServiceApi; kill(): void } {
  const dead = new AbortController();
  const wrap = (adapter: ProviderAdapter): ProviderAdapter => ({
    ...adapter,
    provider: adapter.provider,
    async *stream(request, signal) {
      if (dead.signal.aborted) throw new Error('This tab is gone.');
      yield* adapter.stream(request, AbortSignal.any([signal, dead.signal]));
    },
  });
  const api: ProviderServiceApi = {
    keys: service.keys,
    configs: () => service.configs(),
    updateConfig: (provider, patch) => service.updateConfig(provider, patch),
    testKey: (provider, signal) => service.testKey(provider, signal),
    fetchModels: (provider, signal) => service.fetchModels(provider, signal),
    readiness: () => service.readiness(),
    adapter: async (provider, observer) => wrap(await service.adapter(provider, observer)),
  };
  return { service: api, kill: () => dead.abort('killed') };
}

/** One tab's engine as worker/index.ts wires it, on a database and locks shared with the other tabs. */
export function openTab(
  dbName: string,
  locks: MemoryLocks,
  channelName: string,
  options: { limits?: Partial<RunLimits> } = {},
): Tab {
  const db = new OrchestraDb(dbName);
  const channel = new LossyChannel(channelName);
  const engine = createEngine(db, { locks: locks as unknown as LockManager, channel });
  let providers: ReturnType<typeof killable> | undefined;
  const api = createWorkerApi({
    db,
    engine,
    storage: undefined,
    appOrigin: '',
    providers: (options) => {
      providers ??= killable(new ProviderService(db, options));
      return Promise.resolve(providers.service);
    },
    orchestrator: { random: mulberry32(7), templateDelayMs: 0, ...(options.limits ? { limits: options.limits } : {}) },
  });
  const close = (projectId: string) => {
    db.close();
    engine.locks.release(projectId);
    channel.close();
  };
  return {
    api,
    db,
    channel,
    close,
    kill(projectId) {
      providers?.kill();
      close(projectId);
    },
  };
}
