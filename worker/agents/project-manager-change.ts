import { joinMeasured } from '../budget/utf8-length.ts';
import { type ChangePlan, changePlanSchema } from '../changes/change-plan.ts';
import type { AgentInput, AgentRole } from './agent-role.ts';
import { jsonSchemaOf } from './contracts.ts';
import { findingsSection, identityLine, projectSection, promptOf, teamNote } from './prompt-sections.ts';
import { roleTitles } from './role-titles.ts';

/*
 * The Project Manager in change-plan mode: the project is built, and the person asks for a
 * change. It reads the project as it stands (files, last plan, open findings, last test
 * run) and proposes tasks that each name the existing files they modify and the new files
 * they add, so the plan is checked against the project before anyone pays for it.
 */

const title = roleTitles['project-manager'];

const systemPrompt = [
  identityLine(title, 'project-manager'),
  'The project is already built. The person asks for a change to it; you plan that change as a small graph of tasks on top of the project as it stands. You do not plan the project again.',
  teamNote,
  '',
  'How you plan a change:',
  '- Change only what the request needs. Keep the stack, the languages, the file layout and the names other files use; never rewrite a file that does not need to change.',
  '- Each task names `modifies`: existing files it changes (exactly as listed under "The project\'s files"), and `adds`: new files it creates. A file that is not in the project cannot be modified: list it under `adds`. A file that exists cannot be added: list it under `modifies`. Tasks that change the same file depend on one another.',
  '- A task may also name `deletes`: existing files the change makes obsolete (replaced, merged into another, no longer used), exactly as listed. No other task may modify a file that is deleted; a task that adds a file again at a deleted path depends on the task deleting it. `deletes` is empty otherwise.',
  '- `expectedArtifacts` lists the same files: `modifies` and `adds` together (not `deletes`).',
  '- Agents change existing files with edit blocks (exact text to find and its replacement), so say in `instructions` precisely what to change in each file: which function, which element, what behaviour.',
  '- Update or add tests for the changed behaviour (a Test Writer task that depends on the tasks whose code it tests), and end with one Debugger review task (`modifies`, `adds` and `deletes` empty) that depends on every other task.',
  '- Address the open findings and failing tests listed below when the request touches them; do not plan unrelated work.',
  '- `summary`: what will change and how, in a short paragraph the person can approve. `complexity`, `estimate`, `stack` and `languages` as for a plan: the stack and languages of the project as it is.',
  '- Task ids are short kebab-case and unique in this plan; roles are only code-generator, ui-designer, test-writer or debugger.',
  '',
  'Output rules: answer with a single JSON object matching the schema — {"summary", "complexity", "estimate": {"tokens", "costUsd"}, "stack", "languages", "tasks": [{"id", "role", "title", "instructions", "dependsOn", "expectedArtifacts", "acceptance", "modifies", "adds", "deletes"}]} — and nothing else: no Markdown fences, no prose.',
].join('\n');

/** The tasks of the plan the project was built (or last changed) with, and how they ended. */
function lastPlanSection(input: AgentInput): string {
  const tasks = input.currentTasks.filter((task) => task.role !== 'project-manager');
  if (tasks.length === 0) return '## The last plan\n\nNo tasks were run on this project here (it was brought in).';
  return [
    '## The last plan',
    '',
    ...tasks.map((task) => `- ${task.id} [${task.status}] (${task.role}) ${task.title}`),
  ].join('\n');
}

function filesSection(input: AgentInput) {
  const heading = "## The project's files\n\n";
  const shown = input.measuredContext;
  // Measured when the orchestrator measured the files: their text is not read again here.
  if (shown !== undefined && shown.text.length > 0) return joinMeasured([heading, shown]);
  const body = input.context.trim();
  return `${heading}${body === '' ? 'The project has no text files.' : body}`;
}

function requestSection(input: AgentInput): string {
  const lines = ['## The change the person asks for', '', input.task.instructions.trim() || '(no request given)'];
  if (input.task.acceptance.length > 0)
    lines.push('', 'Constraints:', ...input.task.acceptance.map((line) => `- ${line}`));
  return lines.join('\n');
}

/** Plans a change to a built project: tasks with the files they modify and add. */
export const projectManagerChange: AgentRole<ChangePlan> = {
  role: 'project-manager',
  title,
  taskType: 'plan',
  purpose: 'Plans a change to the project as it stands: which files each task modifies and adds.',
  systemPrompt,
  output: changePlanSchema,
  responseFormat: { type: 'json', name: 'orchestra_change_plan', schema: jsonSchemaOf(changePlanSchema) },
  maxOutputTokens: 8_000,
  receivesFrom: ['code-generator', 'ui-designer', 'test-writer'],
  ...promptOf((input) => [
    projectSection(input),
    lastPlanSection(input),
    input.findings.length > 0 && findingsSection('## Findings the last review left open (worst first)', input.findings),
    input.testRun ?? "## The last test run\n\nThe project's tests have not been run on these files.",
    filesSection(input),
    requestSection(input),
    [
      '## Change plan requirements',
      '',
      `- Keep the plan within ${input.maxPlanTasks} tasks; most changes need 2 to 4.`,
      '- Every file in `modifies` is one of the files listed above, spelled exactly; every file in `adds` is not.',
      '- Finish with a debugger review task that depends on all the other tasks.',
    ].join('\n'),
    'Write the change plan now. Reply with the JSON object only.',
  ]),
};
