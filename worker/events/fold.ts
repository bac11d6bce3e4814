import type { OrchestraEvent } from './catalog.ts';
import { Changes, type ProjectState, emptyProjectState } from './projections/project-state.ts';
import { reduce } from './projections/reduce.ts';

/** Folds events, in order, into a state (a fresh one unless given). Pure apart from `state`. */
export function foldEvents(
  projectId: string,
  events: Iterable<OrchestraEvent>,
  state = emptyProjectState(projectId),
): ProjectState {
  const changes = new Changes();
  for (const event of events) reduce(state, event, changes);
  return state;
}
