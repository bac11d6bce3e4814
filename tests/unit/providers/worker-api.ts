import { createWorkerApi } from '../../../worker/api.ts';
import type { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import { ProviderService } from '../../../worker/providers/provider-service.ts';

/** The worker API with its provider service, as worker/index.ts wires it. */
export function workerApiWithProviders(db: OrchestraDb, appOrigin = '') {
  return createWorkerApi({
    db,
    engine: createEngine(db),
    storage: undefined,
    appOrigin,
    providers: (options) => Promise.resolve(new ProviderService(db, options)),
  });
}
