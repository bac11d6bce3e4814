/**
 * Whether a later call is expected to read a task's prompt prefix from the prompt cache.
 * Anthropic bills a cache write at 1.25× the input price and a read at 0.1×: writing a
 * prefix pays when another call reads it, and costs a quarter more when none does. The
 * prefix (system prompt, project, upstream files) is shared by the calls of one role in
 * one project, so a later read is expected while another task of the role is still to be
 * routed. The last task of a role (the run's only review, say) is not expected to be read
 * after; the Anthropic adapter then marks its prefix only to read what an earlier call
 * cached (worker/providers/anthropic/cache-ledger.ts).
 *
 * Not counted: a review that finds problems adds fixes and a second review, which could
 * read the first one's prefix, but only after the fixes are done, often past the cache's
 * five minutes. Nor is the model: a task still to be routed may go to another one, and
 * whether a model tried by exploration is tried again is the router's draw (the costs
 * bench sees one or two of eight test-writer tasks go to Opus, about where a write pays).
 */
import type { ProjectState } from '../events/projections/project-state.ts';
import type { TaskRow, TaskStatus } from '../events/projections/rows.ts';

/** Tasks the scheduler has yet to route. */
const unrouted: ReadonlySet<TaskStatus> = new Set(['pending', 'scheduled', 'interrupted']);

/**
 * Whether a task of `task`'s role other than it is yet to be routed.
 *
 * @example
 * const cache = { key, stablePrefixChars, readLater: readLaterExpected(state, task) };
 */
export function readLaterExpected(state: ProjectState, task: TaskRow): boolean {
  for (const other of state.tasks.values()) {
    if (other.role === task.role && other.taskId !== task.taskId && unrouted.has(other.status)) return true;
  }
  return false;
}
