import { z } from 'zod';
import { normalizeArtifactPath } from '../../artifacts/safe-path.ts';
import { localIdSchema, roleSchema, sha256Schema } from './common.ts';

/**
 * A file's path in the project's tree: already in the canonical form the one path rule
 * (artifacts/safe-path.ts) gives. Whatever wrote the event (a model's answer, a review, an
 * imported bundle or folder), a path that rule refuses or would rewrite never enters the tree.
 */
export const artifactPathSchema = z
  .string()
  .min(1)
  .max(400)
  .superRefine((path, context) => {
    const check = normalizeArtifactPath(path);
    if (!check.ok) context.addIssue({ code: 'custom', message: check.reason });
    else if (check.path !== path) {
      context.addIssue({ code: 'custom', message: `The path ${JSON.stringify(path)} is not in canonical form.` });
    }
  });

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
  /** Set when the person reverted the file: the version whose content this one brings back. */
  revertedTo: z.number().int().min(1).optional(),
});

const artifactVersion = z.object({
  path: artifactPathSchema,
  kind: artifactKindSchema,
  language: z.string().max(40),
  contentHash: sha256Schema,
  size: z.number().int().min(0),
  provenance: provenanceSchema,
});

export const artifactEvents = {
  'artifact-create': artifactVersion,
  'artifact-version': artifactVersion,
  /**
   * A file leaves the project's tree: a new version that is "no file", so its history keeps
   * every earlier version and a revert to a point before it brings the file back. Written
   * only for a file that exists (the writer checks; the fold ignores any other).
   */
  'artifact-delete': z.object({
    path: artifactPathSchema,
    /** Why, in a sentence for the person (the agent's reason, or "Reverted to …"). */
    reason: z.string().min(1).max(1000),
    provenance: provenanceSchema,
  }),
  'artifact-validate': z.object({
    path: artifactPathSchema,
    version: z.number().int().min(1),
    status: z.enum(['valid', 'invalid']),
    issues: z.array(z.string().max(2000)).max(100),
  }),
};
