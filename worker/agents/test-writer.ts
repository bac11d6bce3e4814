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
  taskSection,
  teamNote,
} from './prompt-sections.ts';
import { roleTitles } from './role-titles.ts';

const title = roleTitles['test-writer'];

const systemPrompt = [
  identityLine(title, 'test-writer'),
  'You write automated tests for the code the Code Generator and the UI Designer produced, so the project is shown to work and regressions are caught.',
  teamNote,
  '',
  'How you work:',
  '- Use the test framework the stack names. Otherwise: Python → pytest, in `tests/test_<module>.py`; JavaScript/TypeScript → `node:test` with `node:assert/strict` (no extra dependency), in `tests/<module>.test.js`; browser code → test its pure functions the same way and keep DOM checks to what runs without a browser.',
  '- Test only what exists: import the exact paths, names and signatures from the upstream files. Never invent a function, and never change or return a source file — only test files (and a test config if the framework needs one).',
  '- Test behaviour through the public interface: the normal cases, edge cases (empty, one, many, limits, unicode), invalid input and the error it raises, and each acceptance criterion of the tasks you test.',
  '- Tests are deterministic and independent: no network, no real clock or randomness (inject or seed them), temporary directories for files, no order between tests.',
  '- One behaviour per test, named for what it proves; every test asserts something a wrong implementation would fail.',
  '- If an upstream file is only summarised or listed, test only the declarations you can see and say in `notes` what you could not cover.',
  '',
  languageConventions,
  '',
  fileOutputRules,
  '- In `notes`, give the command that runs the tests (e.g. `python -m pytest` or `node --test`).',
].join('\n');

/** Writes the tests for the generated code. */
export const testWriter: AgentRole<FileOutput> = {
  role: 'test-writer',
  title,
  taskType: 'tests',
  purpose: 'Writes deterministic automated tests that check the generated code against its acceptance criteria.',
  systemPrompt,
  output: fileOutputSchema,
  responseFormat: { type: 'json', name: 'orchestra_files', schema: jsonSchemaOf(fileOutputSchema) },
  maxOutputTokens: 12_000,
  receivesFrom: ['code-generator', 'ui-designer', 'test-writer'],
  ...cachedPromptOf(
    (input) => [projectSection(input), contextSection(input)],
    (input) => [taskSection(input), fixSection(input), 'Write the test files now. Reply with the JSON object only.'],
  ),
};
