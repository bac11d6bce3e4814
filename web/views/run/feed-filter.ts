import type { EventType, OrchestraEvent, PauseKind } from '../../../worker/api.ts';

export type FeedFilter = 'all' | 'agents' | 'you' | 'problems' | 'costs';

export const feedFilters: readonly { id: FeedFilter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'agents', label: 'Agents' },
  { id: 'you', label: 'You' },
  { id: 'problems', label: 'Problems' },
  { id: 'costs', label: 'Costs' },
];

const problemTypes = new Set<EventType>(['error-report', 'task-fail', 'task-interrupt', 'cost-violate']);
const troublePauses = new Set<PauseKind>(['budget', 'failure', 'loop', 'limit', 'keys', 'no-model', 'fault']);
const costTypes = new Set<EventType>(['cost-reserve', 'cost-settle', 'cost-release', 'cost-violate', 'budget-change']);

/**
 * Whether an event belongs under a feed filter.
 * @example matchesFilter(userMessage, 'you') // true
 */
export function matchesFilter(event: OrchestraEvent, filter: FeedFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'agents':
      return event.actor.kind === 'agent';
    case 'you':
      return event.actor.kind === 'user';
    case 'problems':
      return (
        problemTypes.has(event.type) ||
        (event.type === 'artifact-validate' && event.payload.status === 'invalid') ||
        (event.type === 'run-pause' && event.payload.kind !== undefined && troublePauses.has(event.payload.kind)) ||
        (event.type === 'run-stop' && event.payload.outcome !== 'completed' && event.payload.outcome !== 'cancelled')
      );
    case 'costs':
      return costTypes.has(event.type);
  }
}

/** What the feed leaves out unless asked. */
export interface FeedOptions {
  /** Routing choices withdrawn before any call (the task was cancelled or paused first). */
  showWithdrawn?: boolean;
}

const endsTask = new Set<EventType>(['task-complete', 'task-fail', 'task-interrupt', 'task-cancel']);

const isWithdrawn = (event: OrchestraEvent) =>
  event.type === 'route-record' && event.payload.record.type === 'route-cancel';

/**
 * The events under a filter, newest first. Progress is one line per task that updates:
 * only a task's newest checkpoint shows, and none once the task has ended. Withdrawn
 * routing choices show only when asked.
 * @example feedEntries(events, 'all').map((event) => event.seq) // [8, 7, 6, …]
 */
export function feedEntries(
  events: readonly OrchestraEvent[],
  filter: FeedFilter,
  options: FeedOptions = {},
): OrchestraEvent[] {
  const entries: OrchestraEvent[] = [];
  // Tasks whose progress line is already placed (or that ended after their last checkpoint).
  const progressShown = new Set<string>();
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index];
    if (!event) continue;
    if (endsTask.has(event.type)) progressShown.add((event.payload as { taskId: string }).taskId);
    if (event.type === 'task-checkpoint') {
      if (progressShown.has(event.payload.taskId)) continue;
      progressShown.add(event.payload.taskId);
    }
    if (!options.showWithdrawn && isWithdrawn(event)) continue;
    if (matchesFilter(event, filter)) entries.push(event);
  }
  return entries;
}
