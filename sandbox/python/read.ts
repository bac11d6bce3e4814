import type {
  CheckCase,
  CheckCaseStatus,
  CheckFileResult,
  CheckLocation,
  CheckProgress,
} from '../../worker/checks/contract.ts';

/**
 * Reads what harness.py reports into the contract's types, field by field. The texts
 * in it (test names, messages) come from the project's code: they are copied as
 * strings, never spread into an object or used as keys.
 */

const caseStatuses = new Set<CheckCaseStatus>(['pass', 'fail', 'error', 'skip', 'todo']);
const fileStatuses = new Set<CheckFileResult['status']>(['pass', 'fail', 'error', 'skip']);

type Loose = Record<string, unknown>;

function loose(value: unknown): Loose | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function duration(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

export function readLocation(value: unknown): CheckLocation | undefined {
  const entry = loose(value);
  if (!entry || typeof entry['path'] !== 'string') return undefined;
  const line = entry['line'];
  if (typeof line !== 'number' || !Number.isInteger(line) || line < 1) return undefined;
  const location: CheckLocation = { path: entry['path'], line };
  const column = entry['column'];
  if (typeof column === 'number' && Number.isInteger(column) && column >= 1) location.column = column;
  return location;
}

export function readCase(value: unknown): CheckCase | undefined {
  const entry = loose(value);
  if (!entry) return undefined;
  const file = text(entry['file']);
  const status = entry['status'];
  const name = entry['name'];
  if (file === undefined || !caseStatuses.has(status as CheckCaseStatus) || !Array.isArray(name)) return undefined;
  const parts = (name as unknown[]).filter((part): part is string => typeof part === 'string');
  if (parts.length === 0) return undefined;
  const one: CheckCase = {
    file,
    name: parts,
    status: status as CheckCaseStatus,
    durationMs: duration(entry['durationMs']),
  };
  const message = text(entry['message']);
  if (message !== undefined) one.message = message;
  const stack = text(entry['stack']);
  if (stack !== undefined) one.stack = stack;
  const location = readLocation(entry['location']);
  if (location) one.location = location;
  return one;
}

export function readFileResult(value: unknown): CheckFileResult | undefined {
  const entry = loose(value);
  if (!entry) return undefined;
  const file = text(entry['file']);
  const status = entry['status'];
  if (file === undefined || !fileStatuses.has(status as CheckFileResult['status'])) return undefined;
  const result: CheckFileResult = {
    file,
    status: status as CheckFileResult['status'],
    durationMs: duration(entry['durationMs']),
  };
  const message = text(entry['message']);
  if (message !== undefined) result.message = message;
  const location = readLocation(entry['location']);
  if (location) result.location = location;
  return result;
}

export function readPhase(value: unknown): CheckProgress | undefined {
  const entry = loose(value);
  const phase = entry?.['phase'];
  if (phase !== 'loading' && phase !== 'installing' && phase !== 'running') return undefined;
  const detail = text(entry?.['detail']);
  return detail === undefined ? { type: 'phase', phase } : { type: 'phase', phase, detail };
}
