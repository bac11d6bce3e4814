/**
 * The run commands of the worker API (see `run-api.ts`). Each checks that this tab writes
 * the project, turns the person's intent into events through the project's runner, and
 * returns a Result: nothing thrown crosses the door.
 */
import { isBinaryArtifact } from '../changes/binary-file.ts';
import { changeHistory } from '../changes/history.ts';
import { type Result, fail, ok } from '../contract/result.ts';
import type { Engine } from '../engine.ts';
import type { EventDraft } from '../events/catalog.ts';
import { joinKey } from '../events/projections/project-state.ts';
import { providerLabels } from '../providers/contract/provider-id.ts';
import { toFailure } from '../projects/to-failure.ts';
import { type ProjectView, toProjectView } from '../projects/project-view.ts';
import type { ProjectNotice } from '../projects/project-notices.ts';
import { renderOrchestraMd } from '../artifacts/orchestra-md.ts';
import { currentFiles } from '../artifacts/project-tree.ts';
import type { Orchestrator } from './orchestrator.ts';
import { validatePlan } from './plan-validation.ts';
import { validateChangePlan } from '../changes/change-plan.ts';
import { editablePaths } from './change-mode.ts';
import type { OutputUpdate, PlanEdit, ProviderReadiness, RouterReport, RunCommands, ZipExport } from './run-api.ts';
import { KeysLockedError, RunError } from './runner.ts';
import { type StartSource, startSource } from '../run-state/start-source.ts';
import { reviewOf } from './task-results.ts';
import { checkIsCurrent } from '../checks/test-findings.ts';
import { describeCheck } from '../query/describe-check.ts';
import type { OrchestraEvent } from '../events/catalog.ts';

/** The command a recorded test run says reruns it. */
function lastCheckCommand(events: readonly OrchestraEvent[], runId: string): string {
  const result = events.find((event) => event.type === 'check-result' && event.payload.runId === runId);
  return result?.type === 'check-result' ? result.payload.command : '';
}

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

const notWriter = () =>
  fail(
    'not_writer',
    'This project is running in another tab, so this tab only watches it. Close the other tab to take over here.',
  );

export function createRunCommands(
  engine: Engine,
  orchestrator: Orchestrator,
): RunCommands & { unwatchOutput(id: number): void } {
  const { store, locks } = engine;
  const watchers = new Map<number, () => void>();
  // Apart from the project watchers' ids, so one `unwatch(id)` can serve both.
  let nextWatcher = 1_000_000_001;

  /** Runs a command as the project's writer, turning refusals and failures into data. */
  async function asWriter<T>(projectId: string, work: () => Promise<Result<T>>): Promise<Result<T>> {
    try {
      if (typeof projectId !== 'string' || projectId === '')
        return fail('bad_input', 'Which project? The command named none.');
      const role = locks.role(projectId) ?? (await locks.claim(projectId));
      if (role !== 'writer') return notWriter();
      const state = await store.load(projectId);
      if (!state.project || state.project.status === 'deleted')
        return fail('not_found', 'There is no such project on this device.');
      return await work();
    } catch (error) {
      if (error instanceof KeysLockedError) return fail('locked', error.message);
      if (error instanceof RunError) return fail('bad_input', error.message);
      return toFailure(error);
    }
  }

  const runner = (projectId: string) => orchestrator.runner(projectId);
  const done = ok(undefined);

  return {
    startRun: (projectId) => asWriter(projectId, async () => ok({ runId: await (await runner(projectId)).start() })),

    askForChange: (projectId, request) =>
      asWriter(projectId, async () => {
        if (typeof request !== 'string' || request.length > 10_000) {
          return fail('bad_input', 'A change request is text of at most 10,000 characters.');
        }
        return ok({ runId: await (await runner(projectId)).askForChange(request) });
      }),

    approvePlan: (projectId, edit?: PlanEdit) =>
      asWriter(projectId, async () => {
        const state = await store.load(projectId);
        const plan = state.plan;
        if (!plan || plan.status !== 'proposed') return fail('bad_input', 'There is no plan waiting for approval.');
        let tasks = undefined as typeof plan.tasks | undefined;
        if (edit) {
          const byId = new Map(plan.tasks.map((task) => [task.id, task]));
          const kept = new Set(edit.tasks.map((task) => task.id));
          const unknown = edit.tasks.find((task) => !byId.has(task.id));
          if (unknown) return fail('bad_input', `The plan has no task “${unknown.id}”.`);
          tasks = edit.tasks.map((change) => {
            const task = byId.get(change.id) as (typeof plan.tasks)[number];
            return {
              ...task,
              instructions: String(change.instructions).slice(0, 20_000),
              // A removed task is no longer waited for.
              dependsOn: task.dependsOn.filter((id) => kept.has(id)),
            };
          });
          if (tasks.length === 0)
            return fail('bad_input', 'An approved plan needs at least one task; reject the plan instead.');
          const checked = validatePlan(
            { ...plan, estimate: plan.estimate ?? { tokens: 0, costUsd: 0 }, tasks },
            { maxTasks: orchestrator.limits.maxRunTasks },
          );
          if (!checked.ok) return fail('bad_input', `This plan cannot run: ${checked.errors.join(' ')}`);
          // A change plan's files are checked again: a removed task may have been the one adding a file.
          const files = plan.change
            ? validateChangePlan(
                tasks.map((task) => ({ ...task, modifies: task.modifies ?? [], adds: task.adds ?? [] })),
                editablePaths(state),
              )
            : [];
          if (files.length > 0) return fail('bad_input', `This change plan cannot run: ${files.join(' ')}`);
        }
        const events: EventDraft[] = [
          {
            type: 'plan-approve',
            actor: { kind: 'user' },
            payload: { planId: plan.planId, auto: false, ...(tasks ? { tasks } : {}) },
          },
        ];
        await (await runner(projectId)).command(events);
        return done;
      }),

    rejectPlan: (projectId, reason) =>
      asWriter(projectId, async () => {
        const state = await store.load(projectId);
        const plan = state.plan;
        if (!plan || plan.status !== 'proposed') return fail('bad_input', 'There is no plan waiting for approval.');
        const events: EventDraft[] = [
          {
            type: 'plan-reject',
            actor: { kind: 'user' },
            payload: { planId: plan.planId, reason: String(reason ?? '').slice(0, 2000) },
          },
        ];
        // A rejected change ends its run here, saying the project is as it was: the
        // built plan stands, so the run loop would not end it as a rejection.
        const runId = state.project?.currentRunId;
        if (plan.change && runId && state.project?.runStatus !== 'stopped') {
          events.push({
            type: 'run-stop',
            actor: { kind: 'user' },
            payload: {
              runId,
              outcome: 'cancelled',
              message: 'The change plan was rejected; the project is as it was before you asked.',
            },
          });
        }
        await (await runner(projectId)).command(events);
        return done;
      }),

    pauseRun: (projectId) =>
      asWriter(projectId, async () => {
        const state = await store.load(projectId);
        if (state.project?.runStatus !== 'running') return fail('bad_input', 'The run is not running.');
        await (await runner(projectId)).pause('user', 'Paused by you: calls in flight finish, nothing new starts.');
        return done;
      }),

    resumeRun: (projectId) =>
      asWriter(projectId, async () => {
        await (await runner(projectId)).resume();
        // Written again: whatever the disk said before, there is room now.
        engine.notices.clear(projectId, 'storage-full');
        return done;
      }),

    executeAll: (projectId) =>
      asWriter(projectId, async () => {
        const state = await store.load(projectId);
        const halted = engine.notices.get(projectId)?.kind === 'storage-full';
        if (state.project?.runStatus === 'running' && !halted) return done;
        await (await runner(projectId)).resume();
        engine.notices.clear(projectId, 'storage-full');
        return done;
      }),

    stepRun: (projectId) => asWriter(projectId, async () => ok({ taskId: await (await runner(projectId)).step() })),

    cancelTask: (projectId, taskId) =>
      asWriter(projectId, async () => {
        await (await runner(projectId)).cancel(taskId);
        return done;
      }),

    switchModel: (projectId, taskId) =>
      asWriter(projectId, async () => {
        await (await runner(projectId)).switchModel(taskId);
        return done;
      }),

    retryTask: (projectId, taskId, instructions) =>
      asWriter(projectId, async () => {
        if (instructions !== undefined && (typeof instructions !== 'string' || instructions.length > 20_000)) {
          return fail('bad_input', 'Instructions are text of at most 20,000 characters.');
        }
        await (await runner(projectId)).retry(taskId, instructions);
        return done;
      }),

    stopRun: (projectId) =>
      asWriter(projectId, async () => {
        await (await runner(projectId)).stop();
        return done;
      }),

    emergencyStop: (projectId) =>
      asWriter(projectId, async () => {
        await (await runner(projectId)).emergencyStop();
        return done;
      }),

    setBudget: (projectId, budgetUsd) =>
      asWriter(projectId, async () => {
        if (typeof budgetUsd !== 'number' || !Number.isFinite(budgetUsd) || budgetUsd < 0 || budgetUsd > 100_000) {
          return fail('bad_input', 'A budget is an amount in US dollars between 0 and 100,000.');
        }
        const state = await store.load(projectId);
        const committed = (state.project?.spentUsd ?? 0) + (state.project?.reservedUsd ?? 0);
        if (budgetUsd + 1e-9 < committed) {
          return fail(
            'bad_input',
            `The budget cannot go below the $${committed.toFixed(4)} already spent or set aside for calls in flight.`,
          );
        }
        await (
          await runner(projectId)
        ).command([{ type: 'budget-change', actor: { kind: 'user' }, payload: { limitUsd: budgetUsd } }]);
        return done;
      }),

    exportZip: async (projectId): Promise<Result<ZipExport>> => {
      try {
        const state = await store.load(projectId);
        const project = state.project;
        if (!project) return fail('not_found', 'There is no such project on this device.');
        const readBlob = (hash: string) => store.blob(hash);
        const files: { path: string; content: string; binary: boolean }[] = [];
        for (const artifact of currentFiles(state)) {
          if (artifact.kind !== 'source') continue;
          const content = await readBlob(artifact.contentHash);
          if (content !== undefined)
            files.push({ path: artifact.path, content, binary: isBinaryArtifact(state, artifact) });
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
                command: lastCheckCommand(
                  await store.read(projectId, project.lastCheck.atSeq + 1),
                  project.lastCheck.runId,
                ),
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
        const { buildProjectZip } = await import('../artifacts/zip.ts');
        return ok(await buildProjectZip({ projectName: project.name, files, orchestraMd }));
      } catch (error) {
        return toFailure(error);
      }
    },

    getProjectView: async (projectId) => {
      try {
        const view = toProjectView(await store.saved(projectId));
        return view
          ? ok(withNotice(view, engine.notices.get(projectId)))
          : fail('not_found', 'There is no such project on this device.');
      } catch (error) {
        return toFailure(error);
      }
    },

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

    async getRouterReport(): Promise<Result<RouterReport>> {
      try {
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
      } catch (error) {
        return toFailure(error);
      }
    },

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
