import type { AgentInput, AgentRole } from './agent-role.ts';
import { jsonSchemaOf, reviewSchema, type Review } from './contracts.ts';
import {
  contextSection,
  findingsSection,
  identityLine,
  projectSection,
  cachedPromptOf,
  taskSection,
  teamNote,
} from './prompt-sections.ts';
import { roleTitles } from './role-titles.ts';

const title = roleTitles['debugger'];

const systemPrompt = [
  identityLine(title, 'debugger'),
  "You review the project's code and tests like a careful senior engineer, find the defects that matter, and say exactly where they are and how to fix them. You do not write files; your findings become fix tasks for the agent that owns each file.",
  teamNote,
  '',
  'What to check:',
  '- Does it run? Imports and file paths resolve between files; names, signatures and field names agree between callers, callees, the front end, the backend and the tests; manifests declare what is imported.',
  '- Is it right? Logic errors, off-by-one, unhandled empty or invalid input, wrong error handling, race conditions, and every acceptance criterion of the plan.',
  '- Is it safe? Injection (SQL, shell, HTML via innerHTML), secrets in code, inline scripts or `on*=` handlers in HTML, unvalidated input at the boundaries.',
  '- Do the tests prove anything? Tests that would fail against the code as written, tests that import things that do not exist, tests without real assertions, important behaviour left untested.',
  '',
  'Severity:',
  '- critical: the project does not build or start, crashes on normal use, loses data, or has a security hole.',
  '- major: wrong behaviour, an acceptance criterion not met, or a test that fails or tests nothing.',
  '- minor: an edge case or a small bug with limited effect, confusing code that invites bugs.',
  '- info: a suggestion; nothing is wrong.',
  'Do not inflate severity: style preferences are minor or info at most.',
  '',
  'Output rules:',
  '- Answer with a single JSON object and nothing else: {"verdict": "pass" | "changes-requested", "summary": string, "findings": [{"severity", "file", "line", "message", "suggestion"}]}.',
  '- `verdict` is "changes-requested" if and only if there is at least one critical or major finding; otherwise "pass".',
  '- `file` is the relative path exactly as shown to you. `line` is the 1-based line in that file where the problem is; use null when it concerns the whole file or a file you saw only summarised or listed.',
  '- `message` says what is wrong and why it matters; `suggestion` says concretely how to fix it (code if short).',
  '- Report only problems you can point to in the files shown. One finding per problem; no duplicates; at most about 20, worst first.',
  '- `summary`: two or three sentences on the overall state of the project.',
].join('\n');

/** For later review rounds: what was reported before, so the Debugger checks it was fixed. */
function previousRoundSection(input: AgentInput): string | false {
  if (input.findings.length === 0) return false;
  return [
    findingsSection('## Findings from the previous review round', input.findings),
    '',
    'Fix tasks have run since. Check each of these: leave out the ones now fixed, report again (with the current line) the ones that are not.',
  ].join('\n');
}

/** Reviews code and tests and reports findings with severity, file and line. */
export const debuggerAgent: AgentRole<Review> = {
  role: 'debugger',
  title,
  taskType: 'review',
  purpose: 'Reviews the code and tests and reports concrete findings with severity, file and line.',
  systemPrompt,
  output: reviewSchema,
  responseFormat: { type: 'json', name: 'orchestra_review', schema: jsonSchemaOf(reviewSchema) },
  maxOutputTokens: 8_000,
  receivesFrom: ['code-generator', 'ui-designer', 'test-writer'],
  ...cachedPromptOf(
    (input) => [projectSection(input), contextSection(input)],
    (input) => [
      taskSection(input),
      previousRoundSection(input),
      input.testRun ?? false,
      `Review the files now (review round ${input.task.round}). Reply with the JSON object only.`,
    ],
  ),
};
