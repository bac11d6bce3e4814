/**
 * The hard bounds of a run. Every one of them pauses the run with a sentence and a
 * choice when reached; none lets a run burn on.
 */
export interface RunLimits {
  /** Tasks a plan may have (checked before anything runs). */
  maxPlanTasks: number;
  /** Tasks a run may hold in all, fixes and chat additions included. */
  maxRunTasks: number;
  /** Tokens (in + out) a run may use before it pauses to ask. */
  maxRunTokens: number;
  /** Attempts of one task, automatic retries included. */
  maxAttempts: number;
  /** Repairs of an answer that failed its schema, per attempt. */
  maxRepairs: number;
  /** Debugger reviews of the same work: the first, then one per fix round. */
  maxReviewRounds: number;
  /** Partial output is checkpointed to the log at least this often while a task streams. */
  checkpointEveryMs: number;
  checkpointEveryChars: number;
}

export const defaultLimits: RunLimits = {
  maxPlanTasks: 30,
  maxRunTasks: 60,
  maxRunTokens: 2_000_000,
  maxAttempts: 3,
  maxRepairs: 2,
  maxReviewRounds: 2,
  checkpointEveryMs: 1500,
  checkpointEveryChars: 4000,
};
