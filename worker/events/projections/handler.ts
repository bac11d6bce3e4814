import type { EventType, StoredEvent } from '../catalog.ts';
import type { Changes, ProjectState } from './project-state.ts';

/** Folds one event of type T into a project's state, recording the rows it touched. */
export type Handler<T extends EventType> = (state: ProjectState, event: StoredEvent<T>, changes: Changes) => void;

export type Handlers<K extends EventType> = { [T in K]: Handler<T> };
