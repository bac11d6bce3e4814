import type { Page } from 'playwright-core';

/**
 * Fills in the New project form and creates the project; resolves on its run page, whose URL it returns.
 *
 * About one full e2e run in three, on a fresh profile, the run page did not come within
 * 60 s of pressing Create project, at low load too; the cause is not found yet. If the
 * form is still there after 20 s with no problem shown, the press is made once more and
 * that is printed, so the log shows how often it happens; otherwise the failure names
 * what the page showed.
 */
export async function createProject(
  page: Page,
  appUrl: string,
  fields: { name: string; description: string; template?: string },
): Promise<string> {
  await page.goto(`${appUrl}/new`);
  await page.getByLabel('Name').fill(fields.name);
  await page.getByLabel('Description').fill(fields.description);
  if (fields.template) await page.getByLabel('Template').selectOption(fields.template);
  const create = page.getByRole('button', { name: 'Create project' });
  await create.click();
  const onRunPage = /\/run\?project=/;
  const arrived = await page.waitForURL(onRunPage, { timeout: 20_000 }).then(
    () => true,
    () => false,
  );
  if (!arrived) {
    const shown = await page
      .locator('main')
      .textContent({ timeout: 5_000 })
      .catch(() => '(unreadable)');
    const problem = await page
      .getByRole('alert')
      .allTextContents()
      .catch(() => []);
    const name = await page
      .getByLabel('Name')
      .inputValue({ timeout: 5_000 })
      .catch(() => '(no form)');
    process.stdout.write(
      `createProject: no run page 20 s after Create project (url ${page.url()}, name field "${name}", alerts ${JSON.stringify(problem)}); pressing it once more\n`,
    );
    if (problem.length > 0 || name !== fields.name)
      throw new Error(`Create project did not lead to the run page. The page shows: ${shown?.slice(0, 600)}`);
    await create.click();
    await page.waitForURL(onRunPage, { timeout: 40_000 });
  }
  return page.url();
}
