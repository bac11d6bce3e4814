/**
 * What the engine must tell the person about a project that the log cannot say: the
 * disk is full (nothing can be written, so no event can carry the sentence), or this tab
 * could not pick up the run it became the writer of. Kept in memory, per project, and
 * pushed to the project's watchers as it changes.
 */
export interface ProjectNotice {
  kind: 'storage-full' | 'recovery';
  message: string;
}

type NoticeListener = (projectId: string, notice: ProjectNotice | undefined) => void;

/** The sentence for a write refused for quota: it names storage and says what to do. */
export const storageFullSentence =
  'This device is out of room for Orchestra: free space or delete old projects in Data, then Continue.';

export class ProjectNotices {
  readonly #notices = new Map<string, ProjectNotice>();
  readonly #listeners = new Set<NoticeListener>();

  get(projectId: string): ProjectNotice | undefined {
    return this.#notices.get(projectId);
  }

  set(projectId: string, notice: ProjectNotice): void {
    const current = this.#notices.get(projectId);
    if (current?.kind === notice.kind && current.message === notice.message) return;
    this.#notices.set(projectId, notice);
    this.#tell(projectId, notice);
  }

  /** Clears the project's notice (only one of `kind`, when given). */
  clear(projectId: string, kind?: ProjectNotice['kind']): void {
    const current = this.#notices.get(projectId);
    if (!current || (kind && current.kind !== kind)) return;
    this.#notices.delete(projectId);
    this.#tell(projectId, undefined);
  }

  /** Hears every change of any project's notice; returns the stop function. */
  listen(listener: NoticeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #tell(projectId: string, notice: ProjectNotice | undefined): void {
    for (const listener of this.#listeners) listener(projectId, notice);
  }
}
