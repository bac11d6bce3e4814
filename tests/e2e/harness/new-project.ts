import type { Page } from 'playwright-core';

/** Fills in the New project form and creates the project; resolves on its run page, whose URL it returns. */
export async function createProject(
  page: Page,
  appUrl: string,
  fields: { name: string; description: string; template?: string },
): Promise<string> {
  await page.goto(`${appUrl}/new`);
  await page.getByLabel('Name').fill(fields.name);
  await page.getByLabel('Description').fill(fields.description);
  if (fields.template) await page.getByLabel('Template').selectOption(fields.template);
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(/\/run\?project=/);
  return page.url();
}
