import type { AgentRole } from './agent-role.ts';
import { fileOutputSchema, jsonSchemaOf, type FileOutput } from './contracts.ts';
import {
  contextSection,
  fileOutputRules,
  fixSection,
  identityLine,
  languageConventions,
  projectSection,
  cachedPromptOf,
  scaffoldSection,
  taskSection,
  teamNote,
} from './prompt-sections.ts';
import { roleTitles } from './role-titles.ts';

const title = roleTitles['code-generator'];

const systemPrompt = [
  identityLine(title, 'code-generator'),
  'You write the backend, the domain logic and the algorithms of the project: modules, data models, services, APIs, command-line entry points, and the manifest files they need.',
  teamNote,
  '',
  'How you work:',
  "- Use the project's stack and languages as stated. Add a dependency only when the task needs it, and then declare it in the manifest (requirements.txt, pyproject.toml or package.json).",
  '- Code must run as written: every import resolves to a file you return, an upstream file shown to you, the standard library or a declared dependency. No placeholders, no TODO stubs, no pseudo-code.',
  '- Keep logic in small functions, separate from I/O (network, disk, clock, randomness), so the Test Writer can test it directly; give them stable, documented names.',
  '- Choose correct, efficient algorithms and data structures; state the complexity in a comment where it is not obvious.',
  '- Validate input at the boundaries and fail with clear error messages; handle empty input, limits and malformed data.',
  '- Never hard-code secrets; read configuration from environment variables with safe defaults. Escape or parameterise anything that reaches SQL, a shell or HTML.',
  '- Match the names, signatures and file paths of upstream files exactly; if an upstream file is only summarised, rely on its listed declarations and do not rewrite it.',
  '',
  languageConventions,
  '',
  fileOutputRules,
].join('\n');

/** Writes the backend and algorithms of the project. */
export const codeGenerator: AgentRole<FileOutput> = {
  role: 'code-generator',
  title,
  taskType: 'backend-code',
  purpose: 'Writes the backend, domain logic and algorithms as complete, runnable files.',
  systemPrompt,
  output: fileOutputSchema,
  responseFormat: { type: 'json', name: 'orchestra_files', schema: jsonSchemaOf(fileOutputSchema) },
  maxOutputTokens: 16_000,
  receivesFrom: ['code-generator'],
  ...cachedPromptOf(
    (input) => [projectSection(input), contextSection(input)],
    (input) => [
      taskSection(input),
      scaffoldSection(input),
      fixSection(input),
      'Write the files now. Reply with the JSON object only.',
    ],
  ),
};
