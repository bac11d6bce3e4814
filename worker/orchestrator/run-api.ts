/**
 * The run commands of the worker API: what the Live run, New project and Artifacts
 * screens send the engine. Types only, so web/ can import them; the commands are built
 * in `run-commands.ts`.
 */
import type { Result } from '../contract/result.ts';
import type { ProviderBlock } from '../providers/contract/provider-service-api.ts';
import type { PauseKind, Preference, TaskKind } from '../events/projections/rows.ts';
import type { Role } from '../events/schemas/common.ts';
import type { ProjectView } from '../projects/project-view.ts';
import type { ProjectTemplate } from '../providers/template/project-template.ts';
import type { HistoryEntry, PerformanceRow } from '../router/tracker.ts';
import type { RunLimits } from './limits.ts';

export type TemplateId = ProjectTemplate['id'];
export type { PauseKind, Preference, RunLimits, TaskKind };

/** How a run behaves; chosen on the New project screen. */
export interface RunSettings {
  template: TemplateId | null;
  preference: Preference;
  /** Null: no limit beyond the plan's complexity default. */
  budgetUsd: number | null;
  maxParallel: number;
  autoApprove: boolean;
}

/**
 * The plan as the person edited it before approving: tasks in the new order with their
 * (possibly changed) instructions; a task left out is removed from the plan.
 */
export interface PlanEdit {
  tasks: { id: string; instructions: string }[];
}

/**
 * A live piece of an agent's answer. Token deltas are not stored one by one: they stream
 * to the screen through `watchOutput`, and the log keeps checkpoints and the final text.
 */
export interface OutputUpdate {
  taskId: string;
  attempt: number;
  role: Role;
  provider: string;
  model: string;
  /** Text to append to what was shown for this task and attempt. */
  text: string;
  /** A new attempt (or a repair call) begins: clear what was shown for the task. */
  reset: boolean;
}

/** Whether a provider can be used now, for the New project screen. */
export interface ProviderReadiness {
  provider: 'anthropic' | 'openai' | 'gemini' | 'openai-compatible' | 'template';
  label: string;
  ready: boolean;
  /** Why not, or what it will use ("key stored", "no key: add one in Settings"). */
  detail: string;
  /** Why it cannot take calls, when it cannot (the template always can). */
  blocked?: ProviderBlock;
}

export interface ZipExport {
  filename: string;
  bytes: Uint8Array;
  /** Files left out of the archive because their paths were unsafe. */
  skipped: { path: string; reason: string }[];
}

/** One model on one kind of task, as the router has seen it do (the tracker's row). */
export type ModelRecord = Omit<PerformanceRow, 'recentQuality'>;

/** What the Router & costs screen shows: what the router learned, and what projects cost. */
export interface RouterReport {
  models: ModelRecord[];
  /** Sentences a person can act on ("X matches Y on tests at 1/N the cost"). */
  opportunities: string[];
  /** The last outcomes (up to 2,000), oldest first: what the charts draw. */
  history: HistoryEntry[];
  projects: {
    id: string;
    name: string;
    budgetUsd: number | null;
    spentUsd: number;
    /** Input tokens read from prompt caches, and the money that saved against the input price. */
    cachedInputTokens: number;
    cacheSavedUsd: number;
    /** Of `spentUsd`, charged at an estimate: calls cut off or interrupted before usage was reported. */
    estimatedUsd: number;
    tasks: number;
    runStatus: string;
  }[];
}

export interface RunCommands {
  /** "Start": the Project Manager plans the project (or the template makes the plan). */
  startRun(projectId: string): Promise<Result<{ runId: string }>>;
  /**
   * "Ask for a change" on a finished, paused or ended project: a new run on top of the
   * last, whose Project Manager plans the change on the project as it stands (with no key,
   * the Template provider writes the request down). The plan is approved like a first one.
   */
  askForChange(projectId: string, request: string): Promise<Result<{ runId: string }>>;
  /** Approves the proposed plan, as edited when `edit` is given; its tasks start running. */
  approvePlan(projectId: string, edit?: PlanEdit): Promise<Result<void>>;
  /** Rejects the plan: the run ends and nothing is built. */
  rejectPlan(projectId: string, reason: string): Promise<Result<void>>;
  /** "Pause": calls in flight finish, nothing new starts. */
  pauseRun(projectId: string): Promise<Result<void>>;
  /** "Continue orchestra": after any pause, including a budget or failure pause. */
  resumeRun(projectId: string): Promise<Result<void>>;
  /** "Next agent": runs exactly one ready task, then stays paused. */
  stepRun(projectId: string): Promise<Result<{ taskId: string | null }>>;
  /** "Execute all": leaves step mode and runs to the end. */
  executeAll(projectId: string): Promise<Result<void>>;
  /** "Cancel task": stops its call if running; tasks after it run without its output. */
  cancelTask(projectId: string, taskId: string): Promise<Result<void>>;
  /**
   * "Retry task": a failed, cancelled or interrupted task runs again, with new
   * `instructions` when given (after a model declined it, say).
   */
  retryTask(projectId: string, taskId: string, instructions?: string): Promise<Result<void>>;
  /**
   * "Switch model": a task's call has had no answer for a while; it is stopped and the
   * task runs again on another model (the silent one left out for that attempt).
   */
  switchModel(projectId: string, taskId: string): Promise<Result<void>>;
  /** "Emergency stop": aborts every call at once, gives back reservations, marks tasks interrupted. */
  emergencyStop(projectId: string): Promise<Result<void>>;
  /** "Stop run": a paused run with nothing in flight ends here, by your choice; Start later goes on. */
  stopRun(projectId: string): Promise<Result<void>>;
  /** Changes the project's budget (never below what is spent or reserved). */
  setBudget(projectId: string, budgetUsd: number): Promise<Result<void>>;
  /** The latest version of every file plus ORCHESTRA.md, as a ZIP. */
  exportZip(projectId: string): Promise<Result<ZipExport>>;
  /** The project as it is now (the same shape `openProject` returns). */
  getProjectView(projectId: string): Promise<Result<ProjectView>>;
  /** Streams live token deltas of a project's running agents; stop with `unwatch(id)`. */
  watchOutput(projectId: string, listener: (updates: OutputUpdate[]) => unknown): number;
  providerReadiness(): Promise<Result<ProviderReadiness[]>>;
  /** What the router has learned on this device and what each project has cost. */
  getRouterReport(): Promise<Result<RouterReport>>;
  /**
   * The engine's run limits: the plan review holds a plan to the same `maxPlanTasks` as
   * the planner, a chat revision and approving do.
   */
  getRunLimits(): Promise<Result<RunLimits>>;
}
