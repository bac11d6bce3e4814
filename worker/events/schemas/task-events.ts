import { z } from 'zod';
import { localIdSchema, roleSchema, sha256Schema, tokensSchema, usdSchema } from './common.ts';

const attemptSchema = z.number().int().min(1).max(100);

export const planTaskSchema = z.object({
  id: localIdSchema,
  role: roleSchema,
  title: z.string().min(1).max(300),
  instructions: z.string().max(20_000),
  dependsOn: z.array(localIdSchema).max(200),
  expectedArtifacts: z.array(z.string().max(400)).max(200),
  acceptance: z.array(z.string().max(2000)).max(50),
});

export const taskEvents = {
  'plan-propose': z.object({
    planId: localIdSchema,
    summary: z.string().max(20_000),
    complexity: z.enum(['small', 'medium', 'large']),
    estimate: z.object({ tokens: tokensSchema, costUsd: usdSchema }).nullable(),
    tasks: z.array(planTaskSchema).max(500),
  }),
  'task-schedule': z.object({
    taskId: localIdSchema,
    role: roleSchema,
    title: z.string().min(1).max(300),
    dependsOn: z.array(localIdSchema).max(200),
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
  'task-retry': z.object({ taskId: localIdSchema, reason: z.string().max(1000) }),
};
