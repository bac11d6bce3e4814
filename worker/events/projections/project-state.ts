import type { Role } from '../schemas/common.ts';
import type {
  AgentPerformanceRow,
  ArtifactRow,
  ArtifactVersionRow,
  BanditArmRow,
  CostRow,
  PlanView,
  ProjectRow,
  QualityMetricRow,
  RouterPerformanceRow,
  SessionRow,
  TaskRow,
} from './rows.ts';

/**
 * Everything known about one project, as of `lastSeq`: the fold of its events. The
 * tables of the same names hold exactly these rows (see `materialize.ts`).
 */
export interface ProjectState {
  projectId: string;
  lastSeq: number;
  project: ProjectRow | null;
  /** The current plan (the `plans` table), apart from the project row that every event rewrites. */
  plan: PlanView | null;
  tasks: Map<string, TaskRow>;
  artifacts: Map<string, ArtifactRow>;
  /** Keyed `joinKey(path, version)`. */
  artifactVersions: Map<string, ArtifactVersionRow>;
  sessions: Map<string, SessionRow>;
  /** Open reservations only: settled ones live in the `costs` table, not in memory. */
  costs: Map<string, CostRow>;
  agentPerformance: Map<Role, AgentPerformanceRow>;
  banditArms: Map<string, BanditArmRow>;
  qualityMetrics: Map<string, QualityMetricRow>;
  routerPerformance: Map<string, RouterPerformanceRow>;
}

/** The read-model tables a project's state is stored in, with the state field each mirrors. */
export const readModelTables = [
  'tasks',
  'artifacts',
  'artifactVersions',
  'sessions',
  'costs',
  'agentPerformance',
  'banditArms',
  'qualityMetrics',
  'routerPerformance',
] as const;
export type ReadModelTable = (typeof readModelTables)[number];

export function emptyProjectState(projectId: string): ProjectState {
  return {
    projectId,
    lastSeq: 0,
    project: null,
    plan: null,
    tasks: new Map(),
    artifacts: new Map(),
    artifactVersions: new Map(),
    sessions: new Map(),
    costs: new Map(),
    agentPerformance: new Map(),
    banditArms: new Map(),
    qualityMetrics: new Map(),
    routerPerformance: new Map(),
  };
}

/**
 * A copy of a state that a fold may then change without touching the original: new
 * maps, and a shallow copy of every row. Reducers change rows only at their top level
 * (a nested value is replaced, never edited in place: a property test folds random
 * histories from copies and compares), so this is all a copy needs, and it is several
 * times quicker than `structuredClone` on a large project — time travel makes one per
 * point it shows.
 */
export function cloneState(state: ProjectState, unchanged?: Unchanged): ProjectState {
  const copy = { ...state };
  copy.project = state.project ? { ...state.project } : null;
  copy.plan = state.plan ? { ...state.plan } : null;
  for (const table of readModelTables) {
    const before = unchanged?.since[table] as Map<string, object> | undefined;
    const changed = unchanged?.except.keys[table];
    const rows = new Map<string, object>();
    for (const [key, row] of state[table] as Map<string, object>) {
      const kept = before && !changed?.has(key) ? before.get(key) : undefined;
      rows.set(key, kept ?? { ...row });
    }
    (copy as Record<ReadModelTable, unknown>)[table] = rows;
  }
  return copy;
}

/**
 * For a copy that is only ever copied from (a time-travel checkpoint): the rows not in
 * `except` are the same as in `since`, an earlier such copy, and are shared with it.
 */
export interface Unchanged {
  since: ProjectState;
  except: Changes;
}

/** Which rows a fold touched, so only those are written back. */
export class Changes {
  project = false;
  plan = false;
  readonly keys: Record<ReadModelTable, Set<string>> = {
    tasks: new Set(),
    artifacts: new Set(),
    artifactVersions: new Set(),
    sessions: new Set(),
    costs: new Set(),
    agentPerformance: new Set(),
    banditArms: new Set(),
    qualityMetrics: new Set(),
    routerPerformance: new Set(),
  };

  /** Rows that left the state (e.g. settled reservations) but still go to their table. */
  readonly retired = new Map<string, unknown>();

  touch(table: ReadModelTable, key: string): void {
    this.keys[table].add(key);
  }

  /** Records a row's last version for its table as the state lets go of it. */
  retire(table: ReadModelTable, key: string, row: unknown): void {
    this.keys[table].add(key);
    this.retired.set(joinKey(table, key), row);
  }
}

/** Joins parts of a compound key; NUL cannot appear in any part. */
export const joinKey = (...parts: string[]) => parts.join('\u0000');
