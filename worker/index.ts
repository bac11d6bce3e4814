/// <reference lib="webworker" />
import { expose } from 'comlink';
import { createWorkerApi } from './api.ts';
import { OrchestraDb } from './db/database.ts';

const db = new OrchestraDb();
expose(
  createWorkerApi({
    db,
    storage: self.navigator.storage,
    appOrigin: self.location.origin,
    // Its own chunk, loaded on the first provider command; each SDK loads later still.
    providers: async (options) => {
      const { ProviderService } = await import('./providers/provider-service.ts');
      return new ProviderService(db, options);
    },
  }),
);
