import type { CheckFile, CheckProgress, CheckReport, CheckRequest } from '../../../../worker/checks/contract.ts';
import runtime from '../../../../sandbox/node/index.ts';

export interface Run {
  report: CheckReport;
  progress: CheckProgress[];
}

/** Runs files through the node runtime as the sandbox would, collecting its progress. */
export async function runFiles(
  files: Record<string, string> | CheckFile[],
  options: Partial<CheckRequest> = {},
): Promise<Run> {
  const list = Array.isArray(files) ? files : Object.entries(files).map(([path, content]) => ({ path, content }));
  const progress: CheckProgress[] = [];
  const report = await runtime.run(
    { runtime: 'node', files: list, timeoutMs: 20_000, allowNetwork: false, ...options },
    new Map(),
    (message) => progress.push(message),
  );
  return { report, progress };
}

/** A case by its name path, joined with " > ". */
export function caseNamed(report: CheckReport, name: string) {
  return report.cases.find((item) => item.name.join(' > ') === name);
}
