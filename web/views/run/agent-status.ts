import type { Role } from '../../../worker/events/schemas/common.ts';
import type { ProjectView, TaskRow } from '../../../worker/api.ts';

export type AgentState = 'idle' | 'waiting' | 'running' | 'done' | 'failed' | 'interrupted';

/** One agent role as its card shows it. */
export interface AgentSummary {
  role: Role;
  state: AgentState;
  /** The task it works on now, else its latest. */
  task: TaskRow | undefined;
  model: string | null;
  provider: string | null;
  tokens: number;
  costUsd: number;
  tasksDone: number;
  tasksTotal: number;
}

const waitingStatuses = new Set<TaskRow['status']>(['pending', 'scheduled']);
/**
 * What one role is doing, from the view's agent row and its tasks: running when one of
 * its tasks runs; failed when its latest task failed; interrupted when its latest was cut
 * off by a stop, a pause or a closed tab (nothing went wrong with it: Start or Retry runs
 * it again); waiting while it has tasks to come; done when all of its tasks are done;
 * idle when it has none.
 */
export function summariseAgent(view: Pick<ProjectView, 'agents' | 'tasks'>, role: Role): AgentSummary {
  const row = view.agents.find((agent) => agent.role === role);
  const tasks = view.tasks.filter((task) => task.role === role);
  const running = tasks.find((task) => task.status === 'running');
  const latest = [...tasks]
    .filter((task) => task.startedAt !== null)
    .sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0))[0];
  const task =
    running ?? (row?.currentTaskId ? tasks.find((entry) => entry.taskId === row.currentTaskId) : undefined) ?? latest;
  let state: AgentState = 'idle';
  if (running || (row?.running ?? 0) > 0) state = 'running';
  else if (latest?.status === 'failed') state = 'failed';
  else if (latest?.status === 'interrupted') state = 'interrupted';
  else if (tasks.some((entry) => waitingStatuses.has(entry.status))) state = 'waiting';
  else if (tasks.length > 0 && tasks.every((entry) => entry.status === 'done' || entry.status === 'cancelled'))
    state = 'done';
  return {
    role,
    state,
    task,
    model: task?.model ?? null,
    provider: task?.provider ?? null,
    tokens: row
      ? row.inputTokens + row.outputTokens
      : tasks.reduce((sum, entry) => sum + entry.inputTokens + entry.outputTokens, 0),
    costUsd: row ? row.costUsd : tasks.reduce((sum, entry) => sum + entry.costUsd, 0),
    tasksDone: tasks.filter((entry) => entry.status === 'done').length,
    tasksTotal: tasks.length,
  };
}
