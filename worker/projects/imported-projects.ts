import type { OrchestraDb } from '../db/database.ts';

/*
 * Which projects on this device came from elsewhere (an imported bundle), and whether the
 * person chose, at import, to let the device's router learn from their routing records.
 * Device-local: a row of `meta`, never an event of the project, so nothing inside a bundle
 * can say it was made here. The router trusts a project's records only when it has no row.
 */

const prefix = 'imported-project:';

export interface ImportedProject {
  projectId: string;
  /** Learn quality and latency from its routing records (never prices, models or cost). */
  learnRouting: boolean;
  importedAt: number;
}

/** Records that a project is being imported; written before its events, so a crash in between errs safe. */
export async function markImported(db: OrchestraDb, projectId: string, learnRouting: boolean): Promise<void> {
  const value: ImportedProject = { projectId, learnRouting, importedAt: Date.now() };
  await db.meta.put({ key: `${prefix}${projectId}`, value });
}

/** Forgets the mark (the project was deleted, or its import refused). */
export async function unmarkImported(db: OrchestraDb, projectId: string): Promise<void> {
  await db.meta.delete(`${prefix}${projectId}`);
}

/** Every imported project of this device, by id. */
export async function importedProjects(db: OrchestraDb): Promise<Map<string, ImportedProject>> {
  const rows = await db.meta.where('key').startsWith(prefix).toArray();
  const projects = new Map<string, ImportedProject>();
  for (const row of rows) {
    const value = row.value as Partial<ImportedProject> | undefined;
    if (typeof value?.projectId !== 'string') continue;
    projects.set(value.projectId, {
      projectId: value.projectId,
      learnRouting: value.learnRouting === true,
      importedAt: typeof value.importedAt === 'number' ? value.importedAt : 0,
    });
  }
  return projects;
}
