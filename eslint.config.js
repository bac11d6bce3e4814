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

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/results/', 'tests/e2e/.artifacts/'] },
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
  { files: ['worker/**/*.ts'], languageOptions: { globals: globals.worker } },
  // The code-running frame and its runtimes: a page and the workers it starts.
  { files: ['sandbox/**/*.ts'], languageOptions: { globals: { ...globals.browser, ...globals.worker } } },
  {
    files: ['server/**/*.ts', 'tests/**/*.ts', '*.config.{js,ts}'],
    languageOptions: { globals: globals.node },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
