import { ulid } from 'ulid';
import { type Result, fail, ok } from '../contract/result.ts';
import type { OrchestraDb } from '../db/database.ts';
import type { Engine } from '../engine.ts';
import type { OrchestraEvent } from '../events/catalog.ts';
import { BundleError, type ProjectBundle, bundleFormat, readBundle, referencedHashes } from '../events/bundle.ts';
import { eachRow } from '../events/projections/materialize.ts';
import { deleteTexts, readTexts } from '../events/text-table.ts';
import type { ArtifactVersionRow, TaskRow } from '../events/projections/rows.ts';
import { markImported, unmarkImported } from './imported-projects.ts';
import { toProjectView } from './project-view.ts';
import { guarded, notWriter } from './command-guard.ts';

export interface ProjectUsage {
  projectId: string;
  name: string;
  events: number;
  /** Approximate bytes, as JSON: what an export of each part would take. */
  eventBytes: number;
  blobBytes: number;
  snapshotBytes: number;
}

const terminal = new Set(['done', 'failed', 'cancelled']);

/** Texts that something other than `except` still needs: any artifact version, and checkpoints of unfinished tasks. */
async function hashesInUse(db: OrchestraDb, except: (projectId: string) => boolean): Promise<Set<string>> {
  const used = new Set<string>();
  await eachRow<ArtifactVersionRow>(db, 'artifactVersions', (version) => {
    if (!except(version.projectId)) used.add(version.contentHash);
  });
  await eachRow<TaskRow>(db, 'tasks', (task) => {
    if (!except(task.projectId) && task.checkpointHash && !terminal.has(task.status)) used.add(task.checkpointHash);
  });
  return used;
}

function fileNameFor(name: string): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'project';
  return `${slug}.orchestra.json`;
}

/** Export, import, delete, compaction and storage figures: each returns a Result. */
export function createHousekeeping(engine: Engine) {
  const { db, store, locks } = engine;

  // A bundle that fails its checks is the person's input, said as such.
  const bundleRefused = (error: unknown) =>
    error instanceof BundleError ? fail('bad_input', error.message) : undefined;

  const refuseIfWatching = (projectId: string) => (locks.role(projectId) === 'observer' ? notWriter() : undefined);

  return {
    /** The portable run bundle of a project, as JSON text and a file name. Holds no keys or settings. */
    exportProject: (projectId: string): Promise<Result<{ fileName: string; text: string }>> =>
      guarded(async () => {
        const events = await store.read(projectId);
        const project = toProjectView(await store.saved(projectId))?.project;
        if (!project || events.length === 0) return fail('not_found', 'There is no such project on this device.');
        const hashes = [...new Set(events.flatMap(referencedHashes))];
        const texts = await readTexts(db, hashes);
        const blobs = hashes.flatMap((hash) => {
          const content = texts.get(hash);
          return content === undefined ? [] : [{ hash, content }];
        });
        const bundle: ProjectBundle = {
          format: bundleFormat,
          formatVersion: 1,
          exportedAt: new Date().toISOString(),
          projectId,
          events,
          blobs,
        };
        return ok({ fileName: fileNameFor(project.name), text: JSON.stringify(bundle) });
      }),

    /**
     * Imports a bundle after checking all of it; a refused file changes nothing. A
     * project already on this device is refused unless imported as a copy (new ids).
     * Its routing records stay with it: this device's router learns from them (quality
     * and latency only, never prices or models) only with `learnRouting`.
     */
    importProject: (
      text: string,
      options: { asCopy: boolean; learnRouting?: boolean } = { asCopy: false },
    ): Promise<Result<{ projectId: string; events: number }>> =>
      guarded(async () => {
        const bundle = await readBundle(text);
        let { projectId, events } = bundle;
        if (options.asCopy) {
          projectId = ulid();
          events = events.map((event) => ({ ...event, id: ulid(), projectId }));
        } else if ((await store.headSeq(projectId)) > 0) {
          return fail('bad_input', 'This project is already on this device. Import it as a copy to keep both.');
        }
        // Marked before its events land: a crash in between leaves a mark, never trusted records.
        await markImported(db, projectId, options.learnRouting === true);
        try {
          await store.importLog(projectId, events, bundle.blobs);
        } catch (error) {
          await unmarkImported(db, projectId);
          throw error;
        }
        // A copy says so in its name, so the two are told apart in Projects; the log keeps
        // the original's history and records the rename as its own event.
        if (options.asCopy) {
          await store.append(projectId, [
            {
              type: 'project-update',
              actor: { kind: 'system', component: 'import' },
              payload: { name: copyName(currentName(events)) },
            },
          ]);
        }
        return ok({ projectId, events: events.length });
      }, bundleRefused),

    /** Deletes a project with all its events, read models and the texts nothing else uses. */
    deleteProject: (projectId: string): Promise<Result<{ projectId: string }>> =>
      guarded(async () => {
        const refused = refuseIfWatching(projectId);
        if (refused) return refused;
        const events = await store.read(projectId);
        if (events.length === 0) return fail('not_found', 'There is no such project on this device.');
        const inUse = await hashesInUse(db, (id) => id === projectId);
        const own = new Set(events.flatMap(referencedHashes));
        await store.deleteLog(
          projectId,
          [...own].filter((hash) => !inUse.has(hash)),
        );
        await unmarkImported(db, projectId);
        locks.release(projectId);
        return ok({ projectId });
      }),

    /**
     * Drops the partial-output texts of tasks that have finished: their final output is
     * in the artifacts. The checkpoint events stay (the log is never edited); their text
     * reads as compacted.
     */
    compactProject: (projectId: string): Promise<Result<{ textsRemoved: number; bytesFreed: number }>> =>
      guarded(async () => {
        const refused = refuseIfWatching(projectId);
        if (refused) return refused;
        const state = await store.load(projectId);
        const finished = new Set(
          [...state.tasks.values()].filter((task) => terminal.has(task.status)).map((task) => task.taskId),
        );
        const candidates = new Set<string>();
        for (const event of await store.read(projectId)) {
          if (event.type === 'task-checkpoint' && finished.has(event.payload.taskId))
            candidates.add(event.payload.textHash);
        }
        const inUse = await hashesInUse(db, () => false);
        const removable = [...candidates].filter((hash) => !inUse.has(hash));
        const removed = await db.transaction('rw', 'texts', () => deleteTexts(db, removable));
        store.forgetBlobs(removed.map((text) => text.hash));
        return ok({
          textsRemoved: removed.length,
          bytesFreed: removed.reduce((sum, text) => sum + text.content.length, 0),
        });
      }),

    /** How much each project takes on this device. */
    storageUsage: (): Promise<Result<ProjectUsage[]>> =>
      guarded(async () => {
        const usage: ProjectUsage[] = [];
        for (const project of await db.projects.toArray()) {
          const events = await store.read(project.id);
          const hashes = [...new Set(events.flatMap(referencedHashes))];
          const texts = await readTexts(db, hashes);
          let snapshotBytes = 0;
          await db.snapshots
            .where('projectId')
            .equals(project.id)
            .each((snapshot) => (snapshotBytes += JSON.stringify(toProjectView(snapshot.state)).length));
          usage.push({
            projectId: project.id,
            name: project.name,
            events: events.length,
            eventBytes: events.reduce((sum, event) => sum + JSON.stringify(event).length, 0),
            blobBytes: [...texts.values()].reduce((sum, content) => sum + content.length, 0),
            snapshotBytes,
          });
        }
        return ok(usage.sort((a, b) => b.eventBytes + b.blobBytes - (a.eventBytes + a.blobBytes)));
      }),
  };
}

export type Housekeeping = ReturnType<typeof createHousekeeping>;

/** The project's name as its log last set it. */
function currentName(events: readonly OrchestraEvent[]): string {
  let name = 'Project';
  for (const event of events) {
    if (event.type === 'project-create') name = event.payload.name;
    else if (event.type === 'project-update' && event.payload.name) name = event.payload.name;
  }
  return name;
}

/**
 * "Notes" becomes "Notes (copy)"; a copy of a copy stays "Notes (copy)" rather than
 * growing a suffix per import. Names keep within the 200 characters the schema allows.
 * @example copyName('Notes') // "Notes (copy)"
 */
export function copyName(name: string): string {
  const base = name.endsWith(' (copy)') ? name.slice(0, -' (copy)'.length) : name;
  return `${base.slice(0, 200 - ' (copy)'.length)} (copy)`;
}
