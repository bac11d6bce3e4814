import { z } from 'zod';
import { localIdSchema, usdSchema } from './common.ts';

export { preferenceSchema } from '../../router/records.ts';
import { preferenceSchema } from '../../router/records.ts';

/**
 * Why a run paused: the person's choice, or a guard that stopped it burning on, or no
 * model to call: `keys` (locked behind the passphrase), `no-model` (none set up or
 * ready), `fault` (something in Orchestra itself, not a task or a provider).
 */
export const pauseKindSchema = z.enum([
  'user',
  'step',
  'budget',
  'failure',
  'loop',
  'limit',
  'keys',
  'no-model',
  'fault',
]);

export const projectEvents = {
  'project-create': z.object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(20_000),
    template: z.string().max(60).nullable(),
    budgetUsd: usdSchema.nullable(),
    preference: preferenceSchema.optional(),
    maxParallel: z.number().int().min(1).max(16).optional(),
    autoApprove: z.boolean().optional(),
  }),
  'project-update': z.object({
    name: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(20_000).optional(),
  }),
  'project-archive': z.object({ archived: z.boolean() }),
  'project-delete': z.object({ reason: z.string().max(500).optional() }),
  'budget-change': z.object({ limitUsd: usdSchema.nullable() }),
  'run-start': z.object({ runId: localIdSchema }),
  'run-pause': z.object({ runId: localIdSchema, reason: z.string().max(1000), kind: pauseKindSchema.optional() }),
  'run-resume': z.object({ runId: localIdSchema }),
  'run-stop': z.object({
    runId: localIdSchema,
    outcome: z.enum(['completed', 'cancelled', 'stopped', 'emergency', 'failed']),
    message: z.string().max(2000).optional(),
  }),
  'user-message': z.object({ messageId: localIdSchema, text: z.string().trim().min(1).max(10_000) }),
  /** The Project Manager's answer to a person's message. */
  'agent-reply': z.object({
    messageId: localIdSchema,
    inReplyTo: localIdSchema.nullable(),
    text: z.string().trim().min(1).max(10_000),
  }),
  'error-report': z.object({
    kind: z.string().min(1).max(60),
    message: z.string().min(1).max(4000),
    taskId: localIdSchema.optional(),
  }),
};
