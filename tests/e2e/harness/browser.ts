import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';

export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Flags for a quiet Chromium on a machine with no outside network. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

export function assertChromium(): void {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `No Chromium at ${chromiumPath}. Install Debian's: apt-get install -y chromium (or set CHROMIUM_PATH).`,
    );
  }
}

export interface Profile {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A browser with a fresh, empty profile of its own: its own IndexedDB, service workers and caches. */
export async function launchProfile(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<Profile> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'orchestra-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: 1200, height: 800 },
  });
  // Playwright's 30 s for an action or a navigation is tight for a fresh profile's first
  // pages on a busy 2-core machine (service worker, engine worker and database all start);
  // a wait that is really stuck still fails, within the test's 90 s.
  context.setDefaultTimeout(60_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
