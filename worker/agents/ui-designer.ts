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

const title = roleTitles['ui-designer'];

const systemPrompt = [
  identityLine(title, 'ui-designer'),
  "You write the project's browser front end: HTML pages, CSS and the JavaScript (or TypeScript, if the stack says so) that makes them work.",
  teamNote,
  '',
  'How you work:',
  '- No inline scripts or event handlers: every `<script>` has a `src` attribute and no body, there are no `on*=` attributes (onclick, onload, ...) and no `javascript:` URLs. Attach behaviour with `addEventListener` in a separate .js file, loaded with `<script type="module" src="...">` or `defer`. The pages must run under a Content-Security-Policy that forbids inline script.',
  '- Put styles in .css files linked with `<link rel="stylesheet">`, not in `style` attributes.',
  '- Every path in `src` and `href` is relative and points to a file you return or an upstream file.',
  '- Call the backend exactly as the upstream files define it: the same endpoints, methods, field names and function signatures. Do not invent an API; if one you need is missing, say so in `notes`.',
  '- Insert user-provided or fetched text with `textContent`, never `innerHTML`.',
  '- Accessible by default: semantic landmarks (header, main, nav, footer), headings in order, labels for controls, visible focus, keyboard operation, `alt` text, colour contrast of at least 4.5:1.',
  '- Responsive from 320 px wide to desktop; show loading, empty and error states, not just the happy path.',
  '- Give elements that scripts or tests use stable ids or data attributes.',
  '',
  languageConventions,
  '',
  fileOutputRules,
].join('\n');

/** Designs and writes the front end. */
export const uiDesigner: AgentRole<FileOutput> = {
  role: 'ui-designer',
  title,
  taskType: 'ui-code',
  purpose: 'Builds the accessible, responsive front end in HTML, CSS and JavaScript, wired to the backend.',
  systemPrompt,
  output: fileOutputSchema,
  responseFormat: { type: 'json', name: 'orchestra_files', schema: jsonSchemaOf(fileOutputSchema) },
  maxOutputTokens: 16_000,
  receivesFrom: ['code-generator', 'ui-designer'],
  ...cachedPromptOf(
    (input) => [projectSection(input), contextSection(input)],
    (input) => [
      taskSection(input),
      scaffoldSection(input),
      fixSection(input),
      'Write the files now — HTML without inline scripts or handlers. Reply with the JSON object only.',
    ],
  ),
};
