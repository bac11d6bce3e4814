import { z } from 'zod';
import { localIdSchema, roleSchema, sha256Schema } from './common.ts';

export const artifactKindSchema = z.enum(['source', 'plan', 'test-report', 'review', 'design-note']);

/** Where a version came from: which task, agent, model and attempt, or a template. */
export const provenanceSchema = z.object({
  source: z.enum(['ai', 'template', 'user']),
  taskId: localIdSchema.optional(),
  role: roleSchema.optional(),
  provider: z.string().max(60).optional(),
  model: z.string().max(120).optional(),
  attempt: z.number().int().min(1).optional(),
  promptHash: sha256Schema.optional(),
});

const artifactVersion = z.object({
  path: z.string().min(1).max(400),
  kind: artifactKindSchema,
  language: z.string().max(40),
  contentHash: sha256Schema,
  size: z.number().int().min(0),
  provenance: provenanceSchema,
});

export const artifactEvents = {
  'artifact-create': artifactVersion,
  'artifact-version': artifactVersion,
  'artifact-validate': z.object({
    path: z.string().min(1).max(400),
    version: z.number().int().min(1),
    status: z.enum(['valid', 'invalid']),
    issues: z.array(z.string().max(2000)).max(100),
  }),
};
