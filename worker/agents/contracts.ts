import { z } from 'zod';
import { planTaskSchema } from '../events/schemas/task-events.ts';

/*
 * What each agent must answer with. The same schemas validate a model's reply and, turned
 * into JSON Schema, ask the model for it. OpenAI's strict structured output wants every
 * property required and no extra ones, so optional fields here are `.nullable()`, never
 * `.optional()`.
 */

/** The Project Manager's plan; its tasks are the `plan-propose` event's tasks as they are. */
export const planSchema = z.object({
  summary: z.string().min(1).max(20_000),
  complexity: z.enum(['small', 'medium', 'large']),
  estimate: z.object({ tokens: z.number().int().min(0), costUsd: z.number().min(0) }),
  stack: z.array(z.string().min(1).max(120)).max(40),
  languages: z.array(z.string().min(1).max(60)).max(20),
  tasks: z.array(planTaskSchema).min(1).max(500),
});
export type Plan = z.infer<typeof planSchema>;
export type PlanTask = z.infer<typeof planTaskSchema>;

export const generatedFileSchema = z.object({
  path: z.string().min(1).max(400),
  language: z.string().min(1).max(60),
  content: z.string(),
});
export type GeneratedFile = z.infer<typeof generatedFileSchema>;

/** What the Code Generator, UI Designer and Test Writer hand back: whole files. */
export const fileOutputSchema = z.object({
  files: z.array(generatedFileSchema).min(1).max(200),
  notes: z.string().max(4000),
});
export type FileOutput = z.infer<typeof fileOutputSchema>;

export const severitySchema = z.enum(['critical', 'major', 'minor', 'info']);
export type Severity = z.infer<typeof severitySchema>;

/** Higher is worse; sorts findings and decides what blocks a run. */
export const severityRank: Readonly<Record<Severity, number>> = { critical: 3, major: 2, minor: 1, info: 0 };

export const findingSchema = z.object({
  severity: severitySchema,
  file: z.string().min(1).max(400),
  line: z.number().int().min(1).nullable(),
  message: z.string().min(1).max(4000),
  suggestion: z.string().max(4000),
});
export type Finding = z.infer<typeof findingSchema>;

/** Whether a finding must be fixed before the project counts as done. */
export function isBlocking(finding: Pick<Finding, 'severity'>): boolean {
  return severityRank[finding.severity] >= severityRank.major;
}

/** The Debugger's review of the code and tests. */
export const reviewSchema = z.object({
  verdict: z.enum(['pass', 'changes-requested']),
  summary: z.string().min(1).max(4000),
  findings: z.array(findingSchema).max(200),
});
export type Review = z.infer<typeof reviewSchema>;

/** The Project Manager's answer to a person, with the changes it makes to unstarted tasks. */
export const chatReplySchema = z.object({
  reply: z.string().min(1).max(8000),
  changes: z.object({
    add: z.array(planTaskSchema).max(50),
    update: z
      .array(
        z.object({
          id: z.string().min(1).max(120),
          title: z.string().min(1).max(300).nullable(),
          instructions: z.string().max(20_000).nullable(),
        }),
      )
      .max(50),
    cancel: z.array(z.string().min(1).max(120)).max(50),
  }),
});
export type ChatReply = z.infer<typeof chatReplySchema>;

/**
 * The JSON Schema (draft 7) of an output schema, as sent for structured output. `$schema`
 * is dropped because some providers reject unknown top-level keywords.
 *
 * @example jsonSchemaOf(planSchema) // { type: 'object', properties: {...}, required: [...], additionalProperties: false }
 */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  // A copy of our own schema's fields, never read by outside text.
  // eslint-disable-next-line no-restricted-syntax
  const jsonSchema: Record<string, unknown> = { ...z.toJSONSchema(schema, { target: 'draft-7' }) };
  delete jsonSchema['$schema'];
  return jsonSchema;
}
