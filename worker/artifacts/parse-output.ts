import type { z } from 'zod';

/**
 * Models asked for JSON often answer "Here is the plan: ```json {…} ```" or stop mid-object
 * at their token limit. These helpers find the JSON in such an answer and, when it is
 * missing, cut off or the wrong shape, say so in words that can go back to the model on a
 * repair turn.
 */

export type JsonExtraction = { ok: true; value: unknown } | { ok: false; error: string };
export type OutputValidation<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const truncatedError = "The answer's JSON is cut off (it ends before the object closes)";
const maxErrorLines = 20;

/**
 * Finds the JSON value in a model's answer: the whole answer, else the first ```json (or
 * plain ```) fence, else the first balanced `{…}` object in the prose.
 *
 * @example
 * extractJson('Sure! ```json\n{"a": 1}\n```') // { ok: true, value: { a: 1 } }
 */
export function extractJson(text: string): JsonExtraction {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: 'The answer was not JSON: it was empty.' };
  const whole = tryParse(trimmed);
  if (whole.ok) return whole;

  const fenced = fenceContent(trimmed);
  if (fenced !== null) {
    const inFence = tryParse(fenced);
    if (inFence.ok) return inFence;
    return findObject(fenced);
  }
  return findObject(trimmed);
}

/**
 * Extracts the JSON and checks it against a schema.
 *
 * @example
 * validateOutput(planSchema, answer)
 * // { ok: false, errors: ['tasks[0].role: Invalid option: expected one of …'] }
 */
export function validateOutput<T>(schema: z.ZodType<T>, text: string): OutputValidation<T> {
  const extracted = extractJson(text);
  if (!extracted.ok) return { ok: false, errors: [extracted.error] };
  const result = schema.safeParse(extracted.value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, errors: issueLines(result.error.issues) };
}

function issueLines(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines = issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  if (lines.length <= maxErrorLines) return lines;
  const shown = lines.slice(0, maxErrorLines - 1);
  shown.push(`… and ${lines.length - shown.length} more problems of the same kind.`);
  return shown;
}

/** `['tasks', 0, 'role']` → `tasks[0].role`, the way a person would point at the field. */
function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(the whole answer)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function tryParse(candidate: string): JsonExtraction {
  try {
    return { ok: true, value: JSON.parse(candidate) as unknown };
  } catch (error) {
    return { ok: false, error: `The answer was not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The body of the first ```json fence, else of the first ``` fence; an unclosed fence runs to the end. */
function fenceContent(text: string): string | null {
  const fence = /```[ \t]*json[^\n]*\n/i.exec(text) ?? /```[^\n]*\n/.exec(text);
  if (fence === null) return null;
  const start = fence.index + fence[0].length;
  const end = text.indexOf('```', start);
  return (end === -1 ? text.slice(start) : text.slice(start, end)).trim();
}

/**
 * Tries each `{` in turn as the start of an object, scanning to its matching `}` while
 * skipping braces inside strings. Reports a cut-off object when the text ends first.
 */
function findObject(text: string): JsonExtraction {
  let firstError: string | null = null;
  let start = text.indexOf('{');
  // Prose can hold stray balanced braces ("use {name} here") before the real object.
  while (start !== -1) {
    const end = matchingBrace(text, start);
    // Every later `{` lies inside this unclosed one; parsing a nested object would pass off a
    // fragment of a cut-off answer as the whole.
    if (end === -1) return { ok: false, error: truncatedError };
    const parsed = tryParse(text.slice(start, end + 1));
    if (parsed.ok) return parsed;
    firstError ??= parsed.error;
    // Resume after the whole candidate, not inside it, for the same reason.
    start = text.indexOf('{', end + 1);
  }
  if (firstError !== null) return { ok: false, error: firstError };
  return { ok: false, error: `The answer was not JSON: it holds no {…} object (it begins ${preview(text)}).` };
}

/** Index of the `}` closing the object opened at `start`, or -1 when the text ends first. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '{') {
      depth++;
    } else if (char === '}') {
      depth--;
      if (depth === 0) return index;
    }
  }
  return -1;
}

function preview(text: string): string {
  const head = text.slice(0, 40);
  return JSON.stringify(head.length < text.length ? `${head}…` : head);
}
