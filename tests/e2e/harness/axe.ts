import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { artifactsDir } from './fixtures.ts';

const require = createRequire(import.meta.url);
let source: Promise<string> | undefined;

/** One rule axe-core found broken, with where (a few selectors) and why, for a readable failure. */
export interface AxeFinding {
  rule: string;
  impact: string | null;
  help: string;
  targets: string[];
  summary: string;
}

interface AxeResults {
  violations: {
    id: string;
    impact: string | null;
    help: string;
    nodes: { target: unknown[]; failureSummary?: string }[];
  }[];
}

/**
 * Runs axe-core (WCAG 2.0–2.2 A and AA, and best practices) in the page as it is now and
 * returns every violation, whatever its impact. axe is evaluated through the DevTools
 * protocol, so the app's strict CSP stays as it is for the app's own scripts.
 */
export async function runAxe(page: Page): Promise<AxeFinding[]> {
  source ??= readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(await source);
  const results = (await page.evaluate(() => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<unknown> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  })) as AxeResults;
  return results.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.slice(0, 5).map((node) => node.target.map(String).join(' ')),
    summary: violation.nodes[0]?.failureSummary?.split('\n').slice(0, 3).join(' ') ?? '',
  }));
}

/** A violation found in one state of one screen, in one colour scheme and size. */
export interface ScreenFinding extends AxeFinding {
  state: string;
  scheme: string;
  size: string;
}

const sizes = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;
const schemes = ['light', 'dark'] as const;
const screensDir = join(artifactsDir, 'screens');

/**
 * Audits the page as it is, in both colour schemes and at desktop and phone sizes, and
 * saves a screenshot of each into tests/e2e/.artifacts/screens/ (git-ignored) for a
 * person to review the look.
 * @example await auditScreen(page, 'run-paused', findings)
 */
export async function auditScreen(page: Page, state: string, findings: ScreenFinding[]): Promise<void> {
  await mkdir(screensDir, { recursive: true });
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    // Let transitions end and the frame repaint in the new scheme before measuring contrast.
    await page.waitForTimeout(150);
    for (const size of sizes) {
      await page.setViewportSize({ width: size.width, height: size.height });
      for (const finding of await runAxe(page)) findings.push({ ...finding, state, scheme, size: size.name });
      await page.screenshot({ path: join(screensDir, `${state}-${scheme}-${size.name}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: sizes[0].width, height: sizes[0].height });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Findings as one readable line each (a test expects the list empty). */
export function axeReport(findings: readonly ScreenFinding[]): string[] {
  return findings.map(
    (finding) =>
      `${finding.state} (${finding.scheme}, ${finding.size}): ${finding.rule} [${finding.impact ?? 'no impact'}] ${finding.help} — ${finding.targets.join(' | ')} — ${finding.summary}`,
  );
}
