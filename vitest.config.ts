import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          // Property tests fold thousands of events; a busy 2-core machine needs headroom.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          // A busy 2-core machine can take seconds to start a worker and open its database.
          expect: { poll: { timeout: 15_000 } },
          // Each test drives its own Chromium; two cores run them best one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
