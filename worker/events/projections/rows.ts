import type { RunOutcome } from '../../run-state/run-state.ts';
import type { Role } from '../schemas/common.ts';

export type Preference = 'best quality' | 'balanced' | 'cheapest';
export type PauseKind = 'user' | 'step' | 'budget' | 'failure' | 'loop' | 'limit' | 'keys' | 'no-model' | 'fault';
export type TaskKind = 'build' | 'fix' | 'review' | 'scaffold' | 'change';

/** One task of a plan as the Project Manager wrote it (or the person edited it). */
export interface PlanTask {
  id: string;
  role: Role;
  title: string;
  instructions: string;
  dependsOn: string[];
  expectedArtifacts: string[];
  acceptance: string[];
  /** A change plan's task: the existing files it modifies and the files it adds. */
  modifies?: string[] | undefined;
  adds?: string[] | undefined;
  /** A change plan's task: the existing files it deletes. */
  deletes?: string[] | undefined;
}

/**
 * The project's current plan: proposed, then approved (its tasks become task rows) or
 * rejected. Kept beside the project row, not in it (the `plans` table): the row is
 * rewritten on every append, the plan only when a plan event changes it.
 */
export interface PlanView {
  planId: string;
  status: 'proposed' | 'approved' | 'rejected';
  summary: string;
  complexity: 'small' | 'medium' | 'large';
  estimate: { tokens: number; costUsd: number } | null;
  stack: string[];
  languages: string[];
  /** 'template' when the Template provider made it, with no model. */
  source: 'ai' | 'template';
  tasks: PlanTask[];
  /** How many plans were proposed so far (revisions included). */
  revision: number;
  /** A change plan: what the person asked to change in the project as it stood. */
  change?: { request: string };
}

/** The read models: one row type per table, each a projection of the log. */

/** A project's current plan in the `plans` table. */
export type PlanRow = PlanView & { projectId: string };

/** A test run's outcome as the project row keeps it; the whole result is its `check-result` event. */
export interface CheckSummary {
  runId: string;
  runtime: 'node' | 'python' | 'web';
  outcome: 'completed' | 'timed-out' | 'out-of-memory' | 'stopped' | 'crashed' | 'not-runnable';
  reason: string | null;
  counts: { pass: number; fail: number; error: number; skip: number; todo: number };
  /** The log position whose files were run. */
  atSeq: number;
  at: number;
  /** The first failing cases (at most 20), for the Debugger and the run's closing sentence. */
  failures: { file: string; name: string[]; message: string | null; location: { path: string; line: number } | null }[];
}

export interface ProjectRow {
  id: string;
  name: string;
  description: string;
  template: string | null;
  status: 'active' | 'archived' | 'deleted';
  runStatus: 'idle' | 'running' | 'paused' | 'stopped';
  currentRunId: string | null;
  budgetUsd: number | null;
  reservedUsd: number;
  spentUsd: number;
  /**
   * Input tokens read from the providers' prompt caches, and what they saved against the
   * full input price. Absent in rows folded before caching was counted: read as 0.
   */
  cachedInputTokens?: number;
  cacheSavedUsd?: number;
  /** Of `spentUsd`, charged at an estimate (calls cut off or interrupted). Absent: none. */
  estimatedUsd?: number;
  planId: string | null;
  planSummary: string;
  complexity: 'small' | 'medium' | 'large' | null;
  messages: number;
  errors: number;
  preference: Preference;
  maxParallel: number;
  autoApprove: boolean;
  /** Why the run is paused, in a sentence for the person, and what kind of stop it is. */
  pauseReason: string | null;
  pauseKind: PauseKind | null;
  /** How the last run ended, in a sentence (remaining findings, the failure). */
  runMessage: string | null;
  /** How the last run ended, named (absent on rows folded before it was kept). */
  lastOutcome?: RunOutcome | null;
  /** The last finished test run of the project's own suite (absent on older rows). */
  lastCheck?: CheckSummary | null;
  /** The last event that changed a source file: a test run from before it is out of date. */
  sourcesSeq?: number;
  /** A test run under way: started and not yet reported (absent on older rows). */
  checkRunning?: { runId: string; startedAt: number } | null;
  createdAt: number;
  updatedAt: number;
  lastSeq: number;
}

export type TaskStatus = 'pending' | 'scheduled' | 'running' | 'done' | 'failed' | 'interrupted' | 'cancelled';

export interface TaskRow {
  projectId: string;
  taskId: string;
  role: Role | null;
  title: string;
  dependsOn: string[];
  instructions: string;
  expectedArtifacts: string[];
  acceptance: string[];
  kind: TaskKind;
  /** Review round: 1 for the plan's tasks, 2+ for fixes and re-reviews. */
  round: number;
  /** Creation order, for showing tasks as planned. */
  order: number;
  status: TaskStatus;
  attempt: number;
  taskType: string | null;
  provider: string | null;
  model: string | null;
  outputChars: number;
  checkpointHash: string | null;
  /** The last completed answer's text (blob hash). */
  outputHash: string | null;
  repairs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  durationMs: number;
  lastError: { kind: string; message: string; retryable: boolean } | null;
  quality: number | null;
  startedAt: number | null;
  endedAt: number | null;
}

/** One version of one file: added once, then only its validation and quality change. */
export interface ArtifactVersionRow {
  projectId: string;
  path: string;
  version: number;
  contentHash: string;
  size: number;
  at: number;
  seq: number;
  provenance: {
    source: 'ai' | 'template' | 'user';
    taskId?: string | undefined;
    role?: Role | undefined;
    provider?: string | undefined;
    model?: string | undefined;
    attempt?: number | undefined;
    promptHash?: string | undefined;
    revertedTo?: number | undefined;
  };
  validation: { status: 'valid' | 'invalid'; issues: string[] } | null;
  quality: number | null;
  /**
   * Set on the version that deleted the file (`artifact-delete`): it has no content (its
   * hash is the empty text's) and the reason is why it went.
   */
  deleted?: { reason: string };
}

/** A file of the project as it is now: its latest version (the history is in `artifactVersions`). */
export interface ArtifactRow {
  projectId: string;
  path: string;
  kind: 'source' | 'plan' | 'test-report' | 'review' | 'design-note';
  language: string;
  latest: number;
  contentHash: string;
  size: number;
  updatedAt: number;
  /**
   * The latest version deleted the file: it is no longer in the project's tree (not in the
   * file tree, the export, the checks or the agents' context), only in its history.
   */
  deleted?: boolean;
}

/** A run of the project ("project sessions"). */
export interface SessionRow {
  projectId: string;
  runId: string;
  status: 'running' | 'paused' | 'stopped';
  outcome: 'completed' | 'cancelled' | 'stopped' | 'emergency' | 'failed' | null;
  pauses: number;
  /** Tokens billed (in + out) in this run, failed and repaired calls included. */
  tokens: number;
  /** Tasks this run added (the approved plan's, fixes, the Project Manager's additions). */
  tasks: number;
  /** What was used when the person last chose to go on past a run limit: limits count from here. */
  limitTokenBase: number;
  limitTaskBase: number;
  startedAt: number;
  endedAt: number | null;
}

export interface CostRow {
  projectId: string;
  reservationId: string;
  taskId: string | null;
  armId: string;
  maxUsd: number;
  status: 'reserved' | 'settled' | 'released';
  actualUsd: number | null;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number | null;
  /** What an interrupted call is charged from (see `cost-reserve`); absent in older logs. */
  basis?: CostBasis;
  /** Settled at an estimate rather than the provider's figures. */
  estimated?: boolean;
  /** Attempts before the last that the provider billed (`call-retry` with `billed`): each read the input. */
  billedRetries?: number;
}

export interface CostBasis {
  inputTokens: number;
  maxOutputTokens: number;
  inputPricePerMillion: number;
  outputPricePerMillion: number;
}

/** One agent role of a project: what it is doing and how it has done. */
export interface AgentPerformanceRow {
  projectId: string;
  role: Role;
  running: number;
  currentTaskId: string | null;
  tasksStarted: number;
  tasksDone: number;
  tasksFailed: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  qualitySum: number;
  qualityCount: number;
}

/** Decisions and a Beta quality posterior per task type and model ("bandit arms"). */
export interface BanditArmRow {
  projectId: string;
  taskType: string;
  armId: string;
  decisions: number;
  alpha: number;
  beta: number;
}

export interface QualityMetricRow {
  projectId: string;
  subjectKind: 'task' | 'artifact';
  subjectId: string;
  score: number;
  signals: Record<string, number>;
  assessments: number;
  at: number;
}

export interface RouterPerformanceRow {
  projectId: string;
  armId: string;
  taskType: string;
  decisions: number;
  settled: number;
  costUsd: number;
  latencyMsSum: number;
  qualitySum: number;
  qualityCount: number;
}
