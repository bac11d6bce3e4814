import { type ChangeOutput, changeOutputSchema } from '../changes/change-output.ts';
import { changeResponseName } from '../providers/template/template-adapter.ts';
import type { TemplateChangeRequest } from '../providers/template/template-change.ts';
import type { AgentInput, AgentRole } from './agent-role.ts';
import { codeGenerator } from './code-generator.ts';
import type { FileOutput } from './contracts.ts';
import { jsonSchemaOf } from './contracts.ts';
import {
  contextSection,
  fileOutputRules,
  fixSection,
  projectSection,
  cachedPromptOf,
  taskSection,
} from './prompt-sections.ts';
import { testWriter } from './test-writer.ts';
import { uiDesigner } from './ui-designer.ts';

/*
 * The builders when their task changes files that exist — a task of a change plan, or a
 * fix after a review or failing tests: the same agents (same identity, same way of
 * working), answering with edit blocks for the existing files and whole files only for new
 * ones, so a one-line change to a long file costs a few lines, not the file.
 */

/** The output rules of an agent that changes files; they match `changeOutputSchema`. */
export const changeOutputRules = [
  'Output rules (you are changing files that exist):',
  '- Answer with a single JSON object and nothing else: {"files": [{"path", "language", "content"}], "edits": [{"path", "search", "replace"}], "deletes": [{"path", "reason"}], "notes": string}. No Markdown fences, no prose around it.',
  '- To change an existing file, send edit blocks in `edits`: `search` is text copied exactly from the file as shown under "Files you change" — every character, space and line break — and found exactly once in it; `replace` is what goes in its place. Quote a few whole lines, enough to be unique; not the whole file.',
  '- Several blocks may change one file; they must not overlap. All blocks are placed against the file as shown, before any is applied.',
  '- `files` is only for new files (complete content), or a very short file you rewrite whole. Never send a file both whole and as edits.',
  '- You may delete an existing file the change makes obsolete (replaced, merged elsewhere, no longer used): list it in `deletes` with a one-sentence `reason`. Delete only files of the project as listed, never one you also send in `files` or `edits`, and update whatever imports it. `deletes` is empty otherwise.',
  '- `path` is relative to the project root with forward slashes, spelled exactly as listed.',
  '- `notes`: two or three sentences for the rest of the team — what you changed and why. An empty string if there is nothing to say.',
].join('\n');

const fence = (content: string) => (content.includes('```') ? '````' : '```');

/** The files the task modifies, whole, as their blocks must quote them. */
export function editableSection(input: AgentInput): string {
  const files = input.editable ?? [];
  if (files.length === 0)
    return '## Files you change\n\nNone of the files named above exists yet: send them whole in `files`.';
  return [
    '## Files you change (as they stand; quote them exactly in `search`)',
    ...files.map((file) => {
      const marks = fence(file.content);
      return `\n### ${file.path}\n${marks}${file.language}\n${file.content}${file.content.endsWith('\n') ? '' : '\n'}${marks}`;
    }),
  ].join('\n');
}

/** The files the plan says this task deletes, when it names any. */
function deletionsSection(input: AgentInput): string | false {
  const paths = input.task.deletes ?? [];
  if (paths.length === 0) return false;
  return [
    '## Files this task deletes (as the plan says)',
    ...paths.map((path) => `- ${path}`),
    '',
    'List each in `deletes` with its reason, and change the files that use it.',
  ].join('\n');
}

/** What the Template provider gets for a change task: the instructions and the files, as JSON. */
function templateMessage(input: AgentInput): string {
  const editable = new Set((input.editable ?? []).map((file) => file.path));
  const request: TemplateChangeRequest = {
    change: {
      instructions: input.task.instructions,
      modifies: (input.editable ?? []).map(({ path, content }) => ({ path, content })),
      adds: input.task.expectedArtifacts.filter((path) => !editable.has(path)),
      ...(input.task.deletes && input.task.deletes.length > 0 ? { deletes: input.task.deletes } : {}),
    },
  };
  return JSON.stringify(request);
}

function changeAgentOf(base: AgentRole<FileOutput>): AgentRole<ChangeOutput> {
  if (!base.systemPrompt.includes(fileOutputRules)) throw new Error(`${base.title}: no output rules to replace`);
  return {
    role: base.role,
    title: base.title,
    purpose: base.purpose,
    taskType: base.taskType,
    systemPrompt: base.systemPrompt.replace(fileOutputRules, changeOutputRules),
    output: changeOutputSchema,
    responseFormat: { type: 'json', name: changeResponseName, schema: jsonSchemaOf(changeOutputSchema) },
    maxOutputTokens: base.maxOutputTokens,
    receivesFrom: base.receivesFrom,
    editsFiles: true,
    templateMessage,
    // The project and the files shown first, the task last: as the builders' own prompts,
    // so a change or fix task reads the same cached prefix as the role's other calls.
    ...cachedPromptOf(
      (input) => [projectSection(input), contextSection(input)],
      (input) => [
        taskSection(input),
        editableSection(input),
        deletionsSection(input),
        fixSection(input, 'edit-blocks'),
        input.task.kind === 'fix'
          ? 'Fix the findings now: edit blocks for the files that exist, whole files for new ones, deletions for files that go. Reply with the JSON object only.'
          : 'Make the change now: edit blocks for the files that exist, whole files for new ones, deletions for files that go. Reply with the JSON object only.',
      ],
    ),
  };
}

/** The builders that change files, by role. */
export const changeAgents = {
  'code-generator': changeAgentOf(codeGenerator),
  'ui-designer': changeAgentOf(uiDesigner),
  'test-writer': changeAgentOf(testWriter),
} as const;

export type ChangeRole = keyof typeof changeAgents;

/** The builder that changes files for a role, or null for a role that does not write files. */
export function changeAgentFor(role: string): AgentRole<ChangeOutput> | null {
  return role === 'code-generator' || role === 'ui-designer' || role === 'test-writer' ? changeAgents[role] : null;
}
