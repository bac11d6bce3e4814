import js from '@eslint/js';
import solid from 'eslint-plugin-solid/configs/typescript';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The UI's boundary (ARCHITECTURE.md, STYLE.md): web/ never opens storage and never
// reaches into the engine. It may import types from worker/ (the API and shared type
// definitions) and values only from the read-only query module, worker/query/.
/** @type {import('eslint').Linter.RulesRecord} */
const webBoundaryRules = {
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'dexie', message: 'Only the engine (worker/) touches IndexedDB; ask it through web/worker-client.ts.' },
      ],
      patterns: [
        {
          group: ['**/worker/**', '!**/worker/query', '!**/worker/query/**'],
          allowTypeImports: true,
          message:
            'web/ imports only types from worker/ (values only from worker/query/); call the engine through web/worker-client.ts.',
        },
        {
          group: ['dexie/*', 'fake-indexeddb', 'fake-indexeddb/*'],
          message: 'Only the engine (worker/) touches IndexedDB.',
        },
      ],
    },
  ],
};

// Model text is data, never a key into a plain object: `table['constructor']` is a function
// and `table['__proto__']` is Object.prototype, so a lookup table keyed by strings must be a
// Map (or read with Object.hasOwn). A string-keyed Record initialised with an object literal,
// built by Object.fromEntries or read by JSON.parse is the shape such tables take; declare
// a Map (`new Map(entries)`), or a Record over a closed union of keys, or check the parsed
// JSON with a schema.
const stringRecord =
  "TSTypeReference[typeName.name='Record'] > TSTypeParameterInstantiation > TSStringKeyword:first-child";
const stringIndex = 'TSTypeLiteral > TSIndexSignature';
/** Calls whose result is a plain object with keys chosen by data: Object.fromEntries, JSON.parse. */
const tableCall = (path) =>
  `[${path}.callee.object.name='Object'][${path}.callee.property.name='fromEntries'], [${path}.callee.object.name='JSON'][${path}.callee.property.name='parse']`;
const tableInit = `[init.type='ObjectExpression'], ${tableCall('init')}, ${tableCall('init.expression')}`;
const tableMessage =
  'answers "constructor" and "__proto__" from Object.prototype when model text is the key: use a Map (new Map(entries)), a Record over a closed union of keys, or a schema for parsed JSON.';
/** @type {import('eslint').Linter.RulesRecord} */
const plainTableRules = {
  'no-restricted-syntax': [
    'error',
    {
      selector: `VariableDeclarator:matches(${tableInit}) > Identifier > TSTypeAnnotation ${stringRecord}`,
      message: `A string-keyed plain object used as a table ${tableMessage}`,
    },
    {
      selector: `VariableDeclarator:matches(${tableInit}) > Identifier > TSTypeAnnotation ${stringIndex}`,
      message: `A string-indexed plain object used as a table ${tableMessage}`,
    },
    {
      selector: `:matches(TSAsExpression, TSSatisfiesExpression):matches(${tableCall('expression')}, ${tableCall('expression.expression')}) ${stringRecord}`,
      message: `Object.fromEntries or JSON.parse cast to a string-keyed Record ${tableMessage}`,
    },
    {
      selector: `:matches(TSAsExpression, TSSatisfiesExpression):matches(${tableCall('expression')}, ${tableCall('expression.expression')}) > ${stringIndex}`,
      message: `Object.fromEntries or JSON.parse cast to a string-indexed object ${tableMessage}`,
    },
    {
      selector: `VariableDeclarator[init.callee.object.name='Object'][init.callee.property.name='fromEntries']:not([id.typeAnnotation])`,
      message: `A table built by Object.fromEntries ${tableMessage}`,
    },
    {
      selector: `MemberExpression[computed=true]:matches(${tableCall('object')})`,
      message: `A lookup straight into Object.fromEntries or JSON.parse ${tableMessage}`,
    },
  ],
};

// The engine's shape (issue #13). One metered model call: only
// orchestrator/calls/metered-call.ts reserves with a project's cost governor, settles or
// releases with it, or asks the model chooser to choose, learn or withdraw; every other
// caller goes through it (`chooseRoute`, `MeteredRoute`). Roles as data: the team's table
// (orchestrator/task-agents.ts) keeps each agent's answer typed, so nothing casts to
// `AgentRole`.
const meteredOnly = (object, methods) =>
  `CallExpression[callee.property.name=/^(${methods})$/]:matches([callee.object.name='${object}'], [callee.object.property.name='${object}'])`;
const agentRoleCast = {
  selector: "TSAsExpression > TSTypeReference[typeName.name='AgentRole']",
  message: 'A cast to AgentRole: take the agent from the team table (taskAgentFor), which keeps its answer typed.',
};
const meteredCallSelectors = [
  {
    selector: meteredOnly('governor', 'reserve|settle|release'),
    message:
      'Only the metered call (orchestrator/calls/metered-call.ts) reserves, settles or releases: call through it.',
  },
  {
    selector: meteredOnly('chooser', 'choose|observe|cancel'),
    message:
      'Only the metered call (orchestrator/calls/metered-call.ts) chooses a model or tells the router how a call went: call through it.',
  },
];
/** @type {import('eslint').Linter.RulesRecord} */
const engineShapeRules = {
  'no-restricted-syntax': [...plainTableRules['no-restricted-syntax'], agentRoleCast, ...meteredCallSelectors],
};
const meteredCallFile = 'worker/orchestrator/calls/metered-call.ts';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'bench/results/',
      'tests/e2e/.artifacts/',
      // Packages authored as data for the fixture npm registry: served and run, never imported.
      'tests/fixtures/npm/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  { files: ['web/**/*.{ts,tsx}'], ...solid, languageOptions: { ...solid.languageOptions, globals: globals.browser } },
  { files: ['web/**/*.{ts,tsx}'], rules: webBoundaryRules },
  { files: ['{web,worker,server,sandbox}/**/*.{ts,tsx}'], rules: plainTableRules },
  // The governor and the chooser themselves (budget/, model-choice.ts) define what the rule guards.
  {
    files: ['worker/**/*.ts'],
    ignores: [meteredCallFile, 'worker/budget/**', 'worker/orchestrator/model-choice.ts'],
    rules: engineShapeRules,
  },
  {
    files: [meteredCallFile, 'worker/budget/**/*.ts', 'worker/orchestrator/model-choice.ts'],
    rules: { 'no-restricted-syntax': [...plainTableRules['no-restricted-syntax'], agentRoleCast] },
  },
  { files: ['worker/**/*.ts'], languageOptions: { globals: globals.worker } },
  // The code-running frame and its runtimes: a page and the workers it starts.
  { files: ['sandbox/**/*.ts'], languageOptions: { globals: { ...globals.browser, ...globals.worker } } },
  {
    files: ['server/**/*.ts', 'tests/**/*.ts', '*.config.{js,ts}'],
    languageOptions: { globals: globals.node },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
