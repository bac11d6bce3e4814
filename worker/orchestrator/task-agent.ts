/**
 * A task agent: one agent of the team as the engine runs it. Its definition (prompt and
 * output schema, from `agents/`), the checks its answer must pass that a schema cannot
 * express, and what a valid answer becomes in the log. `task-agents.ts` holds the team's
 * table of them; the runner (`runner.ts`) picks one per task and calls `attempt`.
 *
 *   attempt ─▶ runTaskAttempt (call, schema, check ─▶ repair) ─▶ answered: an `Answer`
 *   settle (`task-outcome.ts`) ─▶ answer.complete(state now) ─▶ the completion's events
 *
 * The answer is parsed once, by the agent's own schema, and keeps its type inside: the
 * outcome carries an `Answer` that knows how to complete itself, so no caller holds an
 * `unknown` value, parses it again, or casts it.
 */
import type { AgentInput, AgentRole, Finding } from '../agents/index.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { TaskRow } from '../events/projections/rows.ts';
import type { ReadBlob } from './agent-input.ts';
import type { RunLimits } from './limits.ts';
import type { AnswerFacts, Completion } from './task-completion.ts';
import type { TaskAttemptOutcome } from './task-attempt-outcome.ts';
import { type TaskRunnerDeps, runTaskAttempt } from './task-runner.ts';

/** What an answer's check may read: the state the attempt began from, and the state now. */
export interface CheckContext {
  state: ProjectState;
  /** The task the answer is for. */
  task: TaskRow;
  current: () => Promise<ProjectState>;
  readBlob: ReadBlob;
  limits: RunLimits;
}

/** What an answer's completion may read: the state it is written on, and the attempt's facts. */
export interface CompleteContext {
  state: ProjectState;
  facts: AnswerFacts;
  readBlob: ReadBlob;
  limits: RunLimits;
}

/** One agent as data: how it is asked, what more its answer must pass, what the answer becomes. */
export interface TaskAgentSpec<T> {
  agent: AgentRole<T>;
  /** What its completion writes, for the reader of the table: a plan, files, or a review. */
  writes: 'plan' | 'files' | 'review';
  /** Whether it plans with what the person said to the team so far. */
  hearsConversation?: boolean;
  /** The checks a schema cannot express, as sentences for a repair turn; none: the answer counts. */
  check?: (answer: T, context: CheckContext) => string[] | Promise<string[]>;
  /** The completion of a valid answer: its events and texts, in one batch with `task-complete`. */
  complete: (answer: T, context: CompleteContext) => Promise<Completion>;
}

/** A valid answer, ready to become its completion on the state as it is when it is written. */
export interface Answer {
  complete(context: CompleteContext): Promise<Completion>;
}

export interface AttemptOptions {
  signal: AbortSignal;
  findings: Finding[];
  template: string | null;
  /** The project's state when the answer comes (edits are placed on the files as they are then). */
  current: () => Promise<ProjectState>;
  conversation?: AgentInput['conversation'];
  avoidArms?: ReadonlySet<string>;
  /** Whether the run still lets the task start (see `runTaskAttempt`). */
  mayStart?: (state: ProjectState) => boolean;
}

export interface TaskAgent {
  readonly agent: AgentRole<unknown>;
  readonly writes: TaskAgentSpec<unknown>['writes'];
  readonly hearsConversation: boolean;
  /** One attempt of `task` (see `runTaskAttempt`), its answer checked and kept typed. */
  attempt(
    deps: TaskRunnerDeps,
    state: ProjectState,
    task: TaskRow,
    options: AttemptOptions,
  ): Promise<TaskAttemptOutcome<Answer>>;
}

/**
 * Makes a task agent of its spec.
 *
 * @example taskAgent({ agent: codeGenerator, writes: 'files', complete: (output, { state, facts }) => fileCompletion(state, facts, output) })
 */
export function taskAgent<T>(spec: TaskAgentSpec<T>): TaskAgent {
  return {
    agent: spec.agent,
    writes: spec.writes,
    hearsConversation: spec.hearsConversation === true,
    async attempt(deps, state, task, options) {
      const { current, ...rest } = options;
      const check = spec.check;
      const context: CheckContext = {
        state,
        task,
        current,
        readBlob: (hash) => deps.store.blob(hash),
        limits: deps.limits,
      };
      const outcome = await runTaskAttempt(deps, state, task, spec.agent, {
        ...rest,
        ...(check ? { extraCheck: (answer: T) => check(answer, context) } : {}),
      });
      if (outcome.kind !== 'answered') return outcome;
      const answer = outcome.value;
      return { ...outcome, value: { complete: (completeContext) => spec.complete(answer, completeContext) } };
    },
  };
}
