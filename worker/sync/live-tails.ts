import type { ProjectSync } from './project-sync.ts';

/**
 * Long-polls held open at once besides the index's. Over HTTP/1.1 a browser opens at
 * most six connections to one server: with one long-poll per project, a seventh project
 * would leave no connection for a push, a read or a proxied model call.
 */
export const defaultMaxLive = 3;

/**
 * Which followed projects' tails hold a long-poll (live) and which are polled: the
 * projects another device wrote to most recently are live, at most `max` of them.
 */
export class LiveTails {
  /** When another device's events last arrived for each project (a counter): the latest keep live tails. */
  private readonly lastActive = new Map<string, number>();
  private activity = 0;

  /** `projects`: the projects followed, by id. */
  constructor(
    private readonly max: number,
    private readonly projects: ReadonlyMap<string, ProjectSync>,
  ) {}

  private liveCount(): number {
    let live = 0;
    for (const sync of this.projects.values()) if (sync.isLive) live += 1;
    return live;
  }

  /** Whether a project followed from now tails live: a live slot is free. */
  free(): boolean {
    return this.liveCount() < this.max;
  }

  /** A project is followed from now: two follows at once may both have seen a free slot. */
  added(sync: ProjectSync): void {
    if (sync.isLive && this.liveCount() > this.max) sync.setLive(false);
  }

  /**
   * Another device writes the project now: its tail goes live, and if that is one too
   * many, the live tail whose project heard from another device longest ago is polled.
   */
  promote(projectId: string): void {
    this.lastActive.set(projectId, (this.activity += 1));
    const sync = this.projects.get(projectId);
    if (!sync || sync.isLive || this.max <= 0) return;
    if (this.liveCount() >= this.max) {
      let coldest: ProjectSync | undefined;
      let coldestAt = Number.POSITIVE_INFINITY;
      for (const [id, other] of this.projects) {
        const at = this.lastActive.get(id) ?? 0;
        if (other.isLive && at < coldestAt) [coldest, coldestAt] = [other, at];
      }
      coldest?.setLive(false);
    }
    sync.setLive(true);
  }

  /** The project is no longer followed. */
  forget(projectId: string): void {
    this.lastActive.delete(projectId);
  }

  /** No project is followed any more. */
  clear(): void {
    this.lastActive.clear();
  }
}
