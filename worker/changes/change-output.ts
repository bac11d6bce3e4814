import { z } from 'zod';
import { generatedFileSchema } from '../agents/contracts.ts';
import { editBlockSchema } from './edit-blocks.ts';

/**
 * What an agent answers with when it changes a project that exists: edit blocks for the
 * existing files it changes, whole files for the files it adds (or small files it
 * rewrites). Every field is required (OpenAI's strict structured output), so an answer
 * with no whole files sends `files: []`.
 */
export const changeOutputSchema = z
  .object({
    files: z.array(generatedFileSchema).max(200),
    edits: z.array(editBlockSchema).max(500),
    notes: z.string().max(4000),
  })
  .refine((output) => output.files.length + output.edits.length > 0, {
    message: 'The answer changes nothing: give at least one edit or one file.',
  });
export type ChangeOutput = z.infer<typeof changeOutputSchema>;
