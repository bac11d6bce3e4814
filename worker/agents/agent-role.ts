import type { z } from 'zod';
import type { Role } from '../events/schemas/common.ts';
import type { MeasuredText } from '../budget/utf8-length.ts';
import type { ResponseFormat } from '../providers/contract/provider-request.ts';
import type { Finding } from './contracts.ts';

/** Why a task runs: first build, a fix after review, a review, a template's skeleton, or planning a change. */
export type TaskKind = 'build' | 'fix' | 'review' | 'scaffold' | 'change';

/** Everything an agent's prompt may draw on for one task. */
export interface AgentInput {
  project: { name: string; description: string; template: string | null };
  plan: { summary: string; stack: string[]; languages: string[] } | null;
  task: {
    id: string;
    title: string;
    instructions: string;
    expectedArtifacts: string[];
    acceptance: string[];
    kind: TaskKind;
    round: number;
    /** For a task of a change plan: the existing files the plan says it deletes. */
    deletes?: string[];
  };
  /** Upstream files, already trimmed to the model's window (see worker/orchestrator/context.ts). */
  context: string;
  /**
   * `context.trimEnd()` (what a prompt shows of it) with its UTF-8 length, when the
   * orchestrator counted it from the files' blocks: a prompt is then counted without
   * reading the upstream files again. Without it, `measuredPrompt` counts them itself.
   */
  measuredContext?: MeasuredText;
  /**
   * For an agent that changes existing files with edit blocks: the files its task modifies,
   * whole and as they stand (the text its blocks must quote exactly).
   */
  editable?: { path: string; language: string; content: string }[];
  /** For fix tasks: the Debugger's findings to address (for a change plan: those left open). */
  findings: Finding[];
  /** For the Debugger: the project's tests as they ran on these files, as a prompt section. */
  testRun?: string | undefined;
  /** For the Project Manager's chat: the conversation so far, oldest first, and the current plan's tasks with their status. */
  conversation: { from: 'user' | 'project-manager'; text: string }[];
  currentTasks: { id: string; role: Role; title: string; status: string; instructions: string }[];
  /**
   * The most tasks a plan may have: the run's one limit (`RunLimits.maxPlanTasks`), which
   * the planner's prompt states and the plan's check holds it to.
   */
  maxPlanTasks: number;
}

/**
 * One agent of the team: who it is, what it must answer with, and how to ask it.
 * Definitions are plain data plus a pure `prompt`, so the orchestrator, the tests and the
 * provider simulator all read the same thing.
 */
export interface AgentRole<T> {
  role: Role;
  /** Shown in the UI, e.g. "Code Generator". */
  title: string;
  /** One sentence, shown in the UI. */
  purpose: string;
  /**
   * The router's task type of its tasks: what kind of work it is, which is what models
   * differ on (a fix of any role is "fix"). Open strings: the router learns any type.
   */
  taskType: string;
  /**
   * First line is exactly `You are the ${title} of an Orchestra software team (role: ${role}).`
   * — tests and the provider simulator identify the role from it.
   */
  systemPrompt: string;
  output: z.ZodType<T>;
  responseFormat: ResponseFormat;
  maxOutputTokens: number;
  /** Which upstream artifacts it receives: files produced by tasks of these roles. */
  receivesFrom: readonly Role[];
  /** The user message for this task. */
  prompt(input: AgentInput): string;
  /**
   * Whether it changes the existing files its task names with edit blocks: the
   * orchestrator then gives it those files whole in `input.editable` and checks its blocks
   * against them before the answer counts.
   */
  editsFiles?: boolean;
  /**
   * What the Template provider (no AI) is sent instead of the prompt, when this agent's
   * task goes to it; without it, the project's description.
   */
  templateMessage?(input: AgentInput): string;
  /**
   * `prompt(input)` with its UTF-8 length, for the cost governor's worst case: the
   * sections are counted apart and the upstream files by `input.measuredContext`, so the
   * prompt is neither read nor copied flat to be counted.
   */
  measuredPrompt(input: AgentInput): MeasuredText;
  /**
   * How many characters at the start of `prompt(input)` other tasks of this role send
   * unchanged while the upstream files stay the same (the project, then those files): the
   * providers' prompt caches can reuse them. Absent for prompts with no such prefix.
   */
  stablePrefixChars?(input: AgentInput): number;
  /** Offsets inside that prefix where a part ends: the project, then each upstream file. */
  stableBlockEnds?(input: AgentInput): number[];
}
