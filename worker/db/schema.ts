import type { Transaction } from 'dexie';
import { ulid } from 'ulid';
import { foldEvents } from '../events/fold.ts';
import type { CommitRow } from '../events/log-table.ts';
import { costPages, pagedTables, pagesOf } from '../events/projections/materialize.ts';
import { Changes, type ProjectState, emptyProjectState } from '../events/projections/project-state.ts';
import { type Text, packsOf } from '../events/text-table.ts';

/**
 * Every schema the database has had, oldest first. A released entry is never edited:
 * a change is a new entry with the stores it changes and an upgrade that carries the
 * data of the previous version forward. Dexie runs each upgrade in order, so a device
 * that last opened version 1 walks through every later upgrade.
 */
export interface SchemaVersion {
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void>;
}

export const schemaHistory: readonly SchemaVersion[] = [
  // 1: settings as bare { key, value } rows.
  { version: 1, stores: { settings: 'key' } },
  // 2: settings remember when they changed; `meta` names this device's database.
  {
    version: 2,
    stores: { settings: 'key, updatedAt', meta: 'key' },
    upgrade: async (tx) => {
      const now = Date.now();
      await tx
        .table('settings')
        .toCollection()
        .modify((row: { updatedAt?: number }) => {
          row.updatedAt ??= now;
        });
      await tx.table('meta').put({ key: 'installId', value: ulid() });
    },
  },
  // 3: the event log and its read models (worker/events/). Nothing to carry forward.
  {
    version: 3,
    stores: {
      events: '[projectId+seq], &id, type',
      blobs: 'hash',
      snapshots: '[projectId+seq], projectId',
      projects: 'id, updatedAt',
      tasks: '[projectId+taskId], projectId',
      artifacts: '[projectId+path], projectId',
      artifactVersions: '[projectId+path+version], projectId, contentHash',
      sessions: '[projectId+runId], projectId',
      costs: '[projectId+reservationId], projectId',
      agentPerformance: '[projectId+role], projectId',
      banditArms: '[projectId+taskType+armId], projectId, [taskType+armId]',
      qualityMetrics: '[projectId+subjectKind+subjectId], projectId',
      routerPerformance: '[projectId+armId+taskType], projectId',
    },
  },
  // 4: provider connections, and API keys in a table of their own — never in settings,
  // so no settings export or sync can carry one. Nothing to carry forward: both are new.
  { version: 4, stores: { providerConfigs: 'provider', providerKeys: 'provider' } },
  // 5: a project's plan in a table of its own, out of the project row that every append
  // rewrites. Plans move out of the rows, and out of the project in the snapshots.
  {
    version: 5,
    stores: { plans: 'projectId' },
    upgrade: async (tx) => {
      const plans: object[] = [];
      await tx
        .table('projects')
        .toCollection()
        .modify((row: { id: string; plan?: object | null }) => {
          if (row.plan) plans.push({ ...row.plan, projectId: row.id });
          delete row.plan;
        });
      await tx.table('plans').bulkPut(plans);
      await tx
        .table('snapshots')
        .toCollection()
        .modify((row: { state: { plan?: object | null; project: { plan?: object | null } | null } }) => {
          row.state.plan = row.state.project?.plan ?? null;
          delete row.state.project?.plan;
        });
    },
  },
  // 6: the log as commits — one row per append, holding its events in order — in place
  // of one row per event. IndexedDB charges per request, so a 500-event append writes one
  // row, not 500 (worker/events/log-table.ts). The events move into commits of up to
  // 1,000; version 7 then drops the old table.
  {
    version: 6,
    stores: { commits: '[projectId+first], [projectId+last], *types' },
    upgrade: async (tx) => {
      let run: { projectId: string; seq: number; type: string }[] = [];
      const rows: object[] = [];
      const close = () => {
        const [head] = run;
        const tail = run[run.length - 1];
        if (head && tail) {
          rows.push({
            projectId: head.projectId,
            first: head.seq,
            last: tail.seq,
            types: [...new Set(run.map((event) => event.type))],
            events: run,
          });
        }
        run = [];
      };
      await tx
        .table('events')
        .toCollection()
        .each((event: { projectId: string; seq: number; type: string }) => {
          if (run.length === 1000 || (run.length > 0 && run[0]?.projectId !== event.projectId)) close();
          run.push(event);
        });
      close();
      await tx.table('commits').bulkAdd(rows);
    },
  },
  // 7: the per-event table is gone (its events are in `commits` since version 6).
  { version: 7, stores: { events: null } },
  // 8 and 9: fewer, bigger records, since IndexedDB charges by the request.
  // - The read models a page of rows at a time, keyed [projectId+page] (see
  //   worker/events/projections/materialize.ts). IndexedDB can't change a table's
  //   key, so 8 drops the tables and 9 makes them again, filled from the log.
  // - Texts a pack at a time (worker/events/text-table.ts): 8 moves them into `texts`,
  //   9 drops `blobs`.
  {
    version: 8,
    upgrade: async (tx) => {
      const texts: Text[] = [];
      await tx.table('blobs').each((row: Text) => texts.push({ hash: row.hash, content: row.content }));
      await tx.table('texts').bulkAdd(packsOf(texts));
    },
    stores: {
      texts: '++pack, *hashes',
      tasks: null,
      artifacts: null,
      artifactVersions: null,
      sessions: null,
      costs: null,
      agentPerformance: null,
      banditArms: null,
      qualityMetrics: null,
      routerPerformance: null,
    },
  },
  {
    version: 9,
    stores: {
      blobs: null,
      tasks: '[projectId+page], projectId',
      artifacts: '[projectId+page], projectId',
      artifactVersions: '[projectId+page], projectId',
      sessions: '[projectId+page], projectId',
      costs: '[projectId+page], projectId',
      agentPerformance: '[projectId+page], projectId',
      banditArms: '[projectId+page], projectId',
      qualityMetrics: '[projectId+page], projectId',
      routerPerformance: '[projectId+page], projectId',
    },
    upgrade: async (tx) => {
      // In key order, [projectId+first]: each project's events in sequence, one project
      // after another, folded as they come so only one state is held at a time.
      const pages: { table: string; rows: object[] }[] = [];
      let state: ProjectState | undefined;
      let everything = new Changes();
      const close = () => {
        if (!state) return;
        const folded = state;
        for (const table of pagedTables) pages.push({ table, rows: pagesOf(folded, table, everything.keys[table]) });
        pages.push({ table: 'costs', rows: costPages(folded, everything) });
      };
      await tx.table('commits').each((row: CommitRow) => {
        if (state?.projectId !== row.projectId) {
          close();
          everything = new Changes();
          state = emptyProjectState(row.projectId);
        }
        foldEvents(row.projectId, row.events, state, everything);
      });
      close();
      await Promise.all(pages.map(({ table, rows }) => tx.table(table).bulkPut(rows)));
    },
  },
  // 10: the events of this device's own settings (price edits), in the order they were made.
  { version: 10, stores: { deviceEvents: '++seq' } },
];

export const latestVersion = schemaHistory[schemaHistory.length - 1]?.version ?? 0;
