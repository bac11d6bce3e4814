import { expect, test } from 'vitest';
import { codeGenerator, debuggerAgent, testWriter, uiDesigner } from '../../../worker/agents/index.ts';
import { emptyProjectState, type ProjectState } from '../../../worker/events/projections/project-state.ts';
import { newTaskRow } from '../../../worker/events/projections/reduce-tasks.ts';
import type { Role } from '../../../worker/events/schemas/common.ts';
import { agentInputFor, upstreamFiles } from '../../../worker/orchestrator/agent-input.ts';
import { buildContext, ContextCache, renderContext } from '../../../worker/orchestrator/context.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';
import { randomText } from '../agents/random-input.ts';
import { writeVersion } from './source-files.ts';

const encoded = (text: string) => new TextEncoder().encode(text).length;
const roles: Role[] = ['code-generator', 'ui-designer', 'test-writer'];
let projects = 0;

/** A project whose tasks each wrote one file of random text, as the reducers would fold it. */
async function randomProject(seed: number) {
  const random = mulberry32(seed);
  const state: ProjectState = emptyProjectState(`measured-${++projects}-${Date.now()}`);
  const blobs = new Map<string, string>();
  const count = 1 + Math.floor(random() * 12);
  for (let i = 0; i < count; i++) {
    const taskId = `t${i}`;
    const role = roles[i % roles.length] as Role;
    state.tasks.set(taskId, { ...newTaskRow(state.projectId, taskId, i), role });
    const path = `src/${randomText(random, 1 + Math.floor(random() * 8)).replace(/\s/g, '_')}_${i}.py`;
    const content = randomText(random, Math.floor(random() * 3000));
    await writeVersion(state, blobs, path, content, role, taskId);
  }
  return { state, readBlob: (hash: string) => Promise.resolve(blobs.get(hash)), random, count };
}

test('property: the context an agent gets is counted exactly, and its measured prompt is its prompt', async () => {
  for (let seed = 1; seed <= 60; seed++) {
    const { state, readBlob, random, count } = await randomProject(seed);
    const task = {
      ...newTaskRow(state.projectId, 'next', count),
      role: 'code-generator' as const,
      dependsOn: [`t${Math.floor(random() * count)}`],
    };
    const budgetTokens = 200 + Math.floor(random() * 3000);
    for (const agent of [codeGenerator, uiDesigner, testWriter, debuggerAgent]) {
      const input = await agentInputFor(state, task, agent, { readBlob, budgetTokens, findings: [], maxPlanTasks: 30 });
      const files = await upstreamFiles(state, task, agent, readBlob);
      const cache = new ContextCache();
      const where = `seed ${seed}, ${agent.title}`;
      expect(input.context, where).toBe(
        files.length === 0
          ? ''
          : renderContext(buildContext(files, { budgetTokens, focus: task.expectedArtifacts, cache }), cache),
      );
      const shown = input.context.trimEnd();
      expect(input.measuredContext?.text, where).toBe(shown);
      expect(input.measuredContext?.utf8Bytes, where).toBe(encoded(shown));
      const unmeasured = { ...input };
      delete unmeasured.measuredContext;
      const prompt = agent.measuredPrompt(input);
      expect(prompt.text, where).toBe(agent.prompt(unmeasured));
      expect(prompt.utf8Bytes, where).toBe(encoded(prompt.text));
    }
  }
});
