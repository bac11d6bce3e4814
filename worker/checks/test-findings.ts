import { currentFiles } from '../artifacts/project-tree.ts';
import type { Finding } from '../agents/index.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { CheckSummary } from '../events/projections/rows.ts';
import { isJsTestFile, isPyTestFile } from './detect.ts';
import { reachable } from './import-graph.ts';

type ReadBlob = (hash: string) => Promise<string | undefined>;

export const isTestFile = (path: string) => isJsTestFile(path) || isPyTestFile(path);

/** Whether the last test run describes the project's code as it is now. */
export function checkIsCurrent(state: ProjectState): boolean {
  const project = state.project;
  return Boolean(project?.lastCheck && project.lastCheck.atSeq >= (project.sourcesSeq ?? 0));
}

/** The project's source files and their texts, for the import graph. */
export async function sourceTexts(state: ProjectState, readBlob: ReadBlob): Promise<Map<string, string>> {
  const sources = currentFiles(state).filter(
    (artifact) => artifact.kind === 'source' && !artifact.path.startsWith('.orchestra/'),
  );
  const texts = await Promise.all(sources.map((artifact) => readBlob(artifact.contentHash)));
  const contents = new Map<string, string>();
  sources.forEach((artifact, index) => contents.set(artifact.path, texts[index] ?? ''));
  return contents;
}

const perFile = 5;

/**
 * The last test run's failures as review findings, so that a failing test gets a fix
 * task exactly as a reviewer's finding does. Each failure is pinned on the code it
 * points at: the project file of its deepest stack frame when that is not a test, else
 * the code its test file imports (so an off-by-one in `src/` goes to whoever wrote
 * `src/`), else the test file itself. At most five failures per file.
 */
export async function testFailureFindings(
  summary: CheckSummary | null | undefined,
  state: ProjectState,
  readBlob: ReadBlob,
): Promise<Finding[]> {
  if (!summary || summary.failures.length === 0) return [];
  const contents = await sourceTexts(state, readBlob);
  const graph = reachable([...new Set(summary.failures.map((failure) => failure.file))], contents);
  const byFile = new Map<string, Finding[]>();
  for (const failure of summary.failures) {
    const where = failure.location;
    const pointed = where && contents.has(where.path) && !isTestFile(where.path) ? [where.path] : [];
    const imported = [...(graph.get(failure.file) ?? [])].filter((path) => !isTestFile(path));
    const targets = pointed.length > 0 ? pointed : imported.length > 0 ? imported : [failure.file];
    const at = where ? ` (${where.path}:${where.line})` : '';
    const message = `Test failed: “${failure.name.join(' › ')}” in ${failure.file}${at}: ${failure.message ?? 'no message'}`;
    for (const file of targets) {
      const list = byFile.get(file) ?? [];
      if (list.length >= perFile) continue;
      list.push({
        severity: 'major',
        file,
        line: where && where.path === file ? where.line : null,
        message: message.slice(0, 4000),
        suggestion:
          'Make the code do what the test expects. If the test itself is wrong, correct the test and say why.',
      });
      byFile.set(file, list);
    }
  }
  return [...byFile.values()].flat();
}

/** A test run's failures as a section of the Debugger's prompt. */
export function testRunSection(summary: CheckSummary, sentence: string): string {
  const lines = [`## The project's tests were run (${summary.runtime})`, '', sentence];
  if (summary.failures.length > 0) {
    lines.push('', 'Failures (each is also a finding the build will fix; add what you see about its cause):');
    for (const failure of summary.failures) {
      const at = failure.location ? ` at ${failure.location.path}:${failure.location.line}` : '';
      lines.push(`- ${failure.file} — “${failure.name.join(' › ')}”${at}: ${(failure.message ?? '').slice(0, 600)}`);
    }
  }
  return lines.join('\n');
}
