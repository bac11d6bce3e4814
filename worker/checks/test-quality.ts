import { currentFiles } from '../artifacts/project-tree.ts';
import { scoreTested } from '../artifacts/quality.ts';
import type { EventDraft, PayloadOf } from '../events/catalog.ts';
import { type ProjectState, joinKey } from '../events/projections/project-state.ts';
import { reachable } from './import-graph.ts';

const builders = new Set(['code-generator', 'ui-designer', 'test-writer']);

/**
 * What a finished test run says of each code-writing task: the share of the tests touching
 * its files (the latest versions it wrote) that pass, as a new `quality-assess` of the task
 * with the tests factor measured (`scoreTested`). With the task's type and model, the
 * router learns from it as from any assessment.
 */
export function testQualityEvents(
  state: ProjectState,
  result: PayloadOf<'check-result'>,
  /** The texts of the files the run was given, by path: the import graph is read from them. */
  contents: ReadonlyMap<string, string>,
  /** The model each task's last call went to (its `route-decide`), by task id. */
  armOf: ReadonlyMap<string, string>,
): EventDraft[] {
  if (result.outcome !== 'completed' || result.cases.length === 0) return [];
  const byTask = new Map<string, Set<string>>();
  for (const artifact of currentFiles(state)) {
    if (artifact.kind !== 'source') continue;
    const version = state.artifactVersions.get(joinKey(artifact.path, String(artifact.latest)));
    const taskId = version?.provenance.taskId;
    if (!taskId || version.provenance.source !== 'ai') continue;
    const files = byTask.get(taskId) ?? new Set<string>();
    files.add(artifact.path);
    byTask.set(taskId, files);
  }
  if (byTask.size === 0) return [];
  const testFiles = [...new Set(result.cases.map((one) => one.file))];
  const graph = reachable(testFiles, contents);
  const events: EventDraft[] = [];
  for (const [taskId, files] of byTask) {
    const task = state.tasks.get(taskId);
    if (!task?.role || !builders.has(task.role) || task.status !== 'done') continue;
    const touching = new Set(testFiles.filter((file) => [...(graph.get(file) ?? [])].some((path) => files.has(path))));
    const cases = result.cases.filter(
      (one) => touching.has(one.file) && one.status !== 'skip' && one.status !== 'todo',
    );
    if (cases.length === 0) continue;
    const previous = state.qualityMetrics.get(joinKey('task', taskId));
    const signals = previous?.signals ?? { validation: 1, files: 1, review: 1, tests: 1 };
    const scored = scoreTested(signals, {
      passed: cases.filter((one) => one.status === 'pass').length,
      total: cases.length,
    });
    const armId = armOf.get(taskId);
    events.push({
      type: 'quality-assess',
      actor: { kind: 'system', component: 'checks' },
      payload: {
        subject: { kind: 'task', taskId },
        score: scored.score,
        signals: scored.signals,
        ...(task.taskType ? { taskType: task.taskType } : {}),
        ...(armId ? { armId } : {}),
      },
    });
  }
  return events;
}
