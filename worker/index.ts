/// <reference lib="webworker" />
import { expose } from 'comlink';
import { createWorkerApi } from './api.ts';
import { OrchestraDb } from './db/database.ts';
import { createEngine } from './engine.ts';

const db = new OrchestraDb();
const engine = createEngine(db, { locks: self.navigator.locks, channel: new BroadcastChannel('orchestra-events') });
expose(
  createWorkerApi({
    db,
    engine,
    storage: self.navigator.storage,
    appOrigin: self.location.origin,
    orchestrator: { outputChannel: new BroadcastChannel('orchestra-output') },
    sync: { locks: self.navigator.locks },
    settingsChannel: new BroadcastChannel('orchestra-settings'),
    // Its own chunk, loaded on the first provider command; each SDK loads later still.
    providers: async (options) => {
      const { ProviderService } = await import('./providers/provider-service.ts');
      return new ProviderService(db, options);
    },
  }),
);
