/**
 * A project as a ZIP: its source files as they are now, and ORCHESTRA.md, the record of how
 * they were built (the plan, every task with its model and cost, the reviews, the last test
 * run, each file's provenance and history). The same log gives the same bytes: the record
 * is dated by the project's last event, never by the moment of export.
 */
import { isBinaryArtifact } from '../changes/binary-file.ts';
import { changeHistory } from '../changes/history.ts';
import { checkIsCurrent } from '../checks/test-findings.ts';
import type { OrchestraEvent } from '../events/catalog.ts';
import { joinKey } from '../events/projections/project-state.ts';
import type { EventLog } from '../events/store/contract.ts';
import { reviewOf } from '../orchestrator/task-results.ts';
import { describeCheck } from '../query/describe-check.ts';
import { renderOrchestraMd } from './orchestra-md.ts';
import { currentFiles } from './project-tree.ts';
import type { ProjectZip } from './zip.ts';

/** What a recorded test run says of itself: the command that reruns it and its npm packages. */
function lastCheckRecord(events: readonly OrchestraEvent[], runId: string) {
  const result = events.find((event) => event.type === 'check-result' && event.payload.runId === runId);
  return result?.type === 'check-result'
    ? { command: result.payload.command, packages: result.payload.packages ?? [] }
    : { command: '', packages: [] };
}

/** The project's ZIP, or null when there is no such project. */
export async function exportProjectZip(
  store: Pick<EventLog, 'load' | 'blob' | 'read'>,
  projectId: string,
): Promise<ProjectZip | null> {
  const state = await store.load(projectId);
  const project = state.project;
  if (!project) return null;
  const readBlob = (hash: string) => store.blob(hash);
  const files: { path: string; content: string; binary: boolean }[] = [];
  for (const artifact of currentFiles(state)) {
    if (artifact.kind !== 'source') continue;
    const content = await readBlob(artifact.contentHash);
    if (content !== undefined) files.push({ path: artifact.path, content, binary: isBinaryArtifact(state, artifact) });
  }
  const tasks = [...state.tasks.values()].sort((a, b) => a.order - b.order);
  const reviews = [];
  for (const task of tasks) {
    const review = await reviewOf(state, task, readBlob);
    if (review)
      reviews.push({
        taskId: task.taskId,
        verdict: review.verdict,
        summary: review.summary,
        findings: review.findings,
      });
  }
  const orchestraMd = renderOrchestraMd({
    project: { name: project.name, description: project.description, template: project.template },
    plan: state.plan
      ? {
          summary: state.plan.summary,
          complexity: state.plan.complexity,
          stack: state.plan.stack,
          languages: state.plan.languages,
        }
      : null,
    tasks: tasks.map((task) => ({
      id: task.taskId,
      role: task.role ?? '',
      title: task.title,
      status: task.status,
      model: task.model,
      provider: task.provider,
      attempts: task.attempt,
      costUsd: task.costUsd,
      quality: task.quality,
    })),
    reviews,
    tests: project.lastCheck
      ? {
          sentence: describeCheck(project.lastCheck.outcome, project.lastCheck.counts, project.lastCheck.reason),
          current: checkIsCurrent(state),
          ...lastCheckRecord(await store.read(projectId, project.lastCheck.atSeq + 1), project.lastCheck.runId),
          runtime: project.lastCheck.runtime,
          failures: project.lastCheck.failures,
        }
      : null,
    costs: {
      budgetUsd: project.budgetUsd,
      spentUsd: project.spentUsd,
      inputTokens: tasks.reduce((sum, task) => sum + task.inputTokens, 0),
      outputTokens: tasks.reduce((sum, task) => sum + task.outputTokens, 0),
    },
    files: currentFiles(state)
      .filter((artifact) => artifact.kind === 'source')
      .map((artifact) => {
        const version = state.artifactVersions.get(joinKey(artifact.path, String(artifact.latest)));
        return {
          path: artifact.path,
          version: artifact.latest,
          source: version?.provenance.source ?? 'ai',
          role: version?.provenance.role ?? null,
          model: version?.provenance.model ?? null,
        };
      }),
    history: changeHistory([...state.artifactVersions.values()], [...state.sessions.values()]),
    // As of the project's last event, not the moment of export: the same log, the same bytes.
    exportedAt: project.updatedAt,
  });
  // JSZip is loaded the first time a project is exported, not with the engine.
  // JSZip is loaded the first time a project is exported, not with the engine.
  const { buildProjectZip } = await import('./zip.ts');
  return buildProjectZip({ projectName: project.name, files, orchestraMd });
}
