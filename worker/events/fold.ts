import type { OrchestraEvent } from './catalog.ts';
import { Changes, type ProjectState, emptyProjectState } from './projections/project-state.ts';
import { reduce } from './projections/reduce.ts';

/**
 * Folds events, in order, into a state (a fresh one unless given), noting in `changes`
 * every row they touched. Pure apart from `state` and `changes`.
 */
export function foldEvents(
  projectId: string,
  events: Iterable<OrchestraEvent>,
  state = emptyProjectState(projectId),
  changes = new Changes(),
): ProjectState {
  for (const event of events) reduce(state, event, changes);
  return state;
}
