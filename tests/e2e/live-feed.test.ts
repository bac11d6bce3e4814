import type { Page } from 'playwright-core';
import { expect, test } from './harness/fixtures.ts';

const feedText = (page: Page) => page.getByTestId('feed').textContent();

async function send(page: Page, text: string) {
  await page.getByLabel('Message to the team').fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

test('two tabs see the same live events; the second only watches until the first closes', async ({
  server,
  profile,
}) => {
  const { context, page: first } = profile;
  await first.goto(`${server.url}/new`);
  await first.getByLabel('Name').fill('Shared project');
  await first.getByLabel('Description').fill('Watched from two tabs.');
  await first.getByRole('button', { name: 'Create project' }).click();
  await first.waitForURL(/\/run\?project=/);
  await expect.poll(() => feedText(first)).toContain('You created the project “Shared project”.');
  expect(await first.getByTestId('observer-banner').count()).toBe(0);

  const second = await context.newPage();
  await second.goto(first.url());
  await expect.poll(() => second.getByTestId('project-name').textContent()).toBe('Shared project');
  await expect.poll(() => second.getByTestId('observer-banner').count()).toBe(1);
  expect(await second.getByLabel('Message to the team').isDisabled()).toBe(true);
  expect(await feedText(second)).toContain('You created the project “Shared project”.');

  // A message written in the first tab appears live in the second.
  await send(first, 'Hello from the first tab');
  await expect.poll(() => feedText(second)).toContain('You: Hello from the first tab');
  await expect.poll(() => feedText(first)).toContain('You: Hello from the first tab');

  // Closing the writer hands the lock over: the second tab can now write, and does.
  await first.close();
  await expect.poll(() => second.getByTestId('observer-banner').count(), { timeout: 15_000 }).toBe(0);
  expect(await second.getByLabel('Message to the team').isDisabled()).toBe(false);
  await send(second, 'Hello from the second tab');
  await expect.poll(() => feedText(second)).toContain('You: Hello from the second tab');

  // A third tab now watches the second, and has the whole history in order.
  const third = await context.newPage();
  await third.goto(second.url());
  await expect.poll(() => third.getByTestId('observer-banner').count()).toBe(1);
  await expect.poll(() => third.locator('[data-testid="feed"] li').count()).toBe(3);
  const order = await third
    .locator('[data-testid="feed"] li')
    .evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-seq'))));
  expect(order).toEqual([3, 2, 1]);
});

test('a project survives a reload and is listed on the Projects view', async ({ server, profile }) => {
  const { page } = profile;
  await page.goto(`${server.url}/new`);
  await page.getByLabel('Name').fill('Durable project');
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(/\/run\?project=/);
  await send(page, 'Remember me');
  await expect.poll(() => feedText(page)).toContain('You: Remember me');
  await page.reload();
  await expect.poll(() => feedText(page)).toContain('You: Remember me');
  await page.goto(server.url);
  await expect.poll(() => page.getByTestId('project-list').textContent()).toContain('Durable project');
  expect(await page.getByTestId('project-list').textContent()).toContain('2 events');
});

test('Replay shows the project as it was after any event, moved with the keyboard', async ({ server, profile }) => {
  const { page } = profile;
  await page.goto(`${server.url}/new`);
  await page.getByLabel('Name').fill('Replayed project');
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(/\/run\?project=/);
  for (const text of ['First', 'Second', 'Third']) {
    await send(page, text);
    await expect.poll(() => feedText(page)).toContain(`You: ${text}`);
  }
  await page.getByRole('link', { name: 'Replay this project' }).click();
  const slider = page.getByTestId('replay-slider');
  await expect.poll(() => page.getByTestId('replay-messages').textContent()).toBe('3');
  expect(await page.getByTestId('replay-event').textContent()).toBe('You: Third');

  await slider.focus();
  await page.keyboard.press('Home');
  await expect.poll(() => page.getByTestId('replay-messages').textContent()).toBe('0');
  expect(await page.getByTestId('replay-event').textContent()).toBe('You created the project “Replayed project”.');
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => page.getByTestId('replay-event').textContent()).toBe('You: First');
  expect(await page.getByTestId('replay-messages').textContent()).toBe('1');
});
