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
const troublePauses = new Set<PauseKind>(['budget', 'failure', 'loop', 'limit']);
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

/** The events under a filter, newest first. */
export function feedEntries(events: readonly OrchestraEvent[], filter: FeedFilter): OrchestraEvent[] {
  const entries: OrchestraEvent[] = [];
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index];
    if (event && matchesFilter(event, filter)) entries.push(event);
  }
  return entries;
}
