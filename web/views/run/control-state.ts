import type { ProjectWithPlan, TaskRow } from '../../../worker/api.ts';
import { type RunState, runState } from '../../../worker/query/index.ts';

/** The facts the run screen has: the project with its plan, and its tasks. */
export interface RunView {
  project: ProjectWithPlan;
  tasks: readonly TaskRow[];
}

/** The run's state as worker/run-state derives it: every label and control comes from it. */
export function viewRunState(view: RunView): RunState {
  return runState({ project: view.project, plan: view.project.plan, tasks: view.tasks });
}
