import type { PayloadOf } from '../events/catalog.ts';
import {
  checkCaseSchema,
  checkFileResultSchema,
  checkOutcomeSchema,
  maxRecordedCases,
} from '../events/schemas/check-events.ts';
import type { CheckCaseStatus, CheckOutcome, CheckRuntimeName } from './contract.ts';

/**
 * A report from the sandbox, made fit for the log. It comes from generated code's world,
 * so nothing in it is trusted: every field is read by type, every string is cut to its
 * bound, lists are capped, and anything unreadable becomes a `crashed` run that says so
 * rather than a refused event.
 */
export type CheckResultPayload = Omit<PayloadOf<'check-result'>, 'runId' | 'atSeq' | 'outputHash'>;

// The event's own enums: what the log accepts is what a report may say.
const outcomes: readonly CheckOutcome[] = checkOutcomeSchema.options;
const statuses: readonly CheckCaseStatus[] = checkCaseSchema.shape.status.options;
const fileStatuses = checkFileResultSchema.shape.status.options;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const field = (value: Record<string, unknown>, name: string): unknown =>
  Object.hasOwn(value, name) ? value[name] : undefined;
const text = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' ? value.slice(0, max) : undefined;
const duration = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value * 10) / 10 : 0;
const count = (value: unknown): number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
const oneOf = <T extends string>(value: unknown, allowed: readonly T[], otherwise: T): T =>
  allowed.find((entry) => entry === value) ?? otherwise;

function path(value: unknown): string | undefined {
  const cut = text(value, 400)?.replace(/^\.\//, '');
  return cut && cut.length > 0 ? cut : undefined;
}

function location(value: unknown) {
  if (!isObject(value)) return undefined;
  const file = path(field(value, 'path'));
  const line = field(value, 'line');
  const column = field(value, 'column');
  if (!file || typeof line !== 'number' || !Number.isInteger(line) || line < 1) return undefined;
  return {
    path: file,
    line,
    ...(typeof column === 'number' && Number.isInteger(column) && column >= 1 ? { column } : {}),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function testCase(value: unknown) {
  if (!isObject(value)) return undefined;
  const file = path(field(value, 'file'));
  const rawName = field(value, 'name');
  const names = (Array.isArray(rawName) ? rawName : [rawName])
    .filter((part): part is string => typeof part === 'string')
    .slice(0, 12)
    .map((part) => part.slice(0, 300));
  if (!file || names.length === 0) return undefined;
  return {
    file,
    name: names,
    status: oneOf(field(value, 'status'), statuses, 'error'),
    durationMs: duration(field(value, 'durationMs')),
    ...optional('message', text(field(value, 'message'), 2000)),
    ...optional('stack', text(field(value, 'stack'), 4000)),
    ...optional('location', location(field(value, 'location'))),
  };
}

function fileResult(value: unknown) {
  if (!isObject(value)) return undefined;
  const file = path(field(value, 'file'));
  if (!file) return undefined;
  return {
    file,
    status: oneOf(field(value, 'status'), fileStatuses, 'error'),
    durationMs: duration(field(value, 'durationMs')),
    ...optional('message', text(field(value, 'message'), 2000)),
    ...optional('location', location(field(value, 'location'))),
  };
}

const defined = <T>(value: T | undefined): value is T => value !== undefined;

export function sanitizeReport(
  report: unknown,
  runtime: CheckRuntimeName,
): { payload: CheckResultPayload; output: string } {
  if (!isObject(report)) {
    return {
      payload: {
        runtime,
        outcome: 'crashed',
        reason: 'The test run ended without a readable report.',
        counts: { pass: 0, fail: 0, error: 0, skip: 0, todo: 0 },
        durationMs: 0,
        command: '',
        files: [],
        cases: [],
      },
      output: '',
    };
  }
  const rawCases = field(report, 'cases');
  const cases = (Array.isArray(rawCases) ? rawCases : []).slice(0, maxRecordedCases).map(testCase).filter(defined);
  const rawFiles = field(report, 'files');
  const files = (Array.isArray(rawFiles) ? rawFiles : []).slice(0, 500).map(fileResult).filter(defined);
  const rawCounts = field(report, 'counts');
  const counted = { pass: 0, fail: 0, error: 0, skip: 0, todo: 0 };
  for (const one of cases) counted[one.status] += 1;
  // The runtime's counts cover cases past the recorded cap; they can never be fewer.
  const counts = isObject(rawCounts)
    ? {
        pass: Math.max(counted.pass, count(field(rawCounts, 'pass'))),
        fail: Math.max(counted.fail, count(field(rawCounts, 'fail'))),
        error: Math.max(counted.error, count(field(rawCounts, 'error'))),
        skip: Math.max(counted.skip, count(field(rawCounts, 'skip'))),
        todo: Math.max(counted.todo, count(field(rawCounts, 'todo'))),
      }
    : counted;
  // A file that could not load is an error of the run even if it declared no cases.
  counts.error = Math.max(counts.error, files.filter((one) => one.status === 'error').length);
  const outcome = oneOf(field(report, 'outcome'), outcomes, 'crashed');
  const reason = text(field(report, 'reason'), 2000);
  return {
    payload: {
      runtime,
      outcome,
      ...(reason !== undefined && reason !== '' ? { reason } : {}),
      counts,
      durationMs: duration(field(report, 'durationMs')),
      command: text(field(report, 'command'), 200) ?? '',
      files,
      cases,
    },
    output: text(field(report, 'output'), 256 * 1024) ?? '',
  };
}
