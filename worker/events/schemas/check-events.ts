import { z } from 'zod';
import { localIdSchema, sha256Schema } from './common.ts';

/**
 * Test runs of the project's own suite in the code-running sandbox. What the sandbox
 * reports is data from generated code: every field here is bounded, and the captured
 * output is a text stored by its hash like other texts. Replaying a run shows these
 * recorded results; it never runs code again.
 */

const pathSchema = z.string().min(1).max(400);
const statusSchema = z.enum(['pass', 'fail', 'error', 'skip', 'todo']);
export const checkRuntimeSchema = z.enum(['node', 'python', 'web']);
export const checkOutcomeSchema = z.enum([
  'completed',
  'timed-out',
  'out-of-memory',
  'stopped',
  'crashed',
  'not-runnable',
]);

export const checkLocationSchema = z.object({
  path: pathSchema,
  line: z.number().int().min(1),
  column: z.number().int().min(1).optional(),
});

export const checkCaseSchema = z.object({
  file: pathSchema,
  name: z.array(z.string().max(300)).min(1).max(12),
  status: statusSchema,
  durationMs: z.number().min(0),
  message: z.string().max(2000).optional(),
  stack: z.string().max(4000).optional(),
  location: checkLocationSchema.optional(),
});

export const checkFileResultSchema = z.object({
  file: pathSchema,
  status: z.enum(['pass', 'fail', 'error', 'skip']),
  durationMs: z.number().min(0),
  message: z.string().max(2000).optional(),
  location: checkLocationSchema.optional(),
});

export const checkCountsSchema = z.object({
  pass: z.number().int().min(0),
  fail: z.number().int().min(0),
  error: z.number().int().min(0),
  skip: z.number().int().min(0),
  todo: z.number().int().min(0),
});

/** An npm package installed for a run: what its tests ran against. */
export const checkPackageSchema = z.object({
  name: z.string().min(1).max(214),
  version: z.string().min(1).max(256),
  /** At the version and integrity the project's lock records; else resolved afresh. */
  locked: z.boolean(),
});

/** Why a run was made. */
export const checkTriggerSchema = z.enum(['manual', 'review', 'final']);

/** At most this many test cases are recorded per run; the counts always cover all of them. */
export const maxRecordedCases = 2000;

export const checkEvents = {
  'check-run-start': z.object({
    runId: localIdSchema,
    runtime: checkRuntimeSchema,
    trigger: checkTriggerSchema,
    /** The review task the run was made for, when the build made it. */
    taskId: localIdSchema.optional(),
    files: z.number().int().min(0),
    timeoutMs: z.number().int().min(1000),
  }),
  'check-result': z.object({
    runId: localIdSchema,
    runtime: checkRuntimeSchema,
    outcome: checkOutcomeSchema,
    reason: z.string().max(2000).optional(),
    counts: checkCountsSchema,
    durationMs: z.number().min(0),
    command: z.string().max(200),
    files: z.array(checkFileResultSchema).max(500),
    cases: z.array(checkCaseSchema).max(maxRecordedCases),
    /** The npm packages installed for the run, in install order (absent: none declared). */
    packages: z.array(checkPackageSchema).max(1500).optional(),
    /** The captured output, a stored text. */
    outputHash: sha256Schema.optional(),
    /** The project's log position whose files were run: later file versions are not in it. */
    atSeq: z.number().int().min(0),
  }),
};
