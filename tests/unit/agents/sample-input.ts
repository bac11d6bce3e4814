import type { AgentInput } from '../../../worker/agents/agent-role.ts';
import type { Finding, Plan } from '../../../worker/agents/contracts.ts';

/** An agent input with recognisable text in every field, so prompts can be searched for it. */
export function sampleInput(overrides: Partial<AgentInput> = {}, task: Partial<AgentInput['task']> = {}): AgentInput {
  return {
    project: { name: 'Tide Tables', description: 'A web app that shows tide times for a harbour.', template: null },
    plan: {
      summary: 'A FastAPI backend and a static front end.',
      stack: ['Python 3.12', 'FastAPI'],
      languages: ['python', 'html'],
    },
    task: {
      id: 'api-core',
      title: 'Tide API',
      instructions: 'Implement GET /tides?harbour=NAME returning the next four tides (UNIQUE-INSTRUCTION-7731).',
      expectedArtifacts: ['app/main.py', 'app/tides.py'],
      acceptance: ['Returns 404 for an unknown harbour'],
      kind: 'build',
      round: 1,
      ...task,
    },
    context: '<file path="app/models.py">\nclass Tide:  # UNIQUE-CONTEXT-4410\n    pass\n</file>',
    findings: [],
    conversation: [],
    currentTasks: [],
    maxPlanTasks: 30,
    ...overrides,
  };
}

export const sampleFindings: Finding[] = [
  {
    severity: 'critical',
    file: 'app/tides.py',
    line: 42,
    message: 'Division by zero when the harbour has no readings (UNIQUE-FINDING-1).',
    suggestion: 'Return an empty list before dividing.',
  },
  {
    severity: 'minor',
    file: 'static/index.html',
    line: null,
    message: 'The page has no <title> (UNIQUE-FINDING-2).',
    suggestion: '',
  },
];

export const samplePlan: Plan = {
  summary: 'A tide table web app.',
  complexity: 'small',
  estimate: { tokens: 40_000, costUsd: 0.35 },
  stack: ['Python 3.12', 'FastAPI', 'pytest'],
  languages: ['python', 'html', 'css', 'javascript'],
  tasks: [
    {
      id: 'api-core',
      role: 'code-generator',
      title: 'Tide API',
      instructions: 'Build the API.',
      dependsOn: [],
      expectedArtifacts: ['app/main.py'],
      acceptance: ['GET /tides works'],
    },
    {
      id: 'ui-shell',
      role: 'ui-designer',
      title: 'Tide page',
      instructions: 'Build the page.',
      dependsOn: ['api-core'],
      expectedArtifacts: ['static/index.html', 'static/app.js'],
      acceptance: ['Shows the next tides'],
    },
    {
      id: 'tests-api',
      role: 'test-writer',
      title: 'API tests',
      instructions: 'Test the API.',
      dependsOn: ['api-core'],
      expectedArtifacts: ['tests/test_main.py'],
      acceptance: ['Covers unknown harbours'],
    },
    {
      id: 'review',
      role: 'debugger',
      title: 'Review',
      instructions: 'Review everything.',
      dependsOn: ['api-core', 'ui-shell', 'tests-api'],
      expectedArtifacts: [],
      acceptance: [],
    },
  ],
};
