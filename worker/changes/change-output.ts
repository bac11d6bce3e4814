import { z } from 'zod';
import { generatedFileSchema } from '../agents/contracts.ts';
import { editBlockSchema } from './edit-blocks.ts';

/** A file the answer removes from the project, and why (shown in the feed and the history). */
export const fileDeletionSchema = z.object({
  path: z.string().min(1).max(400),
  reason: z.string().min(1).max(1000),
});
export type FileDeletion = z.infer<typeof fileDeletionSchema>;

/**
 * What an agent answers with when it changes a project that exists: edit blocks for the
 * existing files it changes, whole files for the files it adds (or small files it
 * rewrites), and the files it deletes. Every field is required in the JSON schema
 * (OpenAI's strict structured output), so an answer with no whole files sends
 * `files: []`; `deletes` reads as empty when an answer written before it existed (a
 * recorded one) leaves it out, and `edits` when an answer gives whole files only (a fix
 * of a short file answered the way fixes were before they could edit).
 */
export const changeOutputSchema = z
  .object({
    files: z.array(generatedFileSchema).max(200),
    edits: z.array(editBlockSchema).max(500).default([]),
    deletes: z.array(fileDeletionSchema).max(200).default([]),
    notes: z.string().max(4000),
  })
  .refine((output) => output.files.length + output.edits.length + output.deletes.length > 0, {
    message: 'The answer changes nothing: give at least one edit, one file or one deletion.',
  });
export type ChangeOutput = z.infer<typeof changeOutputSchema>;
