import { createHash } from 'node:crypto';
import { expect, test } from 'vitest';
import type { AgentInput, AgentRole } from '../../../worker/agents/agent-role.ts';
import {
  codeGenerator,
  debuggerAgent,
  projectManager,
  projectManagerChat,
  testWriter,
  uiDesigner,
} from '../../../worker/agents/index.ts';
import { measure } from '../../../worker/budget/utf8-length.ts';
import { buildContext, ContextCache, renderContext, renderedContextOf } from '../../../worker/orchestrator/context.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';
import { randomAgentInput, randomFiles } from './random-input.ts';

const agents: AgentRole<unknown>[] = [
  codeGenerator,
  uiDesigner,
  testWriter,
  debuggerAgent,
  projectManager,
  projectManagerChat,
];
const encoded = (text: string) => new TextEncoder().encode(text).length;

/**
 * For seeds 1 to 31 of `randomAgentInput` and `randomFiles`: a digest of every agent's
 * prompt of the input as it is, and of the input carrying the rendered files. First made
 * by the code as it was before prompts were measured (commit 03987e8); made again when
 * prompts were laid out stable prefix first (project, upstream files in the order they
 * were made, then the task). Prompts must not change by a single code unit unless the layout is changed
 * on purpose, and the plain and measured prompts never differ.
 */
const before = [
  '768ca4e72d27e33c',
  'de7924d0bb392c5a',
  '143dad4a3db9fdbc',
  '9cca6bedc61dfd39',
  '0a969964f6e1a2b8',
  '8758f51fc9213c27',
  '1a9cb5821a131cc0',
  'e79c20a85d691a1d',
  '5266fc4b081821f0',
  '6d7980a468d4ccac',
  'e95bf48ca5d3cac4',
  '5a2b46540c765a1b',
  '659f98dffec3491c',
  '528716e8e8456864',
  '779af915440dc75f',
  'f07034653ecb2e38',
  '537e10bbf01a8343',
  '75edb6bd97be654b',
  '63c161c72dd82663',
  'cd35ba18369d1ed3',
  '44047b62dcc70086',
  '4421ba645bb690a5',
  'e87958d8221327b2',
  'df01305f287a297a',
  'e262e3f8a5fad4d5',
  'bd64be6de666ec84',
  '9173f176818a96ff',
  '9abe671fa1e552b4',
  '98d591c28ba9e677',
  '551c7b4c2eb75137',
  '266195d9b4974508',
];

/** The first 16 hex digits of the SHA-256 of every prompt, each as its length and its UTF-16 code units. */
function digest(prompts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const prompt of prompts) {
    hash.update(`${prompt.length}:`);
    hash.update(Buffer.from(prompt, 'utf16le'));
  }
  return hash.digest('hex').slice(0, 16);
}

function seeded(seed: number) {
  const random = mulberry32(seed);
  const input = randomAgentInput(random);
  return { input, ...randomFiles(random) };
}

test('prompts are the very texts the code made before they were measured', () => {
  for (let seed = 1; seed <= before.length; seed++) {
    const { input, files, budgetTokens, focus } = seeded(seed);
    const cache = new ContextCache();
    const context = files.length ? renderContext(buildContext(files, { budgetTokens, focus, cache }), cache) : '';
    const rendered = renderedContextOf(files, { budgetTokens, focus, cache: new ContextCache() });
    const withFiles: AgentInput = { ...input, context: rendered.text, measuredContext: rendered.shown };
    const plainPrompts = agents.flatMap((agent) => [agent.prompt(input), agent.prompt({ ...input, context })]);
    const measuredPrompts = agents.flatMap((agent) => [
      agent.measuredPrompt(input).text,
      agent.measuredPrompt(withFiles).text,
    ]);
    expect(digest(plainPrompts), `seed ${seed}`).toBe(before[seed - 1]);
    expect(digest(measuredPrompts), `seed ${seed}`).toBe(before[seed - 1]);
  }
});

test('property: a measured prompt is the prompt, with the UTF-8 length TextEncoder gives it', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const { input, files, budgetTokens, focus } = seeded(seed);
    const rendered = renderedContextOf(files, { budgetTokens, focus, cache: new ContextCache() });
    const inputs: AgentInput[] = [
      input,
      { ...input, measuredContext: measure(input.context.trimEnd()) },
      { ...input, context: rendered.text },
      { ...input, context: rendered.text, measuredContext: rendered.shown },
    ];
    for (const agent of agents) {
      for (const [shape, given] of inputs.entries()) {
        const prompt = agent.prompt(given);
        const measured = agent.measuredPrompt(given);
        const where = `seed ${seed}, ${agent.title}, input ${shape}`;
        expect(measured.text, where).toBe(prompt);
        expect(measured.utf8Bytes, where).toBe(encoded(prompt));
        expect(measured.startsLow, where).toBe(/^[\udc00-\udfff]/.test(prompt));
        expect(measured.endsHigh, where).toBe(/[\ud800-\udbff]$/.test(prompt));
      }
      // The measured context changes how the prompt is counted, never what it says.
      expect(agent.prompt(inputs[3] as AgentInput)).toBe(agent.prompt(inputs[2] as AgentInput));
    }
  }
});

test('property: the stable prefix starts every prompt, holds the project and upstream files, and no task text', () => {
  const cachedAgents = [codeGenerator, uiDesigner, testWriter, debuggerAgent];
  for (let seed = 1; seed <= 200; seed++) {
    const { input, files, budgetTokens, focus } = seeded(seed);
    const rendered = renderedContextOf(files, { budgetTokens, focus, cache: new ContextCache() });
    const withFiles: AgentInput = { ...input, context: rendered.text, measuredContext: rendered.shown };
    // Another task of the same role, on the same project and files: a different task entirely.
    const other: AgentInput = {
      ...withFiles,
      task: { ...withFiles.task, id: `${withFiles.task.id}-other`, title: 'Another task', instructions: 'Other.' },
      findings: [],
    };
    for (const agent of cachedAgents) {
      const where = `seed ${seed}, ${agent.title}`;
      const prompt = agent.prompt(withFiles);
      const cut = agent.stablePrefixChars?.(withFiles) ?? 0;
      expect(cut, where).toBeGreaterThan(0);
      const prefix = prompt.slice(0, cut);
      expect(prefix.startsWith('# Project: '), where).toBe(true);
      expect(prefix, where).not.toContain('## Your task');
      expect(prompt.slice(cut), where).toContain('## Your task');
      if (rendered.shown.text.length > 0) expect(prefix.endsWith(rendered.shown.text), where).toBe(true);
      expect(agent.prompt(other).slice(0, agent.stablePrefixChars?.(other) ?? 0), where).toBe(prefix);
      expect(agent.measuredPrompt(withFiles).text.slice(0, cut), where).toBe(prefix);
      const ends = agent.stableBlockEnds?.(withFiles) ?? [];
      for (const end of ends) {
        expect(end, where).toBeGreaterThan(0);
        expect(end, where).toBeLessThan(cut);
        expect(prefix[end], where).toBe('#');
      }
      expect(ends, where).toEqual([...ends].sort((a, b) => a - b));
    }
  }
});
