/**
 * What the orchestrator (`orchestrator.ts`) needs of the engine, and no more: the event
 * log of the projects it writes, the notices the log cannot carry (a full disk), and
 * three reads of what this device has learned and set — its price edits, the router's
 * records, and which projects were imported. `orchestratorDepsOf` reads them from the
 * engine's IndexedDB; a test builds them over the in-memory log instead.
 */
import type { Engine } from '../engine.ts';
import type { OrchestraEvent } from '../events/catalog.ts';
import { eventsOfType } from '../events/log-table.ts';
import type { EventLog } from '../events/store/contract.ts';
import { type ImportedProject, importedProjects } from '../projects/imported-projects.ts';
import type { ProjectNotices } from '../projects/project-notices.ts';
import type { PriceEdit } from '../settings/price-edit.ts';
import { readPriceEdits } from '../settings/price-store.ts';

export type RouteRecordEvent = Extract<OrchestraEvent, { type: 'route-record' }>;

export interface OrchestratorDeps {
  /** The event log of every project this tab writes. */
  store: EventLog;
  /** Told when a project's write fails for want of room: its run halts at once. */
  notices: Pick<ProjectNotices, 'listen'>;
  /** The device's price edits, in the order they were made (Settings › Model prices). */
  priceEdits(): Promise<PriceEdit[]>;
  /** Every `route-record` event on this device, each project's in log order. */
  routeRecords(): Promise<RouteRecordEvent[]>;
  /** The projects imported onto this device, by id: their records teach only if the person chose so. */
  importedProjects(): Promise<ReadonlyMap<string, ImportedProject>>;
}

/** The orchestrator's dependencies, read from the engine's database. */
export function orchestratorDepsOf(engine: Engine): OrchestratorDeps {
  return {
    store: engine.store,
    notices: engine.notices,
    priceEdits: () => readPriceEdits(engine.db),
    routeRecords: () => eventsOfType(engine.db, 'route-record'),
    importedProjects: () => importedProjects(engine.db),
  };
}
