import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test as base } from 'vitest';
import { type Profile, launchProfile } from './browser.ts';
import { type RunningServer, startServer } from './server.ts';

export const artifactsDir = join(import.meta.dirname, '..', '.artifacts');

/**
 * e2e fixtures: `server` is the real server, started once per file; `profile` is a
 * browser with a fresh profile for each test, screenshotted into
 * tests/e2e/.artifacts/ when the test fails.
 */
export const test = base.extend<{ server: RunningServer; profile: Profile }>({
  server: [
    // Vitest reads a fixture's dependencies from its destructuring pattern: none here.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = await startServer();
      await use(server);
      await server.stop();
    },
    { scope: 'file' },
  ],
  profile: async ({ task }, use) => {
    const profile = await launchProfile();
    await use(profile);
    if (task.result?.state === 'fail') {
      await mkdir(artifactsDir, { recursive: true });
      const name = task.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
      await profile.page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true }).catch(() => undefined);
    }
    await profile.close();
  },
});

export { expect } from 'vitest';
