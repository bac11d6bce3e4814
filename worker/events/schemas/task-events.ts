import { z } from 'zod';
import { localIdSchema, roleSchema, sha256Schema, tokensSchema, usdSchema } from './common.ts';

/**
 * An attempt's number has no ceiling: it grows by one with every interruption too (a tab
 * closed, reloaded or handed over mid-call), and those are not the task's failures, so
 * nothing bounds them. A ceiling here once refused the start of the 101st attempt: a
 * task handed over 100 times could never run again (issue 19's hand-over at 100 trials).
 */
const attemptSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** build: from a plan; fix: answers a review; review: a Debugger re-review; change: plans a change to a built project. */
export const taskKindSchema = z.enum(['build', 'fix', 'review', 'scaffold', 'change']);

export const planTaskSchema = z.object({
  id: localIdSchema,
  role: roleSchema,
  title: z.string().min(1).max(300),
  instructions: z.string().max(20_000),
  dependsOn: z.array(localIdSchema).max(200),
  expectedArtifacts: z.array(z.string().max(400)).max(200),
  acceptance: z.array(z.string().max(2000)).max(50),
});

const filePathsSchema = z.array(z.string().max(400)).max(200);

/**
 * A task as a plan event carries it: a change plan's tasks also name the existing files
 * they modify, the files they add (their `expectedArtifacts` are both together) and the
 * files they delete.
 */
export const proposedTaskSchema = planTaskSchema.extend({
  modifies: filePathsSchema.optional(),
  adds: filePathsSchema.optional(),
  /** Existing files the task deletes (absent: none, as in plans made before deletions). */
  deletes: filePathsSchema.optional(),
});

export const taskEvents = {
  'plan-propose': z.object({
    planId: localIdSchema,
    summary: z.string().max(20_000),
    complexity: z.enum(['small', 'medium', 'large']),
    estimate: z.object({ tokens: tokensSchema, costUsd: usdSchema }).nullable(),
    tasks: z.array(proposedTaskSchema).max(500),
    stack: z.array(z.string().max(200)).max(50).optional(),
    languages: z.array(z.string().max(60)).max(30).optional(),
    /** 'template' when the Template provider made the plan, not a model. */
    source: z.enum(['ai', 'template']).optional(),
    /** Set when the plan changes a built project: what the person asked for. */
    change: z.object({ request: z.string().min(1).max(10_000) }).optional(),
  }),
  /**
   * The person (or auto-approve) accepts a plan. `tasks`, when present, is the plan as
   * edited before approval: tasks left out are dropped, the order and instructions are these.
   */
  'plan-approve': z.object({
    planId: localIdSchema,
    auto: z.boolean(),
    tasks: z.array(proposedTaskSchema).max(500).optional(),
  }),
  'plan-reject': z.object({ planId: localIdSchema, reason: z.string().max(2000) }),
  'task-schedule': z.object({
    taskId: localIdSchema,
    role: roleSchema,
    title: z.string().min(1).max(300),
    dependsOn: z.array(localIdSchema).max(200),
    instructions: z.string().max(20_000).optional(),
    expectedArtifacts: z.array(z.string().max(400)).max(200).optional(),
    acceptance: z.array(z.string().max(2000)).max(50).optional(),
    /** build: from the plan; fix: answers a review; review: a Debugger re-review. */
    kind: taskKindSchema.optional(),
    /** The review round a fix or re-review belongs to (1 for the plan's own tasks). */
    round: z.number().int().min(1).max(100).optional(),
  }),
  'task-start': z.object({
    taskId: localIdSchema,
    attempt: attemptSchema,
    provider: z.string().min(1).max(60),
    model: z.string().min(1).max(120),
  }),
  /** Partial output kept durable while a task streams; its text lives in the blob store. */
  'task-checkpoint': z.object({
    taskId: localIdSchema,
    attempt: attemptSchema,
    outputChars: z.number().int().min(0),
    textHash: sha256Schema,
  }),
  'task-complete': z.object({
    taskId: localIdSchema,
    attempt: attemptSchema,
    inputTokens: tokensSchema,
    outputTokens: tokensSchema,
    costUsd: usdSchema,
    durationMs: z.number().min(0),
    /** The final answer's text, in the blob store. */
    outputHash: sha256Schema.optional(),
    /** How many times the answer had to be repaired before it validated. */
    repairs: z.number().int().min(0).max(10).optional(),
  }),
  'task-fail': z.object({
    taskId: localIdSchema,
    attempt: attemptSchema,
    kind: z.string().min(1).max(60),
    message: z.string().min(1).max(4000),
    retryable: z.boolean(),
  }),
  'task-interrupt': z.object({ taskId: localIdSchema, attempt: attemptSchema, reason: z.string().max(1000) }),
  'task-cancel': z.object({ taskId: localIdSchema, reason: z.string().max(1000) }),
  'task-retry': z.object({
    taskId: localIdSchema,
    reason: z.string().max(1000),
    /** New instructions the person gave the task with the retry (after a refusal, say). */
    instructions: z.string().max(20_000).optional(),
  }),
};
