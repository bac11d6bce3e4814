/** What the engine reports about itself; shown on the Data view and in the header. */
export interface WorkerHealth {
  /** `ready` once the database is open; `degraded` when storage could not be opened. */
  status: 'ready' | 'degraded';
  startedAt: number;
  database: DatabaseHealth;
  /** `navigator.storage.estimate()`, or null where the browser does not offer it. */
  storage: { usageBytes: number; quotaBytes: number } | null;
  /** `navigator.storage.persisted()`, or null where the browser does not offer it. */
  persisted: boolean | null;
}

export type DatabaseHealth =
  | { open: true; name: string; version: number; tables: string[]; installId: string }
  | { open: false; name: string; message: string };
