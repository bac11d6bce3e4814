import type { OrchestraEvent } from '../../../worker/events/catalog.ts';
import { MemoryEventLog, type MemoryEventLogOptions } from '../../../worker/events/store/memory-store.ts';
import type { OrchestratorDeps, RouteRecordEvent } from '../../../worker/orchestrator/orchestrator-deps.ts';
import { ProjectNotices } from '../../../worker/projects/project-notices.ts';
import type { PriceEdit } from '../../../worker/settings/price-edit.ts';

/**
 * The orchestrator's dependencies with no database: the in-memory event log, the
 * notices, and the device's price edits as given. The router's records are read from
 * the log itself (every project's `route-record` events); no project is imported.
 */
export function memoryOrchestratorDeps(
  options: { priceEdits?: PriceEdit[]; store?: MemoryEventLogOptions } = {},
): OrchestratorDeps & { store: MemoryEventLog; notices: ProjectNotices; projects: Set<string> } {
  /** The projects made on this log, whose records the router folds. */
  const projects = new Set<string>();
  const store = new MemoryEventLog({
    ...options.store,
    onAppend: (events: OrchestraEvent[]) => {
      for (const event of events) projects.add(event.projectId);
      options.store?.onAppend?.(events);
    },
  });
  return {
    store,
    notices: new ProjectNotices(),
    projects,
    priceEdits: () => Promise.resolve(options.priceEdits ?? []),
    routeRecords: async () => {
      const records: RouteRecordEvent[] = [];
      for (const projectId of projects) {
        for (const event of await store.read(projectId)) if (event.type === 'route-record') records.push(event);
      }
      return records;
    },
    importedProjects: () => Promise.resolve(new Map()),
  };
}
