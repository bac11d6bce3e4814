import type { EventType, OrchestraEvent } from '../catalog.ts';
import type { Handler, Handlers } from './handler.ts';
import type { Changes, ProjectState } from './project-state.ts';
import { artifactHandlers } from './reduce-artifacts.ts';
import { checkHandlers } from './reduce-checks.ts';
import { projectHandlers, projectRow } from './reduce-project.ts';
import { routingHandlers } from './reduce-routing.ts';
import { taskHandlers } from './reduce-tasks.ts';

const handlers: Handlers<EventType> = {
  ...projectHandlers,
  ...taskHandlers,
  ...routingHandlers,
  ...artifactHandlers,
  ...checkHandlers,
};

/**
 * Folds one event into a project's state, in place. Total: any valid history folds
 * without throwing, so replay can never get stuck on an odd but valid order.
 */
export function reduce(state: ProjectState, event: OrchestraEvent, changes: Changes): void {
  (handlers[event.type] as Handler<EventType>)(state, event, changes);
  const project = projectRow(state, event.at, changes);
  project.updatedAt = event.at;
  project.lastSeq = event.seq;
  state.lastSeq = event.seq;
}
