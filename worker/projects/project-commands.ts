import { ulid } from 'ulid';
import { type Result, fail, ok } from '../contract/result.ts';
import type { Engine } from '../engine.ts';
import type { OrchestraEvent } from '../events/catalog.ts';
import { joinKey } from '../events/projections/project-state.ts';
import type { ProjectRow } from '../events/projections/rows.ts';
import type { WriterRole } from '../events/writer-lock.ts';
import type { ProjectNotice } from './project-notices.ts';
import { type ProjectView, toProjectView } from './project-view.ts';
import { guarded, notWriter } from './command-guard.ts';
import type { RunSettings } from '../orchestrator/run-api.ts';

/** A new project: its name and description, and how its runs behave (defaults where left out). */
export interface NewProject extends Partial<RunSettings> {
  name: string;
  description: string;
}

/**
 * What a watcher of a project receives: new events in order, a change of this tab's role,
 * or a change of the project's notice (what the log cannot say: read it with the view).
 */
export type ProjectUpdate =
  | { kind: 'events'; events: OrchestraEvent[] }
  | { kind: 'role'; role: WriterRole }
  | { kind: 'notice'; notice: ProjectNotice | null };

/** The project commands of the worker API: each returns a Result, never throws across the door. */
export function createProjectCommands(engine: Engine) {
  const { store, feed, locks, db, timeTravel, notices } = engine;
  const watchers = new Map<number, () => void>();
  let nextWatcher = 1;

  return {
    createProject: (input: NewProject): Promise<Result<{ projectId: string }>> =>
      guarded(async () => {
        const projectId = ulid();
        await locks.claim(projectId);
        await store.append(
          projectId,
          [
            {
              type: 'project-create',
              actor: { kind: 'user' },
              payload: {
                name: input.name,
                description: input.description,
                template: input.template ?? null,
                budgetUsd: input.budgetUsd ?? null,
                preference: input.preference ?? 'balanced',
                maxParallel: input.maxParallel ?? 3,
                autoApprove: input.autoApprove ?? false,
              },
            },
          ],
          { expectedSeq: 0 },
        );
        return ok({ projectId });
      }),

    listProjects: (): Promise<Result<ProjectRow[]>> =>
      guarded(async () =>
        ok(
          await db.projects
            .orderBy('updatedAt')
            .reverse()
            .filter((project) => project.status !== 'deleted')
            .toArray(),
        ),
      ),

    /** Opens a project in this tab: claims the writer lock if free, or watches. */
    openProject: (projectId: string): Promise<Result<{ role: WriterRole; view: ProjectView }>> =>
      guarded(async () => {
        const view = toProjectView(await store.saved(projectId));
        if (!view) return fail('not_found', 'There is no such project on this device.');
        return ok({ role: await locks.claim(projectId), view });
      }),

    sendMessage: (projectId: string, text: string): Promise<Result<{ seq: number }>> =>
      guarded(async () => {
        if (locks.role(projectId) !== 'writer') return notWriter();
        const [event] = await store.append(projectId, [
          { type: 'user-message', actor: { kind: 'user' }, payload: { messageId: ulid(), text } },
        ]);
        return ok({ seq: event?.seq ?? 0 });
      }),

    /** Streams a project's events after `afterSeq` (and role changes) to `listener` until `unwatch`. */
    watchProject(projectId: string, afterSeq: number, listener: (update: ProjectUpdate) => unknown): number {
      const id = nextWatcher++;
      const send = (update: ProjectUpdate) => {
        // The listener lives in the page (a Comlink proxy): a closed page must not break the feed.
        Promise.resolve(listener(update)).catch(() => stop());
      };
      const stopFeed = feed.subscribe(projectId, afterSeq, (events) => send({ kind: 'events', events }));
      const stopRole = locks.onChange(projectId, (role) => send({ kind: 'role', role }));
      // The role as it is now, first: the lock may have passed to this tab between the page's
      // `openProject` (which answered "observer") and this call, and that change is not
      // told again; without this the page would show a writer as a watcher for good.
      const role = locks.role(projectId);
      if (role) send({ kind: 'role', role });
      const stopNotices = notices.listen((about, notice) => {
        if (about === projectId) send({ kind: 'notice', notice: notice ?? null });
      });
      const current = notices.get(projectId);
      if (current) send({ kind: 'notice', notice: current });
      const stop = () => {
        stopFeed();
        stopRole();
        stopNotices();
        watchers.delete(id);
      };
      watchers.set(id, stop);
      return id;
    },

    unwatch(id: number): void {
      watchers.get(id)?.();
    },

    readEvents: (projectId: string, fromSeq: number, toSeq: number): Promise<Result<OrchestraEvent[]>> =>
      guarded(async () => ok(await store.read(projectId, fromSeq, toSeq))),

    /** The text of a file version (the latest when `version` is left out). */
    artifactContent: (projectId: string, path: string, version?: number): Promise<Result<string>> =>
      guarded(async () => {
        const state = await store.load(projectId);
        const latest = state.artifacts.get(path);
        const row = latest && state.artifactVersions.get(joinKey(path, String(version ?? latest.latest)));
        if (!row)
          return fail(
            'not_found',
            `There is no version ${version ?? ''} of ${path} in this project.`.replace('  ', ' '),
          );
        if (row.deleted) {
          return fail('not_found', `${path} was deleted in version ${row.version}: ${row.deleted.reason}`);
        }
        const text = await store.blob(row.contentHash);
        return text === undefined ? fail('not_found', `The text of ${path} is not on this device.`) : ok(text);
      }),

    /** The project as it was right after event `seq` (time travel). */
    projectAt: (projectId: string, seq: number): Promise<Result<ProjectView>> =>
      guarded(async () => {
        const view = toProjectView(await timeTravel.stateAt(projectId, seq));
        return view ? ok(view) : fail('not_found', 'The project did not exist yet at that point.');
      }),
  };
}

export type ProjectCommands = ReturnType<typeof createProjectCommands>;
