/**
 * A change to the Web app template's project, as the scripted team answers it on the
 * simulator: the Project Manager's change plan (edit src/tasks.js and its tests, add
 * src/summary.js, review), and the builders' edit blocks against the template's files.
 */
import type { RecordedRequest } from './simulator.ts';
import type { Scenario } from './scenario.ts';
import { bodyText, passingReview } from './team-answers.ts';

/** Whether the request asks for a change plan (the Project Manager in change mode). */
export const isChangePlanRequest = (request: RecordedRequest) => bodyText(request).includes('orchestra_change_plan');

/** Whether the request asks a builder for a change (edit blocks). */
export const isChangeRequest = (request: RecordedRequest) => bodyText(request).includes('"orchestra_change"');

export const changeRequestText = 'Add a way to clear the finished tasks, and a one-line summary of the list.';

export const webAppChangePlan = {
  summary: 'Adds clearCompleted to the task logic with a test, and a summary helper in a new module.',
  complexity: 'small',
  estimate: { tokens: 9_000, costUsd: 0.02 },
  stack: ['Node.js', 'JavaScript'],
  languages: ['javascript'],
  tasks: [
    {
      id: 'clear-done',
      role: 'code-generator',
      title: 'Clear finished tasks',
      instructions: 'Add clearCompleted(tasks) to src/tasks.js; add src/summary.js with summary(tasks).',
      dependsOn: [],
      expectedArtifacts: ['src/tasks.js', 'src/summary.js'],
      acceptance: ['clearCompleted keeps only unfinished tasks'],
      modifies: ['src/tasks.js'],
      adds: ['src/summary.js'],
    },
    {
      id: 'tests-clear',
      role: 'test-writer',
      title: 'Test clearing finished tasks',
      instructions: 'Add a test of clearCompleted to test/tasks.test.js.',
      dependsOn: ['clear-done'],
      expectedArtifacts: ['test/tasks.test.js'],
      acceptance: ['The new test passes'],
      modifies: ['test/tasks.test.js'],
      adds: [],
    },
    {
      id: 'review',
      role: 'debugger',
      title: 'Review the change',
      instructions: 'Review the change.',
      dependsOn: ['clear-done', 'tests-clear'],
      expectedArtifacts: [],
      acceptance: [],
      modifies: [],
      adds: [],
    },
  ],
};

/** The lines the change adds to src/tasks.js, after `remaining`. */
export const clearCompletedSource = [
  '',
  'export function clearCompleted(tasks) {',
  '  return tasks.filter((task) => !task.done);',
  '}',
  '',
].join('\n');

export const summarySource =
  "import { remaining } from './tasks.js';\n\nexport const summary = (tasks) => `${remaining(tasks)} of ${tasks.length} left`;\n";

const remainingFunction =
  'export function remaining(tasks) {\n  return tasks.filter((task) => !task.done).length;\n}\n';

/** The Code Generator's answer: one edit block in src/tasks.js, one new file. */
export const codeChange = (search = remainingFunction) => ({
  files: [{ path: 'src/summary.js', language: 'javascript', content: summarySource }],
  edits: [{ path: 'src/tasks.js', search, replace: `${remainingFunction}${clearCompletedSource}` }],
  notes: 'Added clearCompleted and a summary module.',
});

export const testImportBefore = "import { addTask, remaining, removeTask, toggleTask } from '../src/tasks.js';";
export const testImportAfter =
  "import { addTask, clearCompleted, remaining, removeTask, toggleTask } from '../src/tasks.js';";
const lastTestEnd = "  assert.deepEqual(tasks.map((task) => task.title), ['a']);\n});\n";
export const clearTestSource = [
  '',
  "test('clearing finished tasks keeps the others', () => {",
  "  let tasks = addTask(addTask([], 'a'), 'b');",
  '  tasks = toggleTask(tasks, tasks[0].id);',
  "  assert.deepEqual(clearCompleted(tasks).map((task) => task.title), ['b']);",
  '});',
  '',
].join('\n');

/** The Test Writer's answer: two edit blocks in one file. */
export const testChange = {
  files: [],
  edits: [
    { path: 'test/tasks.test.js', search: testImportBefore, replace: testImportAfter },
    { path: 'test/tasks.test.js', search: lastTestEnd, replace: `${lastTestEnd}${clearTestSource}` },
  ],
  notes: 'Tested clearCompleted.',
};

/** The team's answers to the change, by role (merge them into a `scriptTeam` call). */
export function webAppChangeTeam(pace: { firstTokenMs?: number; tokensPerSecond?: number } = {}) {
  return {
    'project-manager': (request: RecordedRequest): Scenario | undefined =>
      isChangePlanRequest(request) ? { kind: 'json', value: webAppChangePlan, ...pace } : undefined,
    'code-generator': { kind: 'json', value: codeChange(), ...pace } as Scenario,
    'test-writer': { kind: 'json', value: testChange, ...pace } as Scenario,
    debugger: { kind: 'json', value: passingReview, ...pace } as Scenario,
  };
}

/** A change that deletes a file: the stylesheet goes, its few rules inlined in index.html. */
export const dropStylesRequestText = 'Drop the separate stylesheet: keep only a font rule, inline in index.html.';

export const stylesLink = '    <link rel="stylesheet" href="styles.css" />\n';
export const inlineStyle = '    <style>body { font-family: system-ui, sans-serif; }</style>\n';
export const dropStylesReason = 'Its one remaining rule is inlined in index.html';

export const dropStylesPlan = {
  summary: 'Inlines the font rule in index.html and deletes styles.css.',
  complexity: 'small',
  estimate: { tokens: 4_000, costUsd: 0.01 },
  stack: ['JavaScript', 'HTML'],
  languages: ['javascript', 'html'],
  tasks: [
    {
      id: 'inline-styles',
      role: 'code-generator',
      title: 'Inline the styles and delete the stylesheet',
      instructions: 'Replace the stylesheet link in index.html with an inline font rule; delete styles.css.',
      dependsOn: [],
      expectedArtifacts: ['index.html'],
      acceptance: ['index.html no longer links styles.css'],
      modifies: ['index.html'],
      adds: [],
      deletes: ['styles.css'],
    },
    {
      id: 'review',
      role: 'debugger',
      title: 'Review the change',
      instructions: 'Review the change.',
      dependsOn: ['inline-styles'],
      expectedArtifacts: [],
      acceptance: [],
      modifies: [],
      adds: [],
      deletes: [],
    },
  ],
};

/** The Code Generator's answer: one edit block in index.html, and styles.css deleted. */
export const dropStylesChange = (deletes = [{ path: 'styles.css', reason: dropStylesReason }]) => ({
  files: [],
  edits: [{ path: 'index.html', search: stylesLink, replace: inlineStyle }],
  deletes,
  notes: 'Inlined the font rule; styles.css is gone.',
});

/** The team's answers to the stylesheet change, by role (merge them into a `scriptTeam` call). */
export function dropStylesTeam(pace: { firstTokenMs?: number; tokensPerSecond?: number } = {}) {
  return {
    'project-manager': (request: RecordedRequest): Scenario | undefined =>
      isChangePlanRequest(request) ? { kind: 'json', value: dropStylesPlan, ...pace } : undefined,
    'code-generator': { kind: 'json', value: dropStylesChange(), ...pace } as Scenario,
    debugger: { kind: 'json', value: passingReview, ...pace } as Scenario,
  };
}
