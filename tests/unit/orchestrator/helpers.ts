import { createWorkerApi } from '../../../worker/api.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import type { ProjectView } from '../../../worker/projects/project-view.ts';
import type { RunLimits } from '../../../worker/orchestrator/limits.ts';
import { ProviderService } from '../../../worker/providers/provider-service.ts';
import { mulberry32 } from '../../../worker/router/index.ts';
import { type RoleScript, scriptTeam } from '../../sim/agent-script.ts';
import type { Simulator } from '../../sim/simulator.ts';
import { builderAnswer, files, passingReview, reviewWithMajorFinding, teamPlan } from '../../sim/team-answers.ts';

let counter = 0;

/** The worker API as worker/index.ts wires it, on the database `name` (fresh by default), with no key set. */
export function engineWithoutKey(limits: Partial<RunLimits> = {}, name = `orchestrator-${++counter}-${Date.now()}`) {
  const db = new OrchestraDb(name);
  const api = createWorkerApi({
    db,
    engine: createEngine(db),
    storage: undefined,
    appOrigin: '',
    providers: (options) => Promise.resolve(new ProviderService(db, options)),
    orchestrator: { limits, random: mulberry32(7), templateDelayMs: 0 },
  });
  return { api, db };
}

/** The worker API as worker/index.ts wires it, on a fresh database, with OpenAI pointed at the simulator. */
export async function engineWithTeam(
  sim: Simulator,
  limits: Partial<RunLimits> = {},
  name = `orchestrator-${++counter}-${Date.now()}`,
) {
  const { api, db } = engineWithoutKey(limits, name);
  await api.updateProvider('openai', { baseUrl: sim.baseUrl('openai') });
  await api.setKey('openai', 'sk-test-orchestra-0000000000');
  return { api, db };
}

/** The default team: plan, builders by task, a review that finds a major problem, then passes. */
export function scriptDefaultTeam(sim: Simulator, overrides: Partial<Record<string, RoleScript>> = {}) {
  scriptTeam(sim, 'openai', {
    'project-manager': { kind: 'json', value: teamPlan },
    'code-generator': (request) => builderAnswer(request),
    'ui-designer': { kind: 'json', value: files.ui },
    'test-writer': { kind: 'json', value: files.tests },
    debugger: (_request, nth) => ({ kind: 'json', value: nth === 1 ? reviewWithMajorFinding : passingReview }),
    chat: { kind: 'json', value: { reply: 'Noted.', changes: { add: [], update: [], cancel: [] } } },
    ...overrides,
  });
}

/** Polls the project until `until` holds (runs move in the background). */
export async function waitFor(
  api: Awaited<ReturnType<typeof engineWithTeam>>['api'],
  projectId: string,
  until: (view: ProjectView) => boolean,
  timeoutMs = 20_000,
): Promise<ProjectView> {
  const started = Date.now();
  for (;;) {
    const result = await api.getProjectView(projectId);
    if (result.ok && until(result.value)) return result.value;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`Timed out; the project is ${JSON.stringify(result.ok ? summary(result.value) : result)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Creates a project, opens it, plans it and approves the plan: the run is then under way. */
export async function approvedRun(
  api: Awaited<ReturnType<typeof engineWithTeam>>['api'],
  input: Parameters<Awaited<ReturnType<typeof engineWithTeam>>['api']['createProject']>[0],
): Promise<string> {
  const created = await api.createProject(input);
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  await api.openProject(projectId);
  await api.startRun(projectId);
  await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  await api.approvePlan(projectId);
  return projectId;
}

export function summary(view: ProjectView) {
  return {
    run: view.project.runStatus,
    pause: view.project.pauseReason,
    plan: view.project.plan?.status,
    message: view.project.runMessage,
    tasks: view.tasks.map(
      (task) => `${task.taskId}:${task.status}:${task.attempt}${task.lastError ? `:${task.lastError.message}` : ''}`,
    ),
  };
}

/** A Web app project the Template provider built, its run ended: the start of a change. */
export async function templateProject(api: ReturnType<typeof engineWithoutKey>['api']): Promise<string> {
  const created = await api.createProject({ name: 'Chores', description: 'A chores web app', template: 'web-app' });
  if (!created.ok) throw new Error(created.message);
  const { projectId } = created.value;
  await api.openProject(projectId);
  await api.startRun(projectId);
  await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  await api.approvePlan(projectId);
  await waitFor(api, projectId, (view) => view.project.runStatus === 'stopped');
  return projectId;
}
