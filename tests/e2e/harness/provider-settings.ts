import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Points a provider at a base URL and stores its key, through the Settings screen. */
export async function configureProvider(page: Page, provider: string, baseUrl: string, key: string): Promise<void> {
  const card = page.getByTestId(`provider-${provider}`);
  const status = page.getByTestId(`provider-${provider}-status`);
  await card.locator('input[name="base-url"]').fill(baseUrl);
  await card.locator('input[name="base-url"]').press('Tab');
  await expect.poll(() => status.textContent()).toBe('Base URL saved.');
  await card.locator('input[name="key"]').fill(key);
  await card.getByRole('button', { name: 'Save key' }).click();
  await expect.poll(() => status.textContent()).toBe('Key saved on this device.');
}
