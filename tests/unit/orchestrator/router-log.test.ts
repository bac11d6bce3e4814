import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import { Orchestrator } from '../../../worker/orchestrator/orchestrator.ts';
import { orchestratorDepsOf } from '../../../worker/orchestrator/orchestrator-deps.ts';
import { createRunCommands } from '../../../worker/orchestrator/run-commands.ts';
import { createProjectCommands } from '../../../worker/projects/project-commands.ts';
import { ProviderService } from '../../../worker/providers/provider-service.ts';
import { mulberry32 } from '../../../worker/router/index.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { scriptDefaultTeam, waitFor } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

/** An engine as worker/index.ts wires it, with its orchestrator in reach. */
async function engineOn(name: string, seed: number) {
  const db = new OrchestraDb(name);
  const engine = createEngine(db);
  const service = new ProviderService(db, { appOrigin: '' });
  const orchestrator = new Orchestrator(orchestratorDepsOf(engine), {
    providers: () => Promise.resolve(service),
    random: mulberry32(seed),
    templateDelayMs: 0,
  });
  await service.updateConfig('openai', { baseUrl: sim.baseUrl('openai') });
  await service.keys.set('openai', 'sk-test-router-log-000000000000');
  return { orchestrator, projects: createProjectCommands(engine), run: createRunCommands(engine, orchestrator) };
}

test('what the router learns is in the log: a fresh engine on the same device rebuilds exactly the same posteriors', async () => {
  const name = `router-log-${Date.now()}`;
  const first = await engineOn(name, 21);
  scriptDefaultTeam(sim);
  const api = { getProjectView: (projectId: string) => first.run.getProjectView(projectId) };
  let lastProject = '';
  for (const preference of ['balanced', 'cheapest', 'balanced'] as const) {
    const created = await first.projects.createProject({
      name: `P ${preference}`,
      description: 'Notes.',
      preference,
      autoApprove: true,
    });
    if (!created.ok) throw new Error(created.message);
    lastProject = created.value.projectId;
    await first.run.startRun(lastProject);
    await waitFor(api as never, lastProject, (view) => view.project.runStatus === 'stopped');
  }
  const learned = {
    balanced: first.orchestrator.chooser.router('balanced').toJSON(),
    cheapest: first.orchestrator.chooser.router('cheapest').toJSON(),
  };
  expect(learned.balanced.decisions).toBeGreaterThan(10);
  // The engine sends each task's content as signals (length, file kinds, words): the
  // router learned their effects, and replaying the log below rebuilds them too.
  const contentKeys = Object.values(learned.balanced.features).flatMap((byKey) => Object.keys(byKey));
  expect(contentKeys.filter((key) => key.startsWith('s:ext:')).length).toBeGreaterThan(0);
  expect(contentKeys.filter((key) => key.startsWith('s:len:')).length).toBeGreaterThan(0);

  const second = await engineOn(name, 99);
  await second.orchestrator.runner(lastProject);
  expect(second.orchestrator.chooser.router('balanced').toJSON()).toEqual(learned.balanced);
  expect(second.orchestrator.chooser.router('cheapest').toJSON()).toEqual(learned.cheapest);
});
