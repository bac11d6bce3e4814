/// <reference lib="webworker" />
import { expose } from 'comlink';
import { createWorkerApi } from './api.ts';
import { OrchestraDb } from './db/database.ts';

expose(createWorkerApi({ db: new OrchestraDb(), storage: self.navigator.storage, appOrigin: self.location.origin }));
