import { joinMeasured, type MeasuredText, measure } from '../budget/utf8-length.ts';
import type { Role } from '../events/schemas/common.ts';
import type { AgentInput, AgentRole } from './agent-role.ts';
import type { Finding } from './contracts.ts';

/*
 * Pieces shared by the agents' prompts, so every agent sees the project, its task and its
 * upstream files laid out the same way, and a fix to the wording lands everywhere.
 */

/** The first line of every system prompt; the provider simulator and tests key on it. */
export function identityLine(title: string, role: Role): string {
  return `You are the ${title} of an Orchestra software team (role: ${role}).`;
}

/** Who else is on the team, so an agent knows what not to do itself. */
export const teamNote = [
  'The team: the Project Manager plans the work; the Code Generator writes the backend, domain logic and algorithms;',
  'the UI Designer writes the browser front end (HTML, CSS, JavaScript); the Test Writer writes automated tests;',
  'the Debugger reviews code and tests and reports findings that become fix tasks.',
].join(' ');

/** Conventions per language, for the agents that write files. */
export const languageConventions = [
  'Language conventions:',
  '- Python 3.11+: type hints on public functions, docstrings that say why, standard library before third-party packages, `if __name__ == "__main__":` for entry points, pathlib for paths, no bare `except:`.',
  '- JavaScript: ES modules (`import`/`export`), `const` by default, `async`/`await` rather than callback chains, `===`, no global variables.',
  '- TypeScript: strict mode, explicit types at module boundaries, no `any`, `import type` for types.',
  '- HTML: valid HTML5 with `<!doctype html>`, `lang`, `<meta charset="utf-8">` and a viewport meta tag, semantic elements, a `<label>` for every form control.',
  '- CSS: custom properties for colours and spacing, mobile-first layout with flexbox or grid, no `!important`.',
  '- Other languages: follow the community style guide and the idioms of the stack.',
].join('\n');

/** Rules every file-producing agent follows; they match `fileOutputSchema`. */
export const fileOutputRules = [
  'Output rules:',
  '- Answer with a single JSON object and nothing else: {"files": [{"path": string, "language": string, "content": string}], "notes": string}. No Markdown fences, no prose around it.',
  '- `path` is relative to the project root with forward slashes (e.g. "src/app.py"); never start it with "/" and never use "..".',
  '- `language` is the language in lower case: python, javascript, typescript, html, css, json, markdown, toml, yaml, text, ...',
  '- `content` is the complete file exactly as it must be saved. Never elide anything with "...", "// rest unchanged", "# same as before" or similar: the file you return replaces the old one entirely.',
  '- Return every file listed under "Expected files", plus any small helper file your code needs; return at least one file.',
  '- `notes`: two or three sentences for the rest of the team — what you built, assumptions you made, how to run it. An empty string if there is nothing to say.',
].join('\n');

const bullets = (items: readonly string[], empty: string): string =>
  items.length > 0 ? items.map((item) => `- ${item}`).join('\n') : `- ${empty}`;

/** The project and, once there is one, the plan's summary and stack. */
export function projectSection(input: AgentInput): string {
  const lines = [`# Project: ${input.project.name}`, '', input.project.description.trim() || '(no description)'];
  if (input.project.template !== null) lines.push('', `Started from the template: ${input.project.template}`);
  if (input.plan !== null) {
    lines.push(
      '',
      '## Plan',
      input.plan.summary.trim(),
      '',
      `Stack: ${input.plan.stack.length > 0 ? input.plan.stack.join(', ') : '(not fixed)'}`,
      `Languages: ${input.plan.languages.length > 0 ? input.plan.languages.join(', ') : '(not fixed)'}`,
      'Use this stack and these languages; do not switch frameworks or add languages on your own.',
    );
  }
  return lines.join('\n');
}

/** The task itself: instructions, files expected and how it will be judged. */
export function taskSection(input: AgentInput): string {
  const { task } = input;
  return [
    `## Your task: ${task.title} (id: ${task.id}, ${task.kind}, round ${task.round})`,
    '',
    task.instructions.trim() || '(no further instructions)',
    '',
    '### Expected files',
    bullets(task.expectedArtifacts, 'None named: choose sensible relative paths.'),
    '',
    '### Acceptance criteria',
    bullets(task.acceptance, 'None beyond the instructions.'),
  ].join('\n');
}

const contextHeading = '## Upstream files from the team\n\n';
const noUpstreamFiles = `${contextHeading}No upstream files yet.`;

/**
 * The upstream files, as trimmed by the orchestrator. Measured when the orchestrator
 * measured them: the heading is joined to their count, and their text is not read here.
 */
export function contextSection(input: AgentInput): string | MeasuredText {
  const shown = input.measuredContext;
  if (shown !== undefined) return shown.text.length === 0 ? noUpstreamFiles : joinMeasured([contextHeading, shown]);
  const body = input.context.trim() === '' ? 'No upstream files yet.' : input.context.trimEnd();
  // Concatenated, not joined: the context can be a quarter of a megabyte (see joinSections).
  return `${contextHeading}${body}`;
}

/** One finding as a line a model can act on. */
export function findingLine(finding: Finding, index: number): string {
  const where = finding.line === null ? finding.file : `${finding.file}:${finding.line}`;
  const suggestion = finding.suggestion.trim() === '' ? '' : ` Suggested fix: ${finding.suggestion.trim()}`;
  return `${index + 1}. [${finding.severity}] ${where} — ${finding.message.trim()}${suggestion}`;
}

/** The Debugger's findings, numbered, worst first as given. */
export function findingsSection(heading: string, findings: readonly Finding[]): string {
  return [heading, '', ...findings.map(findingLine)].join('\n');
}

/** A section of a prompt: its text, or its text measured, or `false` for a section left out. */
export type Section = string | MeasuredText | false;

const sectionText = (section: Exclude<Section, false>) => (typeof section === 'string' ? section : section.text);

/**
 * Joins prompt sections with a blank line, skipping empty ones. Concatenated rather than
 * joined: the upstream files can be a quarter of a megabyte, and `join` copies every part
 * that is itself a concatenation twice (once to flatten it, once into the result); the
 * prompt is made flat once, by whatever reads it first.
 */
export function joinSections(...sections: readonly Section[]): string {
  let prompt = '';
  for (const section of sections) {
    if (section === false) continue;
    const text = sectionText(section);
    if (text.length === 0) continue;
    prompt = prompt.length === 0 ? text : `${prompt}\n\n${text}`;
  }
  return prompt;
}

const blankLine = measure('\n\n');

/**
 * `joinSections(...sections)` with its UTF-8 length: sections given as text are counted
 * here (they are short), measured ones are taken at their count, and the joined text is
 * not read.
 */
export function measureSections(...sections: readonly Section[]): MeasuredText {
  const parts: (string | MeasuredText)[] = [];
  for (const section of sections) {
    if (section === false || sectionText(section).length === 0) continue;
    if (parts.length > 0) parts.push(blankLine);
    parts.push(section);
  }
  return joinMeasured(parts);
}

/**
 * An agent's `prompt` and `measuredPrompt`, both from its one list of sections, so the
 * text counted is the text sent.
 *
 * @example { ...promptOf((input) => [projectSection(input), taskSection(input)]) }
 */
export function promptOf(
  sections: (input: AgentInput) => readonly Section[],
): Pick<AgentRole<unknown>, 'prompt' | 'measuredPrompt'> {
  return {
    prompt: (input) => joinSections(...sections(input)),
    measuredPrompt: (input) => measureSections(...sections(input)),
  };
}

/**
 * An agent's prompt laid out for the providers' prompt caches: the `stable` sections
 * first (the project, then the upstream files in path order: the same text for every
 * task of the role until a file changes), then the task's own sections. The stable text
 * is `prompt(input).slice(0, stablePrefixChars(input))`.
 *
 * @example cachedPromptOf((input) => [projectSection(input), contextSection(input)], (input) => [taskSection(input)])
 */
export function cachedPromptOf(
  stable: (input: AgentInput) => readonly Section[],
  particular: (input: AgentInput) => readonly Section[],
): Pick<AgentRole<unknown>, 'prompt' | 'measuredPrompt' | 'stablePrefixChars' | 'stableBlockEnds'> {
  return {
    ...promptOf((input) => [...stable(input), ...particular(input)]),
    stablePrefixChars: (input) => joinSections(...stable(input)).length,
    stableBlockEnds: (input) => blockEndsOf(joinSections(...stable(input))),
  };
}

/** Where each part of a stable prefix ends: before each section heading and each file's heading. */
function blockEndsOf(prefix: string): number[] {
  const ends: number[] = [];
  for (let at = prefix.indexOf('\n#'); at !== -1; at = prefix.indexOf('\n#', at + 1)) {
    if (/^\n#{2,4} /.test(prefix.slice(at, at + 6))) ends.push(at + 1);
  }
  return ends;
}

/** How a fix's answer gives back what it changed: whole files, or edit blocks on the files as shown. */
export type FixAnswer = 'whole-files' | 'edit-blocks';

const fixAnswerLines: Record<FixAnswer, { bare: string; rule: string }> = {
  'whole-files': {
    bare: 'Return the corrected full files.',
    rule: 'Return the corrected full files — each changed file complete from its first line to its last, not a diff and not only the changed part.',
  },
  'edit-blocks': {
    bare: 'Change the files with edit blocks.',
    rule: 'Fix each file that exists with edit blocks in `edits` — only the lines that change, quoted exactly from the file as shown, never the whole file. New files go whole in `files`. When the fix is to remove a file (dead, duplicated, or not meant to be there), list it in `deletes` with the reason and change whatever uses it.',
  },
};

/**
 * For a fix task: the findings and what a fix means. An agent that writes whole files
 * returns them whole (the engine replaces files); an agent that edits (`change-builders.ts`)
 * answers with edit blocks, so a one-line fix to a long file costs a few lines.
 *
 * @example fixSection(input, 'edit-blocks') // "## Findings to fix …" or false when input.task.kind !== 'fix'
 */
export function fixSection(input: AgentInput, answer: FixAnswer = 'whole-files'): string | false {
  if (input.task.kind !== 'fix') return false;
  const lines = fixAnswerLines[answer];
  if (input.findings.length === 0) {
    return `## Fix\n\nThis is a fix task: the instructions above say what is wrong. ${lines.bare}`;
  }
  return [
    findingsSection('## Findings to fix (from the Debugger)', input.findings),
    '',
    `Address every finding above. ${lines.rule}`,
    'Keep everything that already works: do not rename files, exports or functions that other files or tests use unless a finding asks for it.',
    'In `notes`, say for each finding number how you fixed it, or why it needs no change.',
  ].join('\n');
}

/** For a scaffold task: the skeleton other tasks build on. */
export function scaffoldSection(input: AgentInput): string | false {
  if (input.task.kind !== 'scaffold') return false;
  return [
    '## Scaffold',
    '',
    'This is a scaffold task: lay down the project skeleton the other tasks build on — the manifest (requirements.txt, pyproject.toml or package.json), the entry points and the folder layout, with working minimal code rather than empty stubs.',
    'Add a short README.md saying how to install, run and test the project.',
  ].join('\n');
}
