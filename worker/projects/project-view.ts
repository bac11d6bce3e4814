import type { ProjectNotice } from './project-notices.ts';
import { currentFile, currentFiles } from '../artifacts/project-tree.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type {
  AgentPerformanceRow,
  ArtifactRow,
  ArtifactVersionRow,
  CostRow,
  PlanView,
  ProjectRow,
  SessionRow,
  TaskRow,
} from '../events/projections/rows.ts';

/** A project's row with its current plan, as the UI reads it (`view.project.plan`). */
export type ProjectWithPlan = ProjectRow & { plan: PlanView | null };

/** A project as the UI shows it: plain arrays, safe to send across the worker door. */
export interface ProjectView {
  project: ProjectWithPlan;
  lastSeq: number;
  tasks: TaskRow[];
  /** The files in the project's tree now, by path. */
  artifacts: ArtifactRow[];
  /** Files deleted from the tree, by path: their history (in `artifactVersions`) stays. */
  deletedArtifacts: ArtifactRow[];
  artifactVersions: ArtifactVersionRow[];
  sessions: SessionRow[];
  costs: CostRow[];
  agents: AgentPerformanceRow[];
  /** What the log cannot say (a full disk, a take-over still failing): from the engine's memory. */
  notice?: ProjectNotice;
}

export function toProjectView(state: ProjectState): ProjectView | null {
  if (!state.project) return null;
  const byPath = (a: ArtifactRow, b: ArtifactRow): number => a.path.localeCompare(b.path);
  const gone = [...state.artifacts.values()].filter((file) => currentFile(state, file.path) === undefined);
  return {
    project: { ...state.project, plan: state.plan },
    lastSeq: state.lastSeq,
    tasks: [...state.tasks.values()],
    artifacts: currentFiles(state).sort(byPath),
    deletedArtifacts: gone.sort(byPath),
    artifactVersions: [...state.artifactVersions.values()],
    sessions: [...state.sessions.values()],
    costs: [...state.costs.values()],
    agents: [...state.agentPerformance.values()],
  };
}
