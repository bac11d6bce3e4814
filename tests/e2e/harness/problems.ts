import type { Page } from 'playwright-core';

/**
 * Collects everything that should never happen on a page: console errors (Chromium
 * reports CSP refusals there too), uncaught exceptions, and `securitypolicyviolation`
 * events seen by the page itself.
 */
export async function watchProblems(page: Page): Promise<{ list(): Promise<string[]> }> {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`csp: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  return {
    async list() {
      const csp = await page
        .evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? [])
        .catch(() => [] as string[]);
      return [...problems, ...csp];
    },
  };
}
