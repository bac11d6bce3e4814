import { expect, test } from 'vitest';
import {
  codeGenerator,
  debuggerAgent,
  projectManager,
  projectManagerChat,
  testWriter,
  uiDesigner,
} from '../../../worker/agents/index.ts';
import { projectManagerChange } from '../../../worker/agents/project-manager-change.ts';
import { sampleFindings, sampleInput } from './sample-input.ts';

const fileWriters = [codeGenerator, uiDesigner, testWriter];

test('every task prompt carries the project, the instructions, expected files, acceptance and context', () => {
  const input = sampleInput();
  for (const agent of [...fileWriters, debuggerAgent, projectManager]) {
    const prompt = agent.prompt(input);
    expect(prompt, agent.title).toContain('Tide Tables');
    expect(prompt).toContain('A web app that shows tide times for a harbour.');
    expect(prompt).toContain('UNIQUE-INSTRUCTION-7731');
    expect(prompt).toContain('Returns 404 for an unknown harbour');
    expect(prompt).toContain('Python 3.12, FastAPI');
    expect(prompt).toMatch(/JSON/);
  }
  for (const agent of [...fileWriters, debuggerAgent]) {
    expect(agent.prompt(input)).toContain(input.context);
    expect(agent.prompt(input)).toContain('app/tides.py');
  }
});

test('an empty context says so instead of leaving a blank section', () => {
  expect(codeGenerator.prompt(sampleInput({ context: '' }))).toContain('No upstream files yet.');
});

test('fix prompts list every finding with file, line and severity, and ask for full files', () => {
  const input = sampleInput({ findings: sampleFindings }, { kind: 'fix', round: 2 });
  for (const agent of fileWriters) {
    const prompt = agent.prompt(input);
    expect(prompt).toContain('UNIQUE-FINDING-1');
    expect(prompt).toContain('UNIQUE-FINDING-2');
    expect(prompt).toContain('app/tides.py:42');
    expect(prompt).toContain('[critical]');
    expect(prompt).toContain('Return an empty list before dividing.');
    expect(prompt).toMatch(/corrected full files/);
  }
});

test('build prompts do not mention findings', () => {
  const prompt = codeGenerator.prompt(sampleInput({ findings: sampleFindings }));
  expect(prompt).not.toContain('UNIQUE-FINDING-1');
});

test('file-writing agents are told: relative paths, no "..", complete files, JSON only, the languages', () => {
  for (const agent of fileWriters) {
    const system = agent.systemPrompt;
    expect(system).toMatch(/relative/);
    expect(system).toContain('".."');
    expect(system).toMatch(/complete file/);
    expect(system).toMatch(/Never elide/);
    expect(system).toMatch(/single JSON object and nothing else/);
    for (const language of ['Python', 'JavaScript', 'TypeScript', 'HTML', 'CSS']) expect(system).toContain(language);
  }
});

test('the UI Designer forbids inline scripts and handlers', () => {
  expect(uiDesigner.systemPrompt).toMatch(/No inline scripts or event handlers/);
  expect(uiDesigner.systemPrompt).toContain('on*=');
});

test('the Debugger asks for severity, file and line, and re-checks earlier findings in later rounds', () => {
  expect(debuggerAgent.systemPrompt).toMatch(/critical/);
  expect(debuggerAgent.systemPrompt).toMatch(/1-based line/);
  const later = debuggerAgent.prompt(sampleInput({ findings: sampleFindings }, { kind: 'review', round: 2 }));
  expect(later).toContain('UNIQUE-FINDING-1');
  expect(later).toContain('review round 2');
  expect(debuggerAgent.prompt(sampleInput({}, { kind: 'review' }))).not.toContain('previous review round');
});

test('the plan prompt states the planning rules and the run’s task limit', () => {
  const input = sampleInput({ plan: null, maxPlanTasks: 7 }, { acceptance: [] });
  const prompt = projectManager.prompt(input);
  expect(prompt).toContain('Keep the plan within 7 tasks.');
  expect(prompt).toMatch(/kebab-case/);
  expect(prompt).toMatch(/code-generator, ui-designer, test-writer or debugger/);
  expect(prompt).toMatch(/dependsOn/);
  expect(prompt).toMatch(/debugger review task that depends on all the build and test tasks/);
  expect(prompt).toMatch(/Estimate the total tokens and the cost/);
  expect(projectManager.systemPrompt).toMatch(/Never "project-manager"/);
});

test('the task limit is the run’s number alone: no line of the acceptance criteria is read for it', () => {
  const input = sampleInput({ maxPlanTasks: 9 }, { acceptance: ['The plan has at most 3 tasks.'] });
  for (const planner of [projectManager, projectManagerChange]) {
    expect(planner.prompt(input)).toContain('within 9 tasks');
    expect(planner.prompt(input)).not.toContain('within 3 tasks');
  }
});

test('the chat prompt carries the conversation in order and the current tasks with their status', () => {
  const input = sampleInput({
    conversation: [
      { from: 'user', text: 'Can you add a dark mode? (FIRST)' },
      { from: 'project-manager', text: 'Sure (SECOND)' },
      { from: 'user', text: 'And a print view (THIRD)' },
    ],
    currentTasks: [
      { id: 'ui-shell', role: 'ui-designer', title: 'Tide page', status: 'pending', instructions: 'Build the page.' },
      { id: 'api-core', role: 'code-generator', title: 'Tide API', status: 'done', instructions: '' },
    ],
  });
  const prompt = projectManagerChat.prompt(input);
  const first = prompt.indexOf('FIRST');
  expect(first).toBeGreaterThan(-1);
  expect(prompt.indexOf('SECOND')).toBeGreaterThan(first);
  expect(prompt.indexOf('THIRD')).toBeGreaterThan(prompt.indexOf('SECOND'));
  expect(prompt).toContain('ui-shell [pending]');
  expect(prompt).toContain('api-core [done]');
  expect(projectManagerChat.systemPrompt).toMatch(/only tasks that have not started/);
});
