/**
 * What the worker API reads of runs, writer or not: the project's view (with what the log
 * cannot say), the live output of its agents, its ZIP, the router's report, which
 * providers can take calls, and the run limits the engine holds runs to.
 */
import { exportProjectZip } from '../artifacts/project-export.ts';
import { type Result, fail, ok } from '../contract/result.ts';
import type { Engine } from '../engine.ts';
import { providerLabels } from '../providers/contract/provider-id.ts';
import type { ProjectNotice } from '../projects/project-notices.ts';
import { type ProjectView, toProjectView } from '../projects/project-view.ts';
import { guarded } from '../projects/command-guard.ts';
import { type StartSource, startSource } from '../run-state/start-source.ts';
import type { Orchestrator } from './orchestrator.ts';
import type { OutputUpdate, ProviderReadiness, RouterReport, RunCommands, ZipExport } from './run-api.ts';

/**
 * The view with what the log cannot say: a full disk shows as a pause with its sentence
 * (the run is halted in memory), a failed take-over as the project's notice.
 */
function withNotice(view: ProjectView, notice: ProjectNotice | undefined): ProjectView {
  if (!notice) return view;
  const { project } = view;
  const live = project.runStatus === 'running' || project.runStatus === 'paused';
  if (notice.kind === 'storage-full' && live) {
    return {
      ...view,
      notice,
      project: { ...project, runStatus: 'paused', pauseKind: 'failure', pauseReason: notice.message },
    };
  }
  return { ...view, notice };
}

export type RunQueries = Pick<
  RunCommands,
  'exportZip' | 'getProjectView' | 'watchOutput' | 'getRouterReport' | 'providerReadiness' | 'getRunLimits'
> & { unwatchOutput(id: number): void };

export function createRunQueries(engine: Engine, orchestrator: Orchestrator): RunQueries {
  const { store } = engine;
  const watchers = new Map<number, () => void>();
  // Apart from the project watchers' ids, so one `unwatch(id)` can serve both.
  let nextWatcher = 1_000_000_001;

  return {
    exportZip: (projectId): Promise<Result<ZipExport>> =>
      guarded(async () => {
        const zip = await exportProjectZip(store, projectId);
        return zip ? ok(zip) : fail('not_found', 'There is no such project on this device.');
      }),

    getProjectView: (projectId) =>
      guarded(async () => {
        const view = toProjectView(await store.saved(projectId));
        return view
          ? ok(withNotice(view, engine.notices.get(projectId)))
          : fail('not_found', 'There is no such project on this device.');
      }),

    watchOutput(projectId: string, listener: (updates: OutputUpdate[]) => unknown): number {
      const id = nextWatcher++;
      const stop = orchestrator.bus.subscribe(projectId, (updates) => {
        // The listener lives in the page (a Comlink proxy): a closed page must not break the bus.
        Promise.resolve(listener(updates)).catch(() => {
          stop();
          watchers.delete(id);
        });
      });
      watchers.set(id, stop);
      return id;
    },

    unwatchOutput: (id: number): void => {
      watchers.get(id)?.();
      watchers.delete(id);
    },

    getRouterReport: (): Promise<Result<RouterReport>> =>
      guarded(async () => {
        await orchestrator.loadRouter();
        const tracker = orchestrator.chooser.tracker;
        const projects = await engine.db.projects.toArray();
        const taskCounts = new Map<string, number>();
        await engine.db.tasks.each((page) =>
          taskCounts.set(page.projectId, (taskCounts.get(page.projectId) ?? 0) + page.rows.length),
        );
        return ok({
          models: tracker
            .rows()
            .map(({ recentQuality: _recent, ...row }) => row)
            .sort((a, b) => a.taskType.localeCompare(b.taskType) || b.meanQuality - a.meanQuality),
          opportunities: tracker.opportunities(),
          history: tracker.history(),
          projects: projects
            .filter((project) => project.status !== 'deleted')
            .sort((a, b) => b.updatedAt - a.updatedAt)
            .map((project) => ({
              id: project.id,
              name: project.name,
              budgetUsd: project.budgetUsd,
              spentUsd: project.spentUsd,
              cachedInputTokens: project.cachedInputTokens ?? 0,
              cacheSavedUsd: project.cacheSavedUsd ?? 0,
              estimatedUsd: project.estimatedUsd ?? 0,
              tasks: taskCounts.get(project.id) ?? 0,
              runStatus: project.runStatus,
            })),
        });
      }),

    getRunLimits: () => Promise.resolve(ok({ ...orchestrator.limits })),

    async providerReadiness(): Promise<Result<ProviderReadiness[]>> {
      const remote = await orchestrator.readiness();
      const templateDetail: Record<StartSource, string> = {
        models: 'Always available; used when no model can be reached.',
        locked: 'Not used while your model keys are locked: Start asks for your passphrase instead.',
        waiting: 'Not used while a provider you set up is paused or needs settings: Start waits for it instead.',
        template: 'No model key yet: Start builds a runnable starter from a template, labelled Template (no AI).',
      };
      return ok([
        ...remote.map((entry) => ({
          provider: entry.provider,
          label: providerLabels[entry.provider],
          ready: entry.ready,
          detail: entry.detail,
          ...(entry.blocked ? { blocked: entry.blocked } : {}),
        })),
        {
          provider: 'template' as const,
          label: providerLabels.template,
          ready: true,
          detail: templateDetail[startSource(remote)],
        },
      ]);
    },
  };
}
