// The UI's boundary (ARCHITECTURE.md, STYLE.md): web/ never opens storage and never
// reaches into the engine. It may import types from worker/ (the API and shared type
// definitions) and values only from the read-only query module, worker/query/.
/** @type {import('eslint').Linter.RulesRecord} */
export const webBoundaryRules = {
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
